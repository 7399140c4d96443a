"""dispatchRunCommit: a run's proposals become offered tasks, all in one transaction or none.

Refused as a whole (a userErrors entry per conflict, nothing written) when:
- the run has not SUCCEEDED (RUN_NOT_READY: queued, running, failed or cancelled) or was committed
  before (ALREADY_COMMITTED);
- an order changed since the run read it: its status is no longer REVIEWED, or its version moved
  (ORDER_CHANGED, optimistic concurrency on `Order.version`);
- a proposed volunteer has, since the run, been booked elsewhere at an overlapping time, travel
  included (BOOKING_CONFLICT).

Two dispatchers committing overlapping runs at once: the rows are locked before they are checked,
in one stable order (the run, then orders by id, then volunteers by id), with SELECT ... FOR UPDATE
on PostgreSQL and BEGIN IMMEDIATE (one writer at a time) on SQLite. The second committer waits,
then sees the first one's tasks and is refused; nobody is ever booked twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.enums import OrderStatus
from db.models.base import utcnow
from db.models.dispatch import ACTIVE_ASSIGNMENT, EventKind, RunState
from db.session import lock_for_write
from resolvers.core.errors import ErrorCode, MutationAborted, Problem, abort
from resolvers.core.mutation import after_commit
from resolvers.dispatch.broker import BROKER
from resolvers.dispatch.outbox import emit_many

logger = logging.getLogger("wenming.dispatch")


def _locked_run(session: Session, run_id: int) -> models.DispatchRun:
    run = session.scalars(select(models.DispatchRun).where(models.DispatchRun.id == run_id)
                          .with_for_update().execution_options(populate_existing=True)).one()
    return run


def check_run_ready(run: models.DispatchRun, path: tuple[str, ...] = ("input", "run")) -> None:
    if run.state != RunState.SUCCEEDED:
        detail = f": {run.reason}" if run.reason else ""
        raise abort(path, f"run {run.id} is {run.state}{detail}; only a SUCCEEDED run can be committed",
                    "RUN_NOT_READY")
    if run.committed_at is not None:
        raise abort(path, f"run {run.id} was committed at {run.committed_at:%Y-%m-%d %H:%M} UTC; "
                          "start a new run for what is left", "ALREADY_COMMITTED")


def _overlaps(a_start: dt.datetime, a_end: dt.datetime, a_travel: int,
              b_start: dt.datetime, b_end: dt.datetime, b_travel: int) -> bool:
    """Do two tasks' busy intervals [start - travel, end] overlap?"""
    return (a_start - dt.timedelta(minutes=a_travel) < b_end
            and b_start - dt.timedelta(minutes=b_travel) < a_end)


def commit_run(session: Session, run_id: int, actor: str) -> tuple[models.DispatchRun, int]:
    """Write the run's proposals as OFFERED tasks and move their orders to DISPATCHED.

    The caller owns the transaction (call `lock_for_write` first thing); returns the run and the
    number of tasks written, or raises MutationAborted listing every conflict.
    """
    run = _locked_run(session, run_id)
    check_run_ready(run)
    proposals = list(session.scalars(select(models.DispatchProposal)
                                     .where(models.DispatchProposal.run_id == run.id)
                                     .order_by(models.DispatchProposal.id)))
    if not proposals:
        raise abort(("input", "run"), f"run {run.id} proposes nobody (see its open orders); nothing to commit",
                    "RUN_NOT_READY")
    order_ids = sorted({p.order_id for p in proposals})
    volunteer_ids = sorted({p.volunteer_id for p in proposals})
    orders = {o.id: o for o in session.scalars(
        select(models.Order).where(models.Order.id.in_(order_ids)).order_by(models.Order.id)
        .with_for_update().execution_options(populate_existing=True))}
    session.execute(select(models.Volunteer.id).where(models.Volunteer.id.in_(volunteer_ids))
                    .order_by(models.Volunteer.id).with_for_update())
    problems: list[Problem] = []
    for oid in order_ids:
        order = orders[oid]
        seen = run.order_versions.get(str(oid))
        if order.status != OrderStatus.REVIEWED or seen != order.version:
            problems.append(Problem(("input", "run"), f"order {order.code} changed since the run (now "
                                    f"{order.status}, version {order.version}, run saw {seen}); start a new run",
                                    ErrorCode.ORDER_CHANGED))
    lo = min(p.start for p in proposals) - dt.timedelta(days=1)
    hi = max(p.end for p in proposals) + dt.timedelta(days=1)
    booked: dict[int, list[models.Assignment]] = defaultdict(list)
    for task in session.scalars(select(models.Assignment).where(
            models.Assignment.volunteer_id.in_(volunteer_ids), models.Assignment.status.in_(ACTIVE_ASSIGNMENT),
            models.Assignment.start < hi, models.Assignment.end > lo)):
        booked[task.volunteer_id].append(task)
    for p in proposals:
        for task in booked.get(p.volunteer_id, ()):
            if task.order_id == p.order_id and task.run_id != run.id:
                continue  # kept on the same order by a repair: not a second booking
            if _overlaps(p.start, p.end, p.travel_minutes, task.start, task.end, task.travel_minutes):
                problems.append(Problem(
                    ("input", "run"), f"volunteer {p.volunteer_id} is already booked from {task.start:%Y-%m-%d %H:%M} "
                    f"to {task.end:%H:%M} (task {task.id}), overlapping the proposal for order "
                    f"{orders[p.order_id].code}; start a new run", ErrorCode.BOOKING_CONFLICT))
    if problems:
        raise MutationAborted(problems)
    return run, _write(session, run, proposals, orders, actor)


def _write(session: Session, run: models.DispatchRun, proposals: list[models.DispatchProposal],
           orders: dict[int, models.Order], actor: str) -> int:
    rows = [{"order_id": p.order_id, "volunteer_id": p.volunteer_id, "run_id": run.id, "skill_code": p.skill_code,
                 "start": p.start, "end": p.end, "distance_km": p.distance_km, "travel_minutes": p.travel_minutes}
            for p in proposals]
    session.execute(insert(models.Assignment), rows)  # through the session: the access policy sees it
    written = {(oid, vid): aid for aid, oid, vid in session.execute(
        select(models.Assignment.id, models.Assignment.order_id, models.Assignment.volunteer_id)
        .where(models.Assignment.run_id == run.id))}
    ids = [written[p.order_id, p.volunteer_id] for p in proposals]
    now = utcnow()
    session.execute(update(models.Order).where(models.Order.id.in_(list(orders)))
                    .values(status=OrderStatus.DISPATCHED, version=models.Order.version + 1)
                    .execution_options(synchronize_session=False))
    note = f"run {run.id}: {len(rows)} volunteer(s) offered"
    session.execute(insert(models.OrderEvent), [
        {"order_id": oid, "from_status": OrderStatus.REVIEWED, "to_status": OrderStatus.DISPATCHED, "actor": actor,
             "note": note, "at": now} for oid in orders])
    events: list[dict[str, Any]] = [
        {"kind": EventKind.TASK_OFFERED, "volunteer_id": p.volunteer_id, "order_id": p.order_id, "assignment_id": aid,
             "payload": {"order": orders[p.order_id].code, "start": p.start.isoformat(), "end": p.end.isoformat(),
                      "skill": p.skill_code}}
        for p, aid in zip(proposals, ids)]
    events += [{"kind": EventKind.ORDER_STATUS_CHANGED, "order_id": oid,
                    "payload": {"order": o.code, "from_status": "REVIEWED", "to_status": "DISPATCHED", "note": note}}
               for oid, o in orders.items()]
    emit_many(session, events)
    run.committed_at = now
    session.flush()
    for order in orders.values():
        session.expire(order)
    run_id = run.id
    after_commit(session, lambda: BROKER.publish(f"run:{run_id}"))
    return len(rows)


def commit_in_background(sessions: sessionmaker[Session], run_id: int) -> None:
    """A repair run commits itself; if it cannot, it stays SUCCEEDED for a dispatcher to review."""
    with sessions() as session:
        try:
            lock_for_write(session)
            commit_run(session, run_id, actor="repair")
            session.commit()
        except MutationAborted as exc:
            session.rollback()
            reason = "; ".join(p.message for p in exc.problems)[:2000]
            session.execute(update(models.DispatchRun).where(models.DispatchRun.id == run_id)
                            .values(reason=f"not committed automatically: {reason}"))
            session.commit()
            logger.info("repair run %d left for review: %d conflict(s)", run_id, len(exc.problems))
    BROKER.publish("outbox")
    BROKER.publish(f"run:{run_id}")
