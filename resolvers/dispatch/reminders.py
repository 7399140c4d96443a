"""Reminders: a TASK_REMINDER outbox event for each task (offered or accepted) starting soon.

`taskRemindersSend` is meant for a scheduler (cron, a worker) calling it every few minutes: each
task gets one reminder, the first time a call finds it starting within `hoursAhead` hours of
`now` (Asia/Shanghai wall clock, like service times). Calling it again sends nothing twice, so
overlapping schedulers are harmless.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db import models
from db.localtime import wall_clock
from db.models.dispatch import AssignmentStatus, EventKind
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.dispatch.outbox import emit_many

if TYPE_CHECKING:
    from resolvers.core.context import Info

MAX_HOURS = 168


def _local_now(value: dt.datetime | None) -> dt.datetime:
    return wall_clock(value or dt.datetime.now(dt.UTC))


def task_reminders_send(info: Info, data: Any) -> Outcome[Any]:
    """Queue one reminder per task starting within the window; returns how many were queued."""
    def work(session: Session) -> int:
        checks = Checks(session)
        checks.in_range(data.hours_ahead, 1, MAX_HOURS, ("input", "hoursAhead"))
        checks.raise_if_any()
        now = _local_now(data.now)
        a, o = models.Assignment, models.OutboxEvent
        rows = session.execute(
            select(a.id, a.volunteer_id, a.order_id, a.start, models.Order.code)
            .join(models.Order, models.Order.id == a.order_id)
            .where(a.status.in_([AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED]),
                   a.start >= now, a.start <= now + dt.timedelta(hours=data.hours_ahead),
                   ~exists().where(o.assignment_id == a.id, o.kind == EventKind.TASK_REMINDER))
            .order_by(a.start, a.id)).all()
        emit_many(session, [{"kind": EventKind.TASK_REMINDER, "volunteer_id": vid, "order_id": oid,
                             "assignment_id": aid, "payload": {"order": code, "start": start.isoformat()}}
                            for aid, vid, oid, start, code in rows])
        return len(rows)

    return run_mutation(info, work)
