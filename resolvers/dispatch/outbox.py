"""The notification outbox: events written in the same transaction as the change they announce.

Gateways (app push, SMS) and subscriptions read events in id order with a cursor ("every event
after id N"), so nothing is lost or reordered and a consumer restarts where it stopped. Payloads
carry ids, codes and times only, never phones or ID numbers; a gateway looks contact details up
itself. After the transaction commits, waiting subscriptions are woken (dispatch_broker).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from db.models import OutboxEvent
from db.models.dispatch import EventKind
from resolvers.core.mutation import after_commit
from resolvers.dispatch.broker import BROKER


def emit(session: Session, kind: EventKind, *, volunteer_id: int | None = None, order_id: int | None = None,
         assignment_id: int | None = None, **payload: Any) -> None:
    """Add one event to the outbox (committed with the caller's transaction)."""
    emit_many(session, [{"kind": kind, "volunteer_id": volunteer_id, "order_id": order_id,
                             "assignment_id": assignment_id, "payload": payload}])


def emit_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Add many events in one statement; each dict holds OutboxEvent columns."""
    if not rows:
        return
    blank: dict[str, Any] = {"volunteer_id": None, "order_id": None, "assignment_id": None, "payload": {}}
    table = cast(Table, OutboxEvent.__table__)  # a mapped class's table is a Table
    session.connection().execute(insert(table), [{**blank, **row} for row in rows])
    after_commit(session, lambda: BROKER.publish("outbox"))


def events_after(session: Session, after_id: int, *, volunteer_id: int | None = None,
                 order_id: int | None = None, limit: int = 100) -> list[OutboxEvent]:
    """Events with id > `after_id`, in id order, optionally for one volunteer or one order."""
    stmt = select(OutboxEvent).where(OutboxEvent.id > after_id)
    if volunteer_id is not None:
        stmt = stmt.where(OutboxEvent.volunteer_id == volunteer_id)
    if order_id is not None:
        stmt = stmt.where(OutboxEvent.order_id == order_id)
    return list(session.scalars(stmt.order_by(OutboxEvent.id).limit(limit)))
