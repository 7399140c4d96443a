"""The life of a volunteer's request (db/models/requests.py), the same for every kind: filed
PENDING by the volunteer (or, from a paper form, the platform admin), then APPROVED or DECLINED
(with a reason) by another account, or WITHDRAWN while pending. Who and when are the signed-in
account and the server's clock; a request is never deleted.

Who may decide which request is the access policy's (rules.Proposed on each request table); what
approval does is the request kind's own (resolvers/dispatch/time_claims.py,
resolvers/forces/change_requests.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import RequestState
from db.models.base import utcnow
from resolvers.core import globalid
from resolvers.core.context import actor_of
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info


def _caller(info: Info) -> Any:
    caller = info.context.auth.caller
    if caller is None:
        raise RuntimeError("a request step without an authenticated caller (the root gate admits none)")
    return caller


def acting_for(info: Info, volunteer_id: int, path: Sequence[str]) -> None:
    """The caller files for `volunteer_id`: he is that volunteer (the platform admin may file for anyone)."""
    caller = _caller(info)
    if not (caller.is_admin or volunteer_id in caller.volunteer_ids):
        raise abort(path, "a volunteer files requests for himself only: pass your own", ErrorCode.FORBIDDEN)


def filed(info: Info, row: Any, note: str | None, checks: Checks) -> Any:
    """`row` stamped as filed now by the caller, PENDING, with the volunteer's note."""
    row.note = checks.text(note, ("input", "note"))
    row.state = RequestState.PENDING
    row.submitted_by = actor_of(info)
    row.submitted_by_account_id = _caller(info).account_id
    row.submitted_at = utcnow()
    return row


def refuse_second(session: Session, model: Any, path: Sequence[str], *where: Any) -> None:
    """REQUEST_PENDING when a pending request of `model` matching `where` exists already."""
    if session.scalar(select(model.id).where(model.state == RequestState.PENDING, *where).limit(1)) is not None:
        raise abort(path, "a pending request for this already exists: withdraw it or wait for its decision",
                    ErrorCode.REQUEST_PENDING)


def pending(session: Session, global_id: str, type_name: str, path: Sequence[str]) -> Any:
    """The request `global_id` names, locked; REQUEST_STATE unless it is PENDING."""
    row = globalid.load(session, global_id, type_name, path, lock=True)
    if row.state != RequestState.PENDING:
        raise abort(path, f"the request is {row.state}; only a PENDING request can change", ErrorCode.REQUEST_STATE)
    return row


def decide(info: Info, row: Any, state: RequestState, note: str, path: Sequence[str]) -> None:
    """Approve or decline `row`: never by the account that filed it, nor by the volunteer it is about."""
    caller = _caller(info)
    if caller.account_id == row.submitted_by_account_id or row.volunteer_id in caller.volunteer_ids:
        raise abort(path, "you filed this request, or it is about you: another member of staff decides it",
                    ErrorCode.OWN_REQUEST)
    _close(info, row, state, note)


def decline_reason(session: Session, reason: str | None) -> str:
    """The decline's reason: required, so the volunteer learns why."""
    checks = Checks(session)
    text = checks.name(reason, ("input", "reason"), max_length=2000)
    checks.raise_if_any()
    return text


def withdraw(info: Info, row: Any, path: Sequence[str]) -> None:
    """The volunteer (or the account that filed it) takes a pending request back; it stays on record."""
    caller = _caller(info)
    if not (caller.account_id == row.submitted_by_account_id or row.volunteer_id in caller.volunteer_ids):
        raise abort(path, "only the volunteer who filed a request can withdraw it", ErrorCode.FORBIDDEN)
    _close(info, row, RequestState.WITHDRAWN, "")


def _close(info: Info, row: Any, state: RequestState, note: str) -> None:
    row.state = state
    row.decided_by = actor_of(info)
    row.decided_by_account_id = _caller(info).account_id
    row.decided_at = utcnow()
    row.decision_note = note


def listed(info: Info, model: Any, state: RequestState | None, present: Any, first: int | None,
           after: str | None) -> Any:
    """The requests of `model` the caller may read (the policy's scope), in `state` if given,
    oldest first, a page at a time."""
    stmt = select(model)
    if state is not None:
        stmt = stmt.where(model.state == state)
    return paginate(info.context, stmt, model.id, present, first, after)
