"""The choke point: every read and write of a request session passes the domains' declarations.

Who may do what is declared per domain (network.py, forces.py, orders.py, dispatch.py,
accounts.py, scenarios.py, recognition.py, insurance.py, certificates.py, training.py, projects.py,
subsidies.py, civility.py, assessment.py, in the words of rules.py); this module only enforces it, in three
places:

1. Root fields (`ROOT_ACCESS`, all domains' `roots`): which roles may call each query, mutation
   and subscription at all; checked before execution by wenming.access.Authorise. A field
   missing from the table is refused for everyone, and tests/auth/test_matrix.py fails until it
   is classified.
2. Reads (`do_orm_execute` on SELECT): every statement of the request's session gets, for each
   table a domain restricts, the criterion "in the caller's scope" (`with_loader_criteria` for
   ORM statements, a WHERE on the table for plain table selects). Root connections, `totalCount`,
   `node(id)`, nested edges, subtree counts and statistics all read through it.
3. Writes: objects flushed by the ORM (`before_flush`: new, changed and deleted) must be allowed
   by their table's write rule; bulk UPDATE and DELETE statements may touch only rows the rule's
   criterion covers, bulk INSERT rows are checked like new objects. A table no domain declares is
   written by the platform admin only. A refusal aborts the whole mutation (FORBIDDEN).

The platform admin passes everything; an analyst reads unrestricted (de-identified, see
personal_data.py and deidentify.py) but writes only what the declarations allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Delete, Insert, Select, Update, event, func, insert, not_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from db import models
from db.models import Role
from resolvers.access import (
    accounts,
    assessment,
    certificates,
    civility,
    dispatch,
    forces,
    insurance,
    network,
    orders,
    projects,
    recognition,
    scenarios,
    subsidies,
    training,
)
from resolvers.access.auth import Caller
from resolvers.access.rules import Check, Domain, Readable, Scope, WriteRule
from resolvers.core.errors import ErrorCode, MutationAborted, Problem

#: Every domain's declarations, in the order docs/access.md lists them.
DOMAINS: tuple[Domain, ...] = (network.DOMAIN, forces.DOMAIN, orders.DOMAIN, dispatch.DOMAIN, accounts.DOMAIN,
                               scenarios.DOMAIN, recognition.DOMAIN, insurance.DOMAIN, certificates.DOMAIN,
                               training.DOMAIN, projects.DOMAIN, subsidies.DOMAIN, civility.DOMAIN, assessment.DOMAIN)


def _merged(kind: str) -> dict[Any, Any]:
    merged: dict[Any, Any] = {}
    for domain in DOMAINS:
        for key, value in getattr(domain, kind).items():
            if key in merged:
                raise RuntimeError(f"{key} is declared twice (in {domain.name} and before)")
            merged[key] = value
    return merged


#: Who may call each root field ("Query.units" -> roles; None: anyone, also anonymous).
ROOT_ACCESS: dict[str, frozenset[Role] | None] = _merged("roots")
#: model -> the rows of its table a caller may read (tables not listed: every signed-in caller)
READS: dict[Any, Callable[[Scope, Any], ColumnElement[bool]]] = _merged("reads")
#: model -> who may write its rows (tables not listed: the platform admin only)
WRITES: dict[Any, WriteRule] = _merged("writes")
#: Tables the request session never reads for the caller without the criteria.
_READS_BY_TABLE = {model.__table__: fn for model, fn in READS.items()}
_WRITES_BY_TABLE = {model.__table__: (model, rule) for model, rule in WRITES.items()}


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


class AuthHolder:
    """The caller of one request, shared by the context and every session it opens."""

    def __init__(self) -> None:
        self.caller: Caller | None = None
        self.loading = False  # True while resolvers/access/auth.py reads credentials and grants
        self._scope: Scope | None = None

    def set(self, caller: Caller | None) -> None:
        self.caller = caller
        self._scope = None

    def still_valid(self, open_session: Callable[[], Session]) -> bool:
        """Whether the credential still holds (long-lived operations ask again: subscriptions);
        the request's holder (wenming/access.py) re-checks expiry, revocation and the account."""
        return self.caller is not None

    @property
    def scope(self) -> Scope:
        if self._scope is None or self._scope.caller is not self.caller:
            self._scope = Scope(self.caller)
        return self._scope


def restrict_session(session: Session, holder: AuthHolder) -> Session:
    """Make `session` read and write only within `holder.caller`'s scope; returns it."""
    session.info["auth"] = holder
    event.listen(session, "do_orm_execute", _on_execute)
    event.listen(session, "before_flush", _before_flush)
    event.listen(session, "after_flush", _after_flush)
    return session


def _active(session: Session) -> AuthHolder | None:
    holder: AuthHolder | None = session.info.get("auth")
    return None if holder is None or holder.loading else holder


def _forbidden(table: str) -> MutationAborted:
    """FORBIDDEN naming the records by their table's words ("volunteer skills"), never a class name."""
    return MutationAborted([Problem(("input",), f"{table.replace('_', ' ')}: outside what your roles allow you "
                                                "to change", ErrorCode.FORBIDDEN)])


# --- reads ------------------------------------------------------------------------------------

def _tables(froms: Iterable[Any]) -> Iterable[Any]:
    for item in froms:
        if hasattr(item, "left") and hasattr(item, "right"):  # a Join
            yield from _tables((item.left, item.right))
        else:
            yield item


def _restrict_select(state: ORMExecuteState, scope: Scope) -> None:
    statement = state.statement
    if isinstance(statement, Select) and statement._propagate_attrs.get("compile_state_plugin") != "orm":
        for table in _tables(statement.get_final_froms()):  # a plain table SELECT
            criterion = _READS_BY_TABLE.get(table)
            if criterion is not None:
                statement = statement.where(criterion(scope, table))
        state.statement = statement
        return
    # Plain expressions, not lambdas: a lambda's SQL is cached by its code, and would carry one
    # caller's criterion over to the next.
    state.statement = statement.options(*(
        with_loader_criteria(model, fn(scope, model.__table__), include_aliases=True) for model, fn in READS.items()
    ))


# --- bulk writes ------------------------------------------------------------------------------

def _check_bulk(state: ORMExecuteState, holder: AuthHolder) -> None:
    """UPDATE and DELETE touch only rows the table's rule covers; INSERT rows are new objects."""
    statement = state.statement
    table = getattr(statement, "table", None)
    model, rule = _WRITES_BY_TABLE.get(table, (None, None))
    name = getattr(table, "name", "these records")
    if model is None or rule is None:
        raise _forbidden(name)
    caller = holder.caller
    assert caller is not None
    if isinstance(statement, Insert):
        if isinstance(rule, Readable) and rule.new is None:
            return  # any row the caller reaches may be added (the rows it hangs on were read in scope)
        rows: list[Any] = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
        check = Check(state.session, caller)
        check.read_ahead(rows)
        for row in rows:
            if not rule.allows(check, model(**row), True):
                raise _forbidden(name)
        return
    assert isinstance(statement, Update | Delete)
    criterion = rule.criterion(holder.scope, table)
    if criterion is None:
        raise _forbidden(name)
    outside = select(func.count()).select_from(statement.table).where(not_(criterion))
    if statement.whereclause is not None:
        outside = outside.where(statement.whereclause)
    # read through the connection: the count itself is not restricted by the read criteria
    if state.session.connection().execute(outside).scalar():
        raise _forbidden(name)


def _on_execute(state: ORMExecuteState) -> None:
    holder = _active(state.session)
    if holder is None:
        return
    if state.is_select:
        if not holder.scope.unrestricted:
            _restrict_select(state, holder.scope)
        return
    if (state.is_update or state.is_delete or state.is_insert) and not (holder.caller and holder.caller.is_admin):
        if holder.caller is None:
            raise _forbidden("anonymous writes")
        _check_bulk(state, holder)


# --- flushed objects --------------------------------------------------------------------------

def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    holder = _active(session)
    if holder is None:
        return
    caller = holder.caller
    if caller is not None and caller.is_admin:
        return
    new = set(session.new)
    with session.no_autoflush:
        check = Check(session, caller) if caller is not None else None
        for obj in [*session.new, *session.dirty, *session.deleted]:
            rule = WRITES.get(type(obj))
            if check is None or rule is None or not rule.allows(check, obj, obj in new):
                raise _forbidden(type(obj).__table__.name)


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


def write_table() -> list[tuple[str, str, str]]:
    """(domain, table, who may write its rows) for every declared table: docs/access.md's table."""
    return [(domain.name, model.__tablename__, rule.sentence) for domain in DOMAINS
            for model, rule in domain.writes.items()]
