"""The vocabulary of the access policy: role sets, the caller's scope, and write rules.

Each domain module (network.py, forces.py, orders.py, dispatch.py, accounts.py, scenarios.py)
declares a `Domain` in these words: which roles may call its root fields, which rows of its tables
a caller may read (a SQL criterion over the table), and which rows a caller may write (a rule). The
choke point (policy.py) enforces every declaration on the request session, for ORM reads, flushes
and bulk UPDATE/DELETE/INSERT statements alike.

A write rule answers twice, from one declaration: `allows(check, obj, is_new)` for an object
flushed by the ORM, and `criterion(scope, table)` for the rows a bulk statement touches (None:
the caller may write no row of the table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, false, inspect, or_, select, true
from sqlalchemy.orm import Session

from db import models
from db.enums import RequestState
from db.models import Role
from resolvers.access.auth import Caller

ADMIN = frozenset({Role.PLATFORM_ADMIN})
STAFF = frozenset({Role.PLATFORM_ADMIN, Role.UNIT_ADMIN})
DISPATCH = frozenset({Role.PLATFORM_ADMIN, Role.UNIT_ADMIN, Role.DISPATCHER})
ANALYSTS = frozenset({Role.PLATFORM_ADMIN, Role.ANALYST})
SIGNED_IN = frozenset(Role)
ANYONE: frozenset[Role] | None = None  # also anonymous callers

UNIT_ADMIN = (Role.UNIT_ADMIN,)
UNIT_ROLES = (Role.UNIT_ADMIN, Role.DISPATCHER)
UNRESTRICTED_VIEW = (Role.PLATFORM_ADMIN, Role.ANALYST)  # the analyst sees personal data de-identified

#: What each role's grant covers, in the words of docs/access.md: rows outside it are not found
#: (reads) or refused (writes). A domain names the exceptions (Domain.catalogue, Domain.scopes).
ROLE_SCOPES: dict[Role, str] = {
    Role.PLATFORM_ADMIN: "all",
    Role.UNIT_ADMIN: "unit subtree",
    Role.DISPATCHER: "unit subtree",
    Role.TEAM_LEADER: "own team",
    Role.VOLUNTEER: "self",
    Role.RESIDENT: "own orders",
    Role.ANALYST: "all, de-identified",
}

_units = models.Unit.__table__
_volunteers = models.Volunteer.__table__
_orders = models.Order.__table__
_members = models.TeamMembership.__table__
_teams = models.Team.__table__
_assignments = models.Assignment.__table__
_runs = models.DispatchRun.__table__
_owners = models.OrderOwner.__table__
_proposals = models.DispatchProposal.__table__


def _any(*clauses: ColumnElement[bool] | None) -> ColumnElement[bool]:
    present = [c for c in clauses if c is not None]
    return or_(*present) if present else false()


class Scope:
    """What one caller covers, as SQL: built once per request from the caller's grants.

    A unit grant covers the unit's subtree (materialised path prefix); a team leader covers the
    members of the team; a volunteer covers himself; a resident covers the orders he submitted.
    """

    def __init__(self, caller: Caller | None) -> None:
        self.caller = caller
        self.unrestricted = caller is not None and bool(caller.roles & set(UNRESTRICTED_VIEW))

    def units(self, *roles: Role) -> Select[Any] | None:
        """Ids of the units under the caller's unit grants of `roles` (None: no such grant)."""
        if self.caller is None:
            return None
        paths = [g.unit_path for g in self.caller.grants_of(*roles) if g.unit_path]
        if not paths:
            return None
        return select(_units.c.id).where(or_(*(_units.c.path.like(f"{p}%") for p in paths)))

    def led_teams(self) -> list[int]:
        return sorted(self.caller.led_team_ids) if self.caller else []

    def team_members(self) -> Select[Any] | None:
        teams = self.led_teams()
        return select(_members.c.volunteer_id).where(_members.c.team_id.in_(teams)) if teams else None

    def selves(self) -> list[int]:
        return sorted(self.caller.volunteer_ids) if self.caller else []

    def volunteers(self, column: Any) -> ColumnElement[bool]:
        """`column` (a volunteer id) names a volunteer the caller may see."""
        if self.caller is None:
            return false()
        units = self.units(*UNIT_ROLES)
        members = self.team_members()
        selves = self.selves()
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
        return _any(*serving, column.in_(members) if members is not None else None,
                    column.in_(selves) if selves else None)

    def _unit_orders(self, column: Any, units: Select[Any] | None) -> ColumnElement[bool] | None:
        """`column` names an order served in, or ordered by, a unit of `units`."""
        if units is None:
            return None
        return column.in_(
            select(_orders.c.id).where(or_(_orders.c.unit_id.in_(units), _orders.c.orderer_unit_id.in_(units))))

    def _own_orders(self, column: Any) -> ColumnElement[bool] | None:
        """`column` names an order the caller submitted as a resident."""
        c = self.caller
        if c is None or Role.RESIDENT not in c.roles:
            return None
        return column.in_(select(_owners.c.order_id).where(_owners.c.account_id == c.account_id))

    def orders(self, column: Any) -> ColumnElement[bool]:
        """`column` (an order id) names an order the caller may see."""
        if self.caller is None:
            return false()
        members = self.team_members()
        selves = self.selves()
        own = select(_volunteers.c.id).where(_volunteers.c.id.in_(selves)) if selves else None
        served_by = [q for q in (members, own) if q is not None]
        return _any(
            self._unit_orders(column, self.units(*UNIT_ROLES)),
            *(column.in_(select(_assignments.c.order_id).where(_assignments.c.volunteer_id.in_(q))) for q in served_by),
            self._own_orders(column),
        )

    def tasks(self, order: Any, volunteer: Any) -> ColumnElement[bool]:
        """A volunteer's row on an order (a task, its service record, an outbox event addressed to
        him) that the caller may see: on an order of its unit subtree, or of a volunteer registered
        there; a member of its team; himself; on an order it submitted. Seeing an order (serving
        it, or a member serving it) or a volunteer (proposed for the subtree) is not enough: the
        other volunteers' tasks on that order, and that volunteer's tasks elsewhere, stay apart."""
        if self.caller is None:
            return false()
        units = self.units(*UNIT_ROLES)
        members = self.team_members()
        selves = self.selves()
        return _any(
            self._unit_orders(order, units),
            volunteer.in_(select(_volunteers.c.id).where(_volunteers.c.unit_id.in_(units)))
            if units is not None else None,
            volunteer.in_(members) if members is not None else None,
            volunteer.in_(selves) if selves else None,
            self._own_orders(order),
        )

    def runs(self, column: Any) -> ColumnElement[bool]:
        units = self.units(*UNIT_ROLES)
        if units is None:
            return false()
        return column.in_(select(_runs.c.id).where(_runs.c.scope_unit_id.in_(units)))


class Check:
    """The Python side of write rules during a flush: the caller and unit paths read on demand
    (through the connection, without flushing)."""

    def __init__(self, session: Session, caller: Caller) -> None:
        self.session, self.caller = session, caller
        self._read: dict[tuple[str, str, Any], Any] = {}  # what this check read, for its next rows

    def _scalar(self, table: Any, column: str, pk: int | None) -> Any:
        if pk is None:
            return None
        key = (table.name, column, pk)
        if key not in self._read:
            self._read[key] = self.session.connection().execute(
                select(table.c[column]).where(table.c.id == pk)).scalar()
        return self._read[key]

    def _read_many(self, table: Any, column: str, pks: Iterable[Any]) -> None:
        wanted = {pk for pk in pks if pk is not None and (table.name, column, pk) not in self._read}
        if wanted:
            rows = self.session.connection().execute(select(table.c.id, table.c[column]).where(table.c.id.in_(wanted)))
            self._read.update({(table.name, column, pk): value for pk, value in rows})
            self._read.update({(table.name, column, pk): None for pk in wanted
                               if (table.name, column, pk) not in self._read})

    def read_ahead(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Read at once what checking many new rows (a bulk INSERT's) asks for: the units of the
        volunteers they name and the paths of those units and of the units they name."""
        self._read_many(_volunteers, "unit_id", (row.get("volunteer_id") for row in rows))
        units = [row.get("unit_id") for row in rows]
        units += [self._read.get(("volunteers", "unit_id", row.get("volunteer_id"))) for row in rows]
        self._read_many(_units, "path", units)

    def unit_path(self, unit_id: int | None) -> str | None:
        return self._scalar(_units, "path", unit_id)

    def team_unit(self, team_id: int | None) -> int | None:
        return self._scalar(_teams, "unit_id", team_id)

    def volunteer_unit(self, volunteer_id: int | None) -> int | None:
        return self._scalar(_volunteers, "unit_id", volunteer_id)

    def order_unit(self, order_id: int | None) -> int | None:
        return self._scalar(_orders, "unit_id", order_id)

    def administers(self, unit_id: int | None) -> bool:
        """The caller is the platform admin or a unit admin over `unit_id`."""
        return self.caller.is_admin or self.in_subtree(UNIT_ADMIN, self.unit_path(unit_id))

    def in_subtree(self, roles: Iterable[Role], path: str | None) -> bool:
        """`path` lies in the subtree of one of the caller's unit grants of `roles`."""
        return path is not None and any(
            g.unit_path and path.startswith(g.unit_path) for g in self.caller.grants_of(*roles))


def old_value(obj: Any, attr: str) -> Any:
    """The value `attr` had when `obj` was loaded (its current value when unchanged)."""
    history = inspect(obj).attrs[attr].history
    return history.deleted[0] if history.deleted else getattr(obj, attr)


def values(obj: Any, attr: str, is_new: bool) -> tuple[Any, ...]:
    """The values of `attr` a write must be allowed for: the new one, and the old one of a change."""
    if is_new:
        return (getattr(obj, attr),)
    return tuple(dict.fromkeys((getattr(obj, attr), old_value(obj, attr))))


class WriteRule:
    """Who may write rows of one table (see the module docstring)."""

    @property
    def sentence(self) -> str:
        """What the rule allows, in words (a field or a property of each rule)."""
        return ""

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        raise NotImplementedError

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        raise NotImplementedError


@dataclass(frozen=True)
class AdminOnly(WriteRule):
    sentence: str = "platform admin only"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return False

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class ByUnit(WriteRule):
    """Rows of a unit (`column`): the caller's grants of `roles` cover the unit."""

    column: str = "unit_id"
    roles: tuple[Role, ...] = UNIT_ADMIN

    @property
    def sentence(self) -> str:
        return f"{' or '.join(r.value.lower().replace('_', ' ') for r in self.roles)} over the row's unit"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return all(check.in_subtree(self.roles, check.unit_path(v)) for v in values(obj, self.column, is_new))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        units = scope.units(*self.roles)
        return table.c[self.column].in_(units) if units is not None else None


@dataclass(frozen=True)
class KeptByUnit(WriteRule):
    """Rows of a unit that are kept for the record (policies, projects, courses, subsidy rules and
    batches): a unit admin over the row's unit before and after a change writes them; never
    deleted, never by a bulk statement. `what` names the row in the rule's sentence."""

    what: str = "row"

    @property
    def sentence(self) -> str:
        return f"unit admin over the {self.what}'s unit; never deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return obj not in check.session.deleted and ByUnit("unit_id").allows(check, obj, is_new)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class ByTeam(WriteRule):
    """Rows of a team (`column`): a unit admin over the team's unit; its team leader (existing rows)."""

    column: str = "team_id"
    sentence: str = "unit admin over the team's unit; the team's leader (not new teams)"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        team_id = getattr(obj, self.column)
        if isinstance(obj, models.Team):  # the team itself: its unit, before and after a change
            if all(check.in_subtree(UNIT_ADMIN, check.unit_path(u)) for u in values(obj, "unit_id", is_new)):
                return True
        elif check.in_subtree(UNIT_ADMIN, check.unit_path(check.team_unit(team_id))):
            return True
        leads = team_id in check.caller.led_team_ids
        return leads and not (is_new and isinstance(obj, models.Team))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        units = scope.units(*UNIT_ADMIN)
        teams = scope.led_teams()
        return _any(table.c[self.column].in_(select(_teams.c.id).where(_teams.c.unit_id.in_(units)))
                    if units is not None else None, table.c[self.column].in_(teams) if teams else None)


@dataclass(frozen=True)
class Membership(WriteRule):
    """Team memberships: whoever may write the team, for a volunteer of the team's own subtree; a
    volunteer of another unit only by a unit admin over that unit too (an admin over both)."""

    sentence: str = ("unit admin over the team's unit or the team's leader, for volunteers of the team's "
                     "subtree; others only by a unit admin over the volunteer's unit too")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not ByTeam("team_id").allows(check, obj, is_new):
            return False
        team_path = check.unit_path(check.team_unit(obj.team_id))
        volunteer_path = check.unit_path(check.volunteer_unit(obj.volunteer_id))
        if team_path is not None and volunteer_path is not None and volunteer_path.startswith(team_path):
            return True
        return check.in_subtree(UNIT_ADMIN, volunteer_path)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return ByTeam("team_id").criterion(scope, table)


@dataclass(frozen=True)
class ByVolunteer(WriteRule):
    """Rows of a volunteer (`column`): a unit admin over the volunteer's unit; the volunteer
    himself for existing rows."""

    column: str = "volunteer_id"
    sentence: str = "unit admin over the volunteer's unit; the volunteer (own rows, not new volunteers)"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if isinstance(obj, models.Volunteer):
            units: tuple[Any, ...] = values(obj, "unit_id", is_new)
            volunteer_id = obj.id
        else:
            volunteer_id = getattr(obj, self.column)
            units = (check.volunteer_unit(volunteer_id),)
        if all(check.in_subtree(UNIT_ADMIN, check.unit_path(u)) for u in units):
            return True
        new_volunteer = is_new and isinstance(obj, models.Volunteer)
        return not new_volunteer and volunteer_id in check.caller.volunteer_ids

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        units = scope.units(*UNIT_ADMIN)
        selves = scope.selves()
        return _any(table.c[self.column].in_(select(_volunteers.c.id).where(_volunteers.c.unit_id.in_(units)))
                    if units is not None else None, table.c[self.column].in_(selves) if selves else None)


@dataclass(frozen=True)
class Proposed(WriteRule):
    """A volunteer's request (db/models/requests.py): the volunteer himself files it (PENDING) and
    may withdraw it while pending; a unit admin over the unit of `over` ("order": the order's,
    "volunteer": the volunteer's) decides it. Never deleted, never written in bulk. (Nobody
    decides his own request: the resolvers refuse that, resolvers/core/proposals.py.)"""

    over: str = "volunteer"
    #: a unit admin over the volunteer's unit may file too (a star proposed when its threshold is reached)
    staff_files: bool = False

    @property
    def sentence(self) -> str:
        staff = " (or a unit admin over the volunteer's unit)" if self.staff_files else ""
        return (f"the volunteer files (own rows){staff} and withdraws while pending; unit admin over the "
                f"{self.over}'s unit decides; never deleted")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if obj in check.session.deleted:
            return False
        own = all(v in check.caller.volunteer_ids for v in values(obj, "volunteer_id", is_new))
        if is_new:
            staff = self.staff_files and check.in_subtree(UNIT_ADMIN, check.unit_path(
                check.volunteer_unit(obj.volunteer_id)))
            return (own or staff) and obj.state == RequestState.PENDING
        pending = old_value(obj, "state") == RequestState.PENDING
        if own and pending and obj.state in (RequestState.PENDING, RequestState.WITHDRAWN):
            return True
        unit = check.order_unit(obj.order_id) if self.over == "order" else check.volunteer_unit(obj.volunteer_id)
        return check.in_subtree(UNIT_ADMIN, check.unit_path(unit))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class UnitTree(WriteRule):
    """Units: a new unit's parent, a changed unit, and both places of a move lie in a unit admin's subtree."""

    sentence: str = "unit admin: the unit (a new one's parent; a moved one's old and new parent) in the subtree"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if is_new:
            return check.in_subtree(UNIT_ADMIN, check.unit_path(obj.parent_id))
        old_parent = old_value(obj, "parent_id")
        if old_parent == obj.parent_id:
            return check.in_subtree(UNIT_ADMIN, obj.path)
        # a move (db/tree.py rewrites the paths with one UPDATE): both places must be in the subtree
        return (check.in_subtree(UNIT_ADMIN, check.unit_path(old_parent))
                and check.in_subtree(UNIT_ADMIN, check.unit_path(obj.parent_id)))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        units = scope.units(*UNIT_ADMIN)
        return table.c.id.in_(units) if units is not None else None


@dataclass(frozen=True)
class Readable(WriteRule):
    """Rows the caller can read (the domain's read criterion) may be written; new rows by
    `new` (None: whoever reaches the mutation, the root gate decides)."""

    read: Callable[[Scope, Any], ColumnElement[bool]] | None = None
    new: WriteRule | None = None
    new_roles: frozenset[Role] = frozenset()  # these roles may create rows whatever `new` says

    @property
    def sentence(self) -> str:
        made = f"; new rows: {self.new.sentence}" if self.new is not None else ""
        also = f" (or {', '.join(sorted(r.value.lower() for r in self.new_roles))})" if self.new_roles else ""
        return f"rows the caller can read{made}{also}"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not is_new or self.new is None:
            return True  # read through the restricted session before it was changed
        return bool(check.caller.roles & self.new_roles) or self.new.allows(check, obj, is_new)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return self.read(scope, table) if self.read is not None else true()


@dataclass(frozen=True)
class Domain:
    """One domain's declarations (see the module docstring)."""

    name: str
    #: root field ("Query.units") -> roles that may call it (ANYONE: also anonymous callers)
    roots: dict[str, frozenset[Role] | None] = field(default_factory=dict)
    #: model -> the rows of its table a caller may read (models not named: everyone signed in)
    reads: dict[Any, Callable[[Scope, Any], ColumnElement[bool]]] = field(default_factory=dict)
    #: model -> who may write its rows (models not named: nobody but the platform admin)
    writes: dict[Any, WriteRule] = field(default_factory=dict)
    #: root fields that read only the catalogue: every role that may call them sees all of it
    catalogue: frozenset[str] = frozenset()
    #: root field -> role -> its scope there, where it is not the role's own (ROLE_SCOPES)
    scopes: dict[str, dict[Role, str]] = field(default_factory=dict)

    def scope_of(self, root: str, role: Role) -> str:
        """What `role` reaches through `root`, in the words of the access tables."""
        if root in self.scopes and role in self.scopes[root]:
            return self.scopes[root][role]
        return "all" if root in self.catalogue else ROLE_SCOPES[role]


def fields(kind: str, names: Iterable[str], roles: frozenset[Role] | None) -> dict[str, frozenset[Role] | None]:
    """{"Kind.name": roles} for several root fields of one kind."""
    return {f"{kind}.{name}": roles for name in names}
