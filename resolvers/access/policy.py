"""The one place that restricts what a caller may see and change (netbox's `.restrict(user)`).

Three layers, all driven by the caller's role grants (resolvers/access/auth.py):

1. Root fields (`ROOT_ACCESS`): which roles may call each query and mutation at all; checked
   before execution by wenming.access.Authorise. A field missing from the table is refused for
   everyone, and tests/auth/test_matrix.py fails until it is classified.
2. Rows (`restrict_session`): every SELECT of the request's session gets, for each personal-data
   table, the criterion "in the caller's scope" (SQLAlchemy `with_loader_criteria` for ORM
   statements, a WHERE on the table for plain table selects). Root connections, `totalCount`,
   `node(id)`, nested edges, subtree counts and statistics all read through it, so none can cross
   the scope. The catalogue (units, places, teams, skills, service items, menus) is readable by
   every signed-in caller; volunteers, orders, runs, tasks and their details are scoped.
3. Writes (`before_flush`): new and changed catalogue rows, volunteers, orders and runs must lie
   in a scope where the caller may change them; otherwise the mutation is refused as a whole with
   a FORBIDDEN user error.

Scopes: a unit grant covers the unit's subtree (materialised path prefix); a team leader covers
the members of the team; a volunteer covers himself; a resident covers the orders he submitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, event, false, insert, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from db import models
from db.models import Role
from resolvers.access.auth import Caller
from resolvers.core.errors import ErrorCode, MutationAborted, Problem
from resolvers.access.writes import check_writes

ADMIN = frozenset({Role.PLATFORM_ADMIN})
STAFF = frozenset({Role.PLATFORM_ADMIN, Role.UNIT_ADMIN})
DISPATCH = frozenset({Role.PLATFORM_ADMIN, Role.UNIT_ADMIN, Role.DISPATCHER})
ANALYSTS = frozenset({Role.PLATFORM_ADMIN, Role.ANALYST})
SIGNED_IN = frozenset(Role)
ANYONE: frozenset[Role] | None = None  # also anonymous callers

#: Who may call each root field; rows are restricted on top of this (see the module docstring).
ROOT_ACCESS: dict[str, frozenset[Role] | None] = {
    # queries: every signed-in caller, rows restricted
    **{f"Query.{name}": SIGNED_IN for name in (
        "node", "nodes", "units", "unitByCode", "departments", "practiceBases", "practicePoints", "teams",
        "skills", "serviceItems", "volunteers", "orders", "dispatchRun", "dispatchRuns", "myTasks",
        "orderTasks", "orderHistory", "orderRating", "outbox", "teamStats", "volunteerStats", "me",
    )},
    "Mutation.login": ANYONE,
    "Mutation.refresh": ANYONE,
    "Mutation.logout": SIGNED_IN,
    "Mutation.apiKeyCreate": ADMIN,
    "Mutation.accountCreate": ADMIN,
    # the catalogue of skills and service items is the platform's
    "Mutation.skillCreate": ADMIN,
    "Mutation.serviceItemCreate": ADMIN,
    # the practice network and forces: unit admins in their subtree
    **{f"Mutation.{name}": STAFF for name in (
        "unitCreate", "unitUpdate", "unitMove", "unitDelete", "departmentCreate", "practiceBaseCreate",
        "practicePointCreate", "teamCreate", "volunteerRegister", "menuOffer", "menuWithdraw",
        "serviceRecordCorrect",
    )},
    "Mutation.teamUpdate": STAFF | {Role.TEAM_LEADER},
    "Mutation.teamMemberAdd": STAFF | {Role.TEAM_LEADER},
    "Mutation.volunteerUpdate": STAFF | {Role.VOLUNTEER},
    # the order loop
    "Mutation.orderSubmit": DISPATCH | {Role.RESIDENT},
    "Mutation.orderCancel": DISPATCH | {Role.RESIDENT},
    "Mutation.orderRate": DISPATCH | {Role.RESIDENT},
    **{f"Mutation.{name}": DISPATCH for name in (
        "orderReview", "orderReject", "dispatchRunStart", "dispatchRunCancel", "dispatchRunCommit",
        "dispatchProposalPin", "dispatchProposalRemove", "dispatchProposalReplace", "taskRemindersSend",
    )},
    **{f"Mutation.{name}": ADMIN | {Role.VOLUNTEER} for name in (
        "assignmentAccept", "assignmentDecline", "assignmentCheckIn", "assignmentCheckOut",
    )},
    # what-if scenarios (resolvers/scenarios/runs.py): analysts and platform admins, every run
    **{f"Query.{name}": ANALYSTS for name in ("scenarioRun", "scenarioRuns", "scenarioRunCompare",
                                              "scenarioExamples")},
    **{f"Mutation.{name}": ANALYSTS for name in ("scenarioRunStart", "scenarioRunCancel")},
    "Subscription.dispatchRunProgress": DISPATCH | {Role.ANALYST},
    "Subscription.notifications": SIGNED_IN,
}


def may_call(caller: Caller | None, coordinate: str) -> tuple[bool, ErrorCode | None]:
    """Whether `caller` may call root field "Type.field"; the code says why not."""
    if coordinate not in ROOT_ACCESS:
        return False, ErrorCode.FORBIDDEN
    allowed = ROOT_ACCESS[coordinate]
    if allowed is None:
        return True, None
    if caller is None:
        return False, ErrorCode.UNAUTHENTICATED
    return (True, None) if caller.roles & allowed else (False, ErrorCode.FORBIDDEN)


# --- row scopes -------------------------------------------------------------------------------

_units = models.Unit.__table__
_volunteers = models.Volunteer.__table__
_orders = models.Order.__table__
_members = models.TeamMembership.__table__
_assignments = models.Assignment.__table__
_runs = models.DispatchRun.__table__
_owners = models.OrderOwner.__table__
_records = models.ServiceRecord.__table__
_proposals = models.DispatchProposal.__table__

UNIT_ROLES = (Role.UNIT_ADMIN, Role.DISPATCHER)
UNRESTRICTED_VIEW = (Role.PLATFORM_ADMIN, Role.ANALYST)  # the analyst sees personal data masked


def _subtree(caller: Caller, *roles: Role) -> Select[Any] | None:
    """Ids of the units under the caller's unit grants of `roles` (None: no such grant)."""
    paths = [g.unit_path for g in caller.grants_of(*roles) if g.unit_path]
    if not paths:
        return None
    return select(_units.c.id).where(or_(*(_units.c.path.like(f"{p}%") for p in paths)))


def _any(*clauses: ColumnElement[bool] | None) -> ColumnElement[bool]:
    present = [c for c in clauses if c is not None]
    return or_(*present) if present else false()


def _team_members(caller: Caller) -> Select[Any] | None:
    teams = [g.team_id for g in caller.grants_of(Role.TEAM_LEADER) if g.team_id]
    return select(_members.c.volunteer_id).where(_members.c.team_id.in_(teams)) if teams else None


def _selves(caller: Caller) -> list[int]:
    return [g.volunteer_id for g in caller.grants_of(Role.VOLUNTEER) if g.volunteer_id]


class Scope:
    """The criteria of one caller, built once per request."""

    def __init__(self, caller: Caller | None) -> None:
        self.caller = caller
        self.unrestricted = caller is not None and bool(caller.roles & set(UNRESTRICTED_VIEW))

    def volunteers(self, column: Any) -> ColumnElement[bool]:
        """`column` (a volunteer id) names a volunteer the caller may see."""
        c = self.caller
        if c is None:
            return false()
        units = _subtree(c, *UNIT_ROLES)
        members = _team_members(c)
        selves = _selves(c)
        serving: list[ColumnElement[bool]] = []
        if units is not None:
            # Specialist teams often sit above the units they serve: the volunteers proposed or
            # assigned for the subtree's orders are seen too, or its runs could not be reviewed.
            orders = select(_orders.c.id).where(_orders.c.unit_id.in_(units))
            runs = select(_runs.c.id).where(_runs.c.scope_unit_id.in_(units))
            serving = [
                column.in_(select(_volunteers.c.id).where(_volunteers.c.unit_id.in_(units))),
                column.in_(select(_assignments.c.volunteer_id).where(_assignments.c.order_id.in_(orders))),
                column.in_(select(_proposals.c.volunteer_id).where(_proposals.c.run_id.in_(runs))),
            ]
        return _any(
            *serving,
            column.in_(members) if members is not None else None,
            column.in_(selves) if selves else None,
        )

    def orders(self, column: Any) -> ColumnElement[bool]:
        """`column` (an order id) names an order the caller may see."""
        c = self.caller
        if c is None:
            return false()
        units = _subtree(c, *UNIT_ROLES)
        members = _team_members(c)
        selves = _selves(c)
        served_by = [q for q in (members, select(_volunteers.c.id).where(_volunteers.c.id.in_(selves)) if selves else None)
                     if q is not None]
        return _any(
            column.in_(select(_orders.c.id).where(or_(_orders.c.unit_id.in_(units), _orders.c.orderer_unit_id.in_(units))))
            if units is not None else None,
            *(column.in_(select(_assignments.c.order_id).where(_assignments.c.volunteer_id.in_(q))) for q in served_by),
            column.in_(select(_owners.c.order_id).where(_owners.c.account_id == c.account_id))
            if Role.RESIDENT in c.roles else None,
        )

    def runs(self, column: Any) -> ColumnElement[bool]:
        c = self.caller
        units = _subtree(c, *UNIT_ROLES) if c is not None else None
        if units is None:
            return false()
        return column.in_(select(_runs.c.id).where(_runs.c.scope_unit_id.in_(units)))

    def criteria(self) -> dict[Any, Callable[[Any], ColumnElement[bool]]]:
        """model -> criterion over the model's table (columns looked up by name)."""
        return {
            models.Volunteer: lambda t: self.volunteers(t.c.id),
            models.VolunteerSkill: lambda t: self.volunteers(t.c.volunteer_id),
            models.VolunteerDomain: lambda t: self.volunteers(t.c.volunteer_id),
            models.AvailabilityWindow: lambda t: self.volunteers(t.c.volunteer_id),
            models.AvailabilityException: lambda t: self.volunteers(t.c.volunteer_id),
            models.TeamMembership: lambda t: self.volunteers(t.c.volunteer_id),
            models.Order: lambda t: self.orders(t.c.id),
            models.OrderEvent: lambda t: self.orders(t.c.order_id),
            models.Rating: lambda t: self.orders(t.c.order_id),
            models.Assignment: lambda t: or_(self.orders(t.c.order_id), self.volunteers(t.c.volunteer_id)),
            models.ServiceRecord: lambda t: or_(self.orders(t.c.order_id), self.volunteers(t.c.volunteer_id)),
            models.ServiceCorrection: lambda t: t.c.record_id.in_(select(_records.c.id).where(
                or_(self.orders(_records.c.order_id), self.volunteers(_records.c.volunteer_id)))),
            models.OutboxEvent: lambda t: or_(self.orders(t.c.order_id), self.volunteers(t.c.volunteer_id)),
            models.DispatchRun: lambda t: self.runs(t.c.id),
            models.DispatchProposal: lambda t: self.runs(t.c.run_id),
            models.ScenarioRun: lambda t: false(),  # analysts' and admins' only (both unrestricted)
            models.PersonalDataRead: lambda t: false(),
            models.RefreshToken: lambda t: false(),
            models.ApiKey: lambda t: false(),
        }


#: Tables the request session never reads for the caller without the criteria.
RESTRICTED_TABLES = {model.__table__ for model in Scope(None).criteria()}


class AuthHolder:
    """The caller of one request, shared by the context and every session it opens."""

    def __init__(self) -> None:
        self.caller: Caller | None = None
        self.loading = False  # True while resolvers/access/auth.py reads credentials and grants
        self._scope: Scope | None = None

    def set(self, caller: Caller | None) -> None:
        self.caller = caller
        self._scope = None

    @property
    def scope(self) -> Scope:
        if self._scope is None or self._scope.caller is not self.caller:
            self._scope = Scope(self.caller)
        return self._scope


def _restrict_core(stmt: Select[Any], criteria: dict[Any, Callable[[Any], ColumnElement[bool]]]) -> Select[Any]:
    """A plain table SELECT with the criterion of each restricted table among its FROMs."""
    by_table = {model.__table__: fn for model, fn in criteria.items()}
    for table in _tables(stmt.get_final_froms()):
        fn = by_table.get(table)
        if fn is not None:
            stmt = stmt.where(fn(table))
    return stmt


def _tables(froms: Iterable[Any]) -> Iterable[Any]:
    for item in froms:
        if hasattr(item, "left") and hasattr(item, "right"):  # a Join
            yield from _tables((item.left, item.right))
        else:
            yield item


def _on_execute(state: ORMExecuteState) -> None:
    holder: AuthHolder | None = state.session.info.get("auth")
    if holder is None or holder.loading or not state.is_select:
        return
    scope = holder.scope
    if scope.unrestricted:
        return
    criteria = scope.criteria()
    statement = state.statement
    if isinstance(statement, Select) and statement._propagate_attrs.get("compile_state_plugin") != "orm":
        state.statement = _restrict_core(statement, criteria)
        return
    # Plain expressions, not lambdas: a lambda's SQL is cached by its code, and would carry one
    # caller's criterion over to the next.
    state.statement = statement.options(*(
        with_loader_criteria(model, fn(model.__table__), include_aliases=True) for model, fn in criteria.items()
    ))


def restrict_session(session: Session, holder: AuthHolder) -> Session:
    """Make `session` read and write only within `holder.caller`'s scope; returns it."""
    session.info["auth"] = holder
    event.listen(session, "do_orm_execute", _on_execute)
    event.listen(session, "before_flush", _before_flush)
    event.listen(session, "after_flush", _after_flush)
    return session


# --- writes -----------------------------------------------------------------------------------

def _forbidden(what: str) -> MutationAborted:
    return MutationAborted([Problem(("input",), f"{what}: outside what your roles allow you to change",
                                    ErrorCode.FORBIDDEN)])


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    holder: AuthHolder | None = session.info.get("auth")
    if holder is None or holder.loading:
        return
    caller = holder.caller
    if caller is not None and caller.is_admin:
        return
    changed = [*session.new, *session.dirty, *session.deleted]
    with session.no_autoflush:
        problem = check_writes(session, caller, changed, new=set(session.new))
    if problem is not None:
        raise _forbidden(problem)


def _after_flush(session: Session, _context: Any) -> None:
    """Orders submitted by a resident belong to him (he sees them, and only him of the residents)."""
    holder: AuthHolder | None = session.info.get("auth")
    caller = holder.caller if holder is not None else None
    if caller is None or Role.RESIDENT not in caller.roles:
        return
    new_orders = [obj.id for obj in session.new if isinstance(obj, models.Order)]
    if new_orders:
        session.connection().execute(
            insert(models.OrderOwner),
            [{"order_id": pk, "account_id": caller.account_id} for pk in new_orders],
        )


