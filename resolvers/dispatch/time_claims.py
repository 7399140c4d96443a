"""Time claims (补录工时): a volunteer's own account of his service times on one task, a proposal
staff decide (the workflow of resolvers/core/proposals.py).

Check-in and check-out are stamped by the server; a volunteer who forgot one of them, or whose
stamp is wrong, claims the times instead, on a task of his own that is over (COMPLETED, or NO_SHOW
because he never checked in). At most one claim per task is pending. A unit admin over the order's
unit (another account than the claimant's) approves it: the service record gets the claimed times
and its credit minutes through the same bound as check-out (tasks.record_service), a NO_SHOW task
becomes COMPLETED, and the claim keeps the credit minutes before and after; the points of the hours
follow (resolvers/recognition/ledger.py: what the new hours earn less what the record earned). Or he declines it with
a reason. The volunteer may withdraw a pending claim.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import RequestState
from db.localtime import LOCAL_TZ
from db.models.dispatch import AssignmentStatus as A
from resolvers.core import globalid, proposals
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.dispatch.queries import assignments_with_records
from resolvers.dispatch.tasks import CREDIT_TOLERANCE_MINUTES, record_service
from resolvers.recognition import ledger

if TYPE_CHECKING:
    from resolvers.core.context import Info

TASK = ("input", "assignmentId")
CLAIM = ("input", "claimId")
#: Tasks a claim may be about: the service is over (claims replace a forgotten or wrong stamp).
CLAIMABLE = (A.COMPLETED, A.NO_SHOW)


def _utc(value: dt.datetime) -> dt.datetime:
    """A claimed moment as UTC; a time without zone is local wall clock (as task times are)."""
    return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)).astimezone(dt.UTC)


def _check_times(checks: Checks, task: models.Assignment, started: dt.datetime, ended: dt.datetime) -> None:
    if ended <= started:
        checks.add(("input", "endedAt"), "endedAt must be after startedAt", ErrorCode.OUT_OF_RANGE)
    tolerance = dt.timedelta(minutes=CREDIT_TOLERANCE_MINUTES)
    window_start = task.start.replace(tzinfo=LOCAL_TZ) - tolerance
    window_end = task.end.replace(tzinfo=LOCAL_TZ) + tolerance
    if started >= window_end or ended <= window_start:
        checks.add(("input", "startedAt"), f"the claimed time must overlap the task's window "
                   f"({task.start:%Y-%m-%d %H:%M}-{task.end:%H:%M} local, give or take "
                   f"{CREDIT_TOLERANCE_MINUTES} minutes)", ErrorCode.OUT_OF_RANGE)


def time_claim_submit(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.TimeClaim:
        task = globalid.load(session, data.assignment_id, "Assignment", TASK, lock=True)
        proposals.acting_for(info, task.volunteer_id, TASK)
        if task.status not in CLAIMABLE:
            raise abort(TASK, f"the task is {task.status}; claim time on a COMPLETED or NO_SHOW task (while it "
                              "runs, check in and out)", ErrorCode.TASK_STATE)
        checks = Checks(session)
        started, ended = _utc(data.started_at), _utc(data.ended_at)
        _check_times(checks, task, started, ended)
        claim = proposals.filed(info, models.TimeClaim(assignment_id=task.id, volunteer_id=task.volunteer_id,
                                                       order_id=task.order_id, started_at=started, ended_at=ended),
                                data.note, checks)
        checks.raise_if_any()
        proposals.refuse_second(session, models.TimeClaim, TASK, models.TimeClaim.assignment_id == task.id)
        session.add(claim)
        session.flush()
        return claim

    return run_mutation(info, work, info.context.present.time_claim)


def time_claim_approve(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.TimeClaim:
        claim = proposals.pending(session, data.claim_id, "TimeClaim", CLAIM)
        note = Checks(session).text(data.note, ("input", "note"))
        proposals.decide(info, claim, RequestState.APPROVED, note, CLAIM)
        task = session.get(models.Assignment, claim.assignment_id, with_for_update=True)
        assert task is not None
        record = session.scalars(select(models.ServiceRecord)
                                 .where(models.ServiceRecord.assignment_id == task.id)).first()
        if record is None:  # never checked in: the claim makes the record
            record = models.ServiceRecord(assignment_id=task.id, volunteer_id=task.volunteer_id,
                                          order_id=task.order_id, checked_in_at=claim.started_at)
            session.add(record)
        claim.old_credit_minutes = record.credit_minutes
        record_service(task, record, claim.started_at, claim.ended_at)
        claim.new_credit_minutes = record.credit_minutes
        if task.status == A.NO_SHOW:
            task.status = A.COMPLETED
        session.flush()
        ledger.earn_for_service(session, info.context.settings.points, record, f"time-claim:{claim.id}",
                                actor_account_id=actor_account_id(info), time_claim_id=claim.id)
        return claim

    return run_mutation(info, work, info.context.present.time_claim)


def time_claim_decline(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.TimeClaim:
        reason = proposals.decline_reason(session, data.reason)
        claim = proposals.pending(session, data.claim_id, "TimeClaim", CLAIM)
        proposals.decide(info, claim, RequestState.DECLINED, reason, CLAIM)
        session.flush()
        return claim

    return run_mutation(info, work, info.context.present.time_claim)


def time_claim_withdraw(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.TimeClaim:
        claim = proposals.pending(session, data.claim_id, "TimeClaim", CLAIM)
        proposals.withdraw(info, claim, CLAIM)
        session.flush()
        return claim

    return run_mutation(info, work, info.context.present.time_claim)


def time_claims(info: Info, state: RequestState | None, first: int | None, after: str | None) -> Any:
    """The claims the caller may read (his own; staff: those on their units' orders), oldest first."""
    return proposals.listed(info, models.TimeClaim, state, info.context.present.time_claim, first, after)


async def claims_of_task(info: Info, assignment_pk: int) -> list[Any]:
    """A task's claims, oldest first (one statement for every task of a list)."""
    result: list[Any] = await info.context.loaders.claims_by_assignment.load(assignment_pk)
    return result


def task_of(info: Info, assignment_pk: int) -> Any:
    """The claimed task with its service record, or None outside the caller's scope."""
    task = info.context.session.get(models.Assignment, assignment_pk)
    return None if task is None else assignments_with_records(info, [task])[0]
