"""The order lifecycle (点单 -> 派单 -> 接单 -> 评单) and its audit trail.

    SUBMITTED -> REVIEWED (accepted for dispatch) | REJECTED (with a reason the orderer sees)
    REVIEWED  -> DISPATCHED (a run's proposals committed as offers)
    DISPATCHED -> CONFIRMED (every offer accepted) | REVIEWED (a decline: refill the gap)
    CONFIRMED -> IN_SERVICE (first check-in) | REVIEWED (a decline)
    IN_SERVICE -> COMPLETED (every present volunteer checked out)
    COMPLETED -> RATED (the orderer's rating)
    CANCELLED from any status before IN_SERVICE.

`move(session, order, to, actor, note)` is the only writer of `Order.status` in the workflow: it
refuses a step not in `ALLOWED` (ILLEGAL_TRANSITION, nothing written), otherwise writes an
`OrderEvent` (who, when, from -> to, note) and an ORDER_STATUS_CHANGED outbox event. The
mutations orderReview / orderReject / orderCancel are here; the others are side effects of the
dispatch and task mutations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import OrderStatus as S
from db.models.dispatch import ACTIVE_ASSIGNMENT, AssignmentStatus, EventKind
from resolvers.core.context import actor_of
from resolvers.core.errors import abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.dispatch.outbox import emit

if TYPE_CHECKING:
    from resolvers.core.context import Info

ALLOWED: dict[S, frozenset[S]] = {
    S.SUBMITTED: frozenset({S.REVIEWED, S.REJECTED, S.CANCELLED}),
    S.REVIEWED: frozenset({S.DISPATCHED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.CONFIRMED, S.REVIEWED, S.IN_SERVICE, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.IN_SERVICE, S.REVIEWED, S.CANCELLED}),
    S.IN_SERVICE: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset({S.RATED}),
    S.REJECTED: frozenset(),
    S.RATED: frozenset(),
    S.CANCELLED: frozenset(),
}


def check_step(order: models.Order, to: S, path: tuple[str, ...] = ("input", "order")) -> None:
    """Raise ILLEGAL_TRANSITION unless `order` may go from its status to `to`."""
    if to not in ALLOWED[S(order.status)]:
        allowed = ", ".join(sorted(ALLOWED[S(order.status)])) or "nothing (final)"
        raise abort(path, f"order {order.code} is {order.status}; it cannot become {to} "
                          f"(from {order.status} it may become: {allowed})", "ILLEGAL_TRANSITION")


def move(session: Session, order: models.Order, to: S, actor: str, note: str = "",
         path: tuple[str, ...] = ("input", "order")) -> None:
    """Move `order` to `to`, with its audit event and notification (see the module docstring)."""
    check_step(order, to, path)
    before = S(order.status)
    order.status = to
    session.add(models.OrderEvent(order_id=order.id, from_status=before, to_status=to, actor=actor, note=note))
    emit(session, EventKind.ORDER_STATUS_CHANGED, order_id=order.id, order=order.code,
         from_status=before.value, to_status=to.value, note=note)
    session.flush()


def _order(checks: Checks, data: Any) -> models.Order:
    order = checks.ref(data.order, "Order", ("input", "order"))
    checks.raise_if_any()
    return order




def order_review(info: Info, data: Any) -> Outcome[Any]:
    """SUBMITTED -> REVIEWED: accepted for dispatch."""
    def work(session: Session) -> models.Order:
        checks = Checks(session)
        order, actor = _order(checks, data), actor_of(info)
        note = checks.text(data.note, ("input", "note"))
        checks.raise_if_any()
        move(session, order, S.REVIEWED, actor, note)
        return order

    return run_mutation(info, work, info.context.present.order)


def order_reject(info: Info, data: Any) -> Outcome[Any]:
    """SUBMITTED -> REJECTED with a reason the orderer sees."""
    def work(session: Session) -> models.Order:
        checks = Checks(session)
        order, actor = _order(checks, data), actor_of(info)
        reason = checks.name(data.reason, ("input", "reason"), max_length=2000)
        checks.raise_if_any()
        move(session, order, S.REJECTED, actor, reason)
        return order

    return run_mutation(info, work, info.context.present.order)


def order_cancel(info: Info, data: Any) -> Outcome[Any]:
    """Any status before IN_SERVICE -> CANCELLED; the volunteers' open tasks are cancelled too."""
    def work(session: Session) -> models.Order:
        checks = Checks(session)
        order, actor = _order(checks, data), actor_of(info)
        reason = checks.name(data.reason, ("input", "reason"), max_length=2000)
        checks.raise_if_any()
        move(session, order, S.CANCELLED, actor, reason)
        cancel_tasks(session, order, reason)
        return order

    return run_mutation(info, work, info.context.present.order)


def cancel_tasks(session: Session, order: models.Order, reason: str) -> None:
    """Cancel the order's active tasks and tell each volunteer (TASK_CANCELLED)."""
    tasks = session.scalars(select(models.Assignment).where(
        models.Assignment.order_id == order.id, models.Assignment.status.in_(ACTIVE_ASSIGNMENT))).all()
    for task in tasks:
        task.status = AssignmentStatus.CANCELLED
        emit(session, EventKind.TASK_CANCELLED, volunteer_id=task.volunteer_id, order_id=order.id,
             assignment_id=task.id, order=order.code, reason=reason)
    session.flush()


def history(session: Session, order_id: int) -> list[models.OrderEvent]:
    """The order's audit trail, oldest first."""
    return list(session.scalars(select(models.OrderEvent).where(models.OrderEvent.order_id == order_id)
                                .order_by(models.OrderEvent.id)))

