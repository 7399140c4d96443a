"""The decision on a batch of historic hours (db/models/hours.py, imported by
resolvers/imports/hours.py): PENDING -> APPROVED | DECLINED, by an account other than the
importer, who administers every volunteer of the batch; who and when are stamped on the batch,
which is never deleted.

Approval makes the rows countable: hours totals (serviceHours, volunteerStats) count them as
honour minutes, star proposals count them where the region counts honour hours, and each row earns
the points the earning rules give its minutes (capped per activity, as one task), once: the
ledger transaction's idempotency key names the row, so an approval replayed posts nothing twice.
Declining writes nothing countable.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db import models
from db.enums import RequestState
from db.models import LedgerAccountKind as K
from db.models import LedgerTransactionKind as T
from db.models.base import utcnow
from resolvers.access.rules import UNIT_ADMIN, Check
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.settings import PointsSettings
from resolvers.recognition.ledger import account, post, volunteer_account

BATCH = ("input", "batch")
REASON = ("input", "reason")
MAX_REASON = 500

_batches, _rows = models.HoursBackfill.__table__, models.HoursBackfillRow.__table__


def _pending(session: Session, caller: Any, batch_id: int) -> list[Any]:
    """The batch's rows, once the batch is locked and found PENDING and the caller may decide it."""
    connection = session.connection()
    found = connection.execute(select(_batches.c.state, _batches.c.imported_by_account_id)
                               .where(_batches.c.id == batch_id).with_for_update()).first()
    if found is None:
        raise abort(BATCH, "no hours backfill batch has this number", ErrorCode.NOT_FOUND)
    if found.state != RequestState.PENDING.value:
        raise abort(BATCH, f"the batch is {found.state}; only a PENDING batch can be decided", ErrorCode.REQUEST_STATE)
    rows = connection.execute(select(_rows.c.id, _rows.c.volunteer_id, _rows.c.minutes, models.Volunteer.unit_id,
                                     models.Unit.path)
                              .join(models.Volunteer, models.Volunteer.id == _rows.c.volunteer_id)
                              .join(models.Unit, models.Unit.id == models.Volunteer.unit_id)
                              .where(_rows.c.batch_id == batch_id).order_by(_rows.c.id)).all()
    if caller.account_id == found.imported_by_account_id or any(r.volunteer_id in caller.volunteer_ids for r in rows):
        raise abort(BATCH, "you imported this batch, or it holds your own hours: another member of staff decides it",
                    ErrorCode.OWN_REQUEST)
    check = Check(session, caller)
    if not caller.is_admin and not all(check.in_subtree(UNIT_ADMIN, r.path) for r in rows):
        raise abort(BATCH, "hours backfill: the batch holds volunteers outside the units you administer",
                    ErrorCode.FORBIDDEN)
    return list(rows)


def _decided(session: Session, caller: Any, batch_id: int, state: RequestState, reason: str | None) -> None:
    session.connection().execute(update(models.HoursBackfill).where(models.HoursBackfill.id == batch_id).values(
        state=state.value, decided_by_account_id=caller.account_id, decided_at=utcnow(), decline_reason=reason))


def approve(session: Session, caller: Any, batch_id: int, rules: PointsSettings) -> int:
    """Approve the batch and earn its points; the points earned."""
    rows = _pending(session, caller, batch_id)
    _decided(session, caller, batch_id, RequestState.APPROVED, None)
    earned = 0
    for r in rows:
        points = rules.for_service(r.minutes, "")
        if points <= 0:
            continue
        legs = [(volunteer_account(session, r.volunteer_id), points),
                (account(session, K.UNIT_POOL, unit_id=r.unit_id), -points)]
        if post(session, T.EARN, f"hours-backfill:{r.id}", legs, actor_account_id=caller.account_id,
                note=f"{r.minutes} minutes of historic service, backfill batch {batch_id}") is not None:
            earned += points
    return earned


def decline(session: Session, caller: Any, batch_id: int, reason: str | None) -> None:
    """Decline the batch with a reason (required: the importer learns why); nothing counts."""
    text = (reason or "").strip()
    if not text:
        raise abort(REASON, "give the reason for declining", ErrorCode.REQUIRED)
    if len(text) > MAX_REASON:
        raise abort(REASON, f"is longer than {MAX_REASON} characters", ErrorCode.INVALID)
    _pending(session, caller, batch_id)
    _decided(session, caller, batch_id, RequestState.DECLINED, text)
