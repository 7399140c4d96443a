"""Reads of the dispatch workflow: runs, proposals, tasks (myTasks), the order audit trail, the
outbox, ratings and service statistics. Each is a fixed number of statements whatever its size.

`myTasks` takes the volunteer's ID as an argument for now: access control (a volunteer sees only
their own tasks, taken from the signed-in user) comes with the access-control issue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from db import models
from db.enums import RequestState
from db.models.dispatch import AssignmentStatus
from resolvers.core import globalid
from resolvers.core.bounds import over_bound
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import decode_cursor, page_of_list, page_size, paginate
from resolvers.dispatch.outbox import events_after

if TYPE_CHECKING:
    from resolvers.core.context import Info


def run(info: Info, global_id: str) -> Any:
    """The run with this ID, or None; a malformed ID is a clean error naming `id`."""
    pk = globalid.decode_pk(global_id, "DispatchRun")
    if pk is None:
        raise ClientError(f"id: {global_id!r} is not the ID of a DispatchRun; pass an `id` returned by this API",
                          ErrorCode.MALFORMED_ID, ("id",))
    row = info.context.session.get(models.DispatchRun, pk, populate_existing=True)
    return None if row is None else info.context.present.run(row)


def proposals(info: Info, run_pk: int, first: int | None, after: str | None) -> Any:
    """One page of the run's proposals, in the order they were made."""
    ctx = info.context
    return paginate(ctx, select(models.DispatchProposal).where(models.DispatchProposal.run_id == run_pk),
                    models.DispatchProposal.id, ctx.present.proposal, first, after)


def open_orders(info: Info, items: Sequence[Any], first: int | None, after: str | None) -> Any:
    """One page of the orders a run left (partly) unstaffed, as the engine listed them."""
    return page_of_list(info.context, items, first, after)


def assignments_with_records(info: Info, rows: Sequence[models.Assignment]) -> list[Any]:
    """Tasks mapped with their service records and corrections (two more statements)."""
    session = info.context.session
    ids = [row.id for row in rows]
    records = {r.assignment_id: r for r in session.scalars(
        select(models.ServiceRecord).where(models.ServiceRecord.assignment_id.in_(ids)))} if ids else {}
    corrections: dict[int, list[models.ServiceCorrection]] = defaultdict(list)
    if records:
        for c in session.scalars(select(models.ServiceCorrection).where(
                models.ServiceCorrection.record_id.in_([r.id for r in records.values()]))
                .order_by(models.ServiceCorrection.id)):
            corrections[c.record_id].append(c)
    present = info.context.present
    return [present.assignment(row, present.service_record(
                records.get(row.id), corrections[records[row.id].id] if row.id in records else []))
            for row in rows]


def my_tasks(info: Info, volunteer: str | None, status: AssignmentStatus | None) -> list[Any]:
    """The caller's own tasks, soonest first; staff may name a volunteer of their scope (rows
    outside the caller's scope are not read)."""
    if volunteer is None:
        caller = info.context.auth.caller
        if caller is None or caller.own_volunteer is None:
            raise ClientError("volunteer: you hold no single volunteer grant; name the volunteer", ErrorCode.REQUIRED,
                              ("volunteer",))
        pk = caller.own_volunteer
    else:
        pk = globalid.decode_as(volunteer, "Volunteer", ("volunteer",))
    session = info.context.session
    stmt = select(models.Assignment).where(models.Assignment.volunteer_id == pk)
    if status is not None:
        stmt = stmt.where(models.Assignment.status == status)
    rows = session.scalars(stmt.order_by(models.Assignment.start, models.Assignment.id)
                           .limit(over_bound("Query.myTasks"))).all()
    return assignments_with_records(info, rows)


def order_tasks(info: Info, order: str) -> list[Any]:
    """Every task on an order, offered to completed, in creation order."""
    pk = globalid.decode_as(order, "Order", ("order",))
    session = info.context.session
    rows = session.scalars(select(models.Assignment).where(models.Assignment.order_id == pk)
                           .order_by(models.Assignment.id).limit(over_bound("Query.orderTasks"))).all()
    return assignments_with_records(info, rows)


def order_history(info: Info, order: str) -> list[Any]:
    """The order's audit trail, oldest first."""
    pk = globalid.decode_as(order, "Order", ("order",))
    rows = info.context.session.scalars(select(models.OrderEvent).where(models.OrderEvent.order_id == pk)
                                        .order_by(models.OrderEvent.id).limit(over_bound("Query.orderHistory")))
    return [info.context.present.order_event(row) for row in rows]


def order_rating(info: Info, order: str) -> Any:
    pk = globalid.decode_as(order, "Order", ("order",))
    rating = info.context.session.scalar(select(models.Rating).where(models.Rating.order_id == pk))
    return info.context.present.rating(rating)


def outbox(info: Info, after: str | None, first: int | None, volunteer: str | None, order: str | None) -> Any:
    """Events after the cursor, in order; optionally for one volunteer or one order."""
    size = page_size(first, info.context.settings.max_page_size)
    rows = events_after(
        info.context.session, decode_cursor(after) if after else 0, limit=size,
        volunteer_id=globalid.decode_as(volunteer, "Volunteer", ("volunteer",)) if volunteer else None,
        order_id=globalid.decode_as(order, "Order", ("order",)) if order else None)
    events = [info.context.present.outbox_event(row) for row in rows]
    return info.context.present.outbox_page(events=events, end_cursor=events[-1].cursor if events else after)


@dataclass(frozen=True)
class ServiceStats:
    """Service statistics of volunteers (the schema's ServiceStats presents it as it is)."""

    credit_hours: float
    honour_hours: float
    tasks_completed: int
    average_rating: float | None
    no_shows: int


def _backfilled() -> Any:
    """The approved historic hours (db/models/hours.py) shaped as service records: honour minutes
    checked in at the start of the day served (China time)."""
    row, batch = models.HoursBackfillRow, models.HoursBackfill
    return (select(row.volunteer_id.label("volunteer_id"),
                   row.served_at.label("checked_in_at"),
                   literal(0).label("credit_minutes"), row.minutes.label("honour_minutes"))
            .join(batch, batch.id == row.batch_id).where(batch.state == RequestState.APPROVED.value)
            .subquery("backfilled"))


def minutes_by(session: Session, key: Any, *where: Any) -> list[tuple[Any, int, int]]:
    """Credit and honour minutes of the service records matching `where` (they may name the
    record's volunteer, `models.Volunteer`), summed per value of `key` (None: one total), in one
    statement per source: [(key, credit minutes, honour minutes)], largest credit first. The
    approved historic hours count as honour minutes: `where` and `key` on the record's
    volunteer_id and checked_in_at apply to them as to the records."""
    sr = models.ServiceRecord
    backfilled = _backfilled()
    adapter = ClauseAdapter(backfilled, include_fn=lambda c: getattr(c, "table", None) is sr.__table__,
                            adapt_on_names=True)
    totals: dict[Any, list[int]] = {}
    for source, volunteer, criteria, keyed in (
            (sr, sr.volunteer_id, where, key),
            (backfilled, backfilled.c.volunteer_id, [adapter.traverse(w) for w in where],
             adapter.traverse(getattr(key, "__clause_element__", lambda: key)()) if key is not None else None)):
        credit = func.coalesce(func.sum(source.credit_minutes if source is sr else backfilled.c.credit_minutes), 0)
        honour = func.coalesce(func.sum(source.honour_minutes if source is sr else backfilled.c.honour_minutes), 0)
        stmt = select(keyed if keyed is not None else literal(None), credit, honour).select_from(source).join(
            models.Volunteer, models.Volunteer.id == volunteer).where(*criteria)
        if keyed is not None:
            stmt = stmt.group_by(keyed)
        for k, c, h in session.execute(stmt):
            if key is not None and c == 0 and h == 0 and k not in totals:
                continue
            total = totals.setdefault(k, [0, 0])
            total[0] += int(c)
            total[1] += int(h)
    if key is None:
        credit_total, honour_total = totals.get(None, [0, 0])
        return [(None, credit_total, honour_total)]
    return sorted(((k, c, h) for k, (c, h) in totals.items()), key=lambda t: (-t[1], t[0]))


def stats(session: Session, volunteer_ids: Any) -> ServiceStats:
    """Service statistics over the volunteers selected by `volunteer_ids` (a list or a subquery)."""
    sr = models.ServiceRecord
    ((_, credit, honour),) = minutes_by(session, None, sr.volunteer_id.in_(volunteer_ids))
    a = models.Assignment
    counts = dict(session.execute(
        select(a.status, func.count()).where(a.volunteer_id.in_(volunteer_ids),
                                             a.status.in_([AssignmentStatus.COMPLETED, AssignmentStatus.NO_SHOW]))
        .group_by(a.status)).all())
    average = session.scalar(
        select(func.avg(models.Rating.score)).where(models.Rating.order_id.in_(
            select(a.order_id).where(a.volunteer_id.in_(volunteer_ids), a.status == AssignmentStatus.COMPLETED))))
    return ServiceStats(credit_hours=round(credit / 60, 2), honour_hours=round(honour / 60, 2),
                        tasks_completed=int(counts.get(AssignmentStatus.COMPLETED, 0)),
                        average_rating=round(float(average), 2) if average is not None else None,
                        no_shows=int(counts.get(AssignmentStatus.NO_SHOW, 0)))


def volunteer_stats(info: Info, volunteer: str) -> Any:
    pk = globalid.decode_as(volunteer, "Volunteer", ("volunteer",))
    return stats(info.context.session, [pk])


def team_stats(info: Info, team: str) -> Any:
    pk = globalid.decode_as(team, "Team", ("team",))
    members = select(models.TeamMembership.volunteer_id).where(models.TeamMembership.team_id == pk)
    return stats(info.context.session, members)
