"""The volunteer's side (接单): accept, decline (which starts a repair run), check in, check out;
staff corrections of service time; the orderer's rating (评单).

The acting volunteer's ID is an input, checked against the task: acting on somebody else's task
is NOT_YOUR_TASK. Order status follows the tasks:
- every offer accepted -> CONFIRMED; first check-in -> IN_SERVICE;
- the last present volunteer checks out -> COMPLETED, and tasks never checked in become NO_SHOW;
- a decline sends the order back to REVIEWED and queues a REPAIR run that keeps the others
  (they are pinned) and fills the gap (resolvers/dispatch/runs.py), committing itself when it fits.
Service time: credit minutes = check-out minus check-in (time on site; travel is excluded, as the
national rules on volunteer service hours require), at most the task's window plus a tolerance
(`record_service`, also the path of approved time claims, resolvers/dispatch/time_claims.py);
honour minutes are added by staff only, each change a ServiceCorrection row. Approved hours earn
points (resolvers/recognition/ledger.py) at check-out, and a good rating its bonus.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import OrderStatus as S
from db.localtime import LOCAL_TZ
from db.models.base import utcnow
from db.models.dispatch import AssignmentStatus as A
from db.models.dispatch import EventKind, RunKind
from resolvers.core import globalid
from resolvers.core.context import actor_account_id, actor_of
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.dispatch.mutations import queue_run
from resolvers.dispatch.outbox import emit
from resolvers.dispatch.queries import assignments_with_records
from resolvers.orders import workflow as orders_workflow
from resolvers.recognition import ledger

if TYPE_CHECKING:
    from resolvers.core.context import Info

TASK = ("input", "assignment")


#: The largest honour-time correction at once: one day.
MAX_CORRECTION_MINUTES = 24 * 60
#: Minutes of credit a task may earn beyond its window (arriving early, staying to finish).
CREDIT_TOLERANCE_MINUTES = 30


def _moment(info: Info, value: dt.datetime | None) -> dt.datetime:
    """When the check-in or -out happened: now, stamped by the server. Only the platform admin may
    record another time (a paper sheet typed in later); a time without zone is local wall clock."""
    if value is None:
        return utcnow()
    caller = info.context.auth.caller
    if caller is None or not caller.is_admin:
        raise abort(("input", "at"), "check-in and check-out times are stamped by the server: leave `at` out",
                    ErrorCode.FORBIDDEN)
    return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)).astimezone(dt.UTC)


def record_service(task: models.Assignment, record: models.ServiceRecord, started: dt.datetime,
                   ended: dt.datetime) -> None:
    """Set the record's service times and its credit: the time on site, never more than the task's
    window plus CREDIT_TOLERANCE_MINUTES (check-out and approved time claims alike)."""
    record.checked_in_at, record.checked_out_at = started, ended
    window = int((task.end - task.start).total_seconds() // 60) + CREDIT_TOLERANCE_MINUTES
    record.credit_minutes = min(int((ended - started).total_seconds() // 60), window)


def _own_task(info: Info, session: Session, data: Any) -> tuple[models.Assignment, models.Order]:
    """The task, locked, after checking that the acting volunteer is the caller and holds it.

    Whatever else an account may see (a team leader sees the members' tasks), a volunteer acts only
    as himself: the acting volunteer must be one of the caller's own volunteer grants (the platform
    admin may act for anyone, e.g. to record a paper sign-in sheet)."""
    checks = Checks(session)
    volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
    checks.raise_if_any()
    caller = info.context.auth.caller
    if caller is None or not (caller.is_admin or volunteer.id in caller.volunteer_ids):
        raise abort(("input", "volunteer"), "you can act only as yourself: pass your own volunteer ID",
                    ErrorCode.NOT_YOUR_TASK)
    task = globalid.load(session, data.assignment, "Assignment", TASK, lock=True)
    if task.volunteer_id != volunteer.id:
        raise abort(TASK, "this task belongs to another volunteer; a volunteer acts on their own tasks only",
                    "NOT_YOUR_TASK")
    order = session.get(models.Order, task.order_id, with_for_update=True)
    assert order is not None
    return task, order


def _state(task: models.Assignment, allowed: tuple[A, ...], doing: str) -> None:
    if task.status not in allowed:
        raise abort(TASK, f"the task is {task.status}; {doing} needs it "
                          f"{' or '.join(a.value for a in allowed)}", "TASK_STATE")


def _tasks_of(session: Session, order_id: int) -> list[models.Assignment]:
    return list(session.scalars(select(models.Assignment).where(models.Assignment.order_id == order_id)))


def _mapped(info: Info, task: models.Assignment) -> Any:
    return assignments_with_records(info, [task])[0]


def assignment_accept(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Assignment:
        task, order = _own_task(info, session, data)
        _state(task, (A.OFFERED,), "accepting")
        task.status = A.ACCEPTED
        session.flush()
        if order.status == S.DISPATCHED and all(t.status != A.OFFERED for t in _tasks_of(session, order.id)):
            orders_workflow.move(session, order, S.CONFIRMED, actor_of(info), "every offered volunteer accepted")
        return task

    return run_mutation(info, work, lambda task: _mapped(info, task))


def assignment_decline(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> tuple[models.Assignment, models.DispatchRun]:
        task, order = _own_task(info, session, data)
        reason = Checks(session).name(data.reason, ("input", "reason"), max_length=2000)
        if not reason:
            raise abort(("input", "reason"), "reason must not be empty: say why the task is declined", "REQUIRED")
        _state(task, (A.OFFERED, A.ACCEPTED), "declining")
        task.status, task.decline_reason = A.DECLINED, reason
        orders_workflow.move(session, order, S.REVIEWED, actor_of(info), f"a volunteer declined ({reason}); refilling")
        emit(session, EventKind.TASK_CHANGED, order_id=order.id, assignment_id=task.id, order=order.code,
             change="declined")
        day = order.window_start.date()
        repair = queue_run(session, info.context.settings, scope_unit_id=order.unit_id, date_from=day, date_to=day,
                           options={}, actor="repair", kind=RunKind.REPAIR, repair_order_id=order.id)
        return task, repair

    def mapper(value: tuple[models.Assignment, models.DispatchRun]) -> Any:
        return _mapped(info, value[0]), info.context.present.run(value[1])

    return run_mutation(info, work, mapper)


def assignment_check_in(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Assignment:
        task, order = _own_task(info, session, data)
        _state(task, (A.ACCEPTED,), "checking in")
        task.status = A.CHECKED_IN
        session.add(models.ServiceRecord(assignment_id=task.id, volunteer_id=task.volunteer_id, order_id=order.id,
                                         checked_in_at=_moment(info, data.at)))
        if order.status != S.IN_SERVICE:
            orders_workflow.move(session, order, S.IN_SERVICE, actor_of(info), "first volunteer checked in")
        session.flush()
        return task

    return run_mutation(info, work, lambda task: _mapped(info, task))


def assignment_check_out(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Assignment:
        task, order = _own_task(info, session, data)
        if task.status in (A.OFFERED, A.ACCEPTED):
            raise abort(TASK, "the volunteer has not checked in; check in first", "NOT_CHECKED_IN")
        _state(task, (A.CHECKED_IN,), "checking out")
        record = session.scalars(select(models.ServiceRecord).where(models.ServiceRecord.assignment_id == task.id)
                                 ).one()
        out = _moment(info, data.at)
        if out <= record.checked_in_at:
            raise abort(("input", "at"), "check-out must be after check-in "
                                         f"({record.checked_in_at:%Y-%m-%d %H:%M} UTC)", "OUT_OF_RANGE")
        record_service(task, record, record.checked_in_at, out)
        task.status = A.COMPLETED
        session.flush()
        ledger.earn_for_service(session, info.context.settings.points, record, f"checkout:{record.id}",
                                actor_account_id=actor_account_id(info))
        tasks = _tasks_of(session, order.id)
        if not any(t.status == A.CHECKED_IN for t in tasks):
            for other in tasks:
                if other.status in (A.OFFERED, A.ACCEPTED):
                    other.status = A.NO_SHOW
            orders_workflow.move(session, order, S.COMPLETED, actor_of(info), "the last volunteer checked out")
        return task

    return run_mutation(info, work, lambda task: _mapped(info, task))


def service_record_correct(info: Info, data: Any) -> Outcome[Any]:
    """Staff add (or take back) honour minutes on a service record; audited, kept apart from credit."""
    def work(session: Session) -> models.Assignment:
        checks = Checks(session)
        staff = actor_of(info)
        reason = checks.name(data.reason, ("input", "reason"), max_length=2000)
        if data.minutes == 0 or abs(data.minutes) > MAX_CORRECTION_MINUTES:
            checks.add(("input", "minutes"), f"minutes must be between -{MAX_CORRECTION_MINUTES} and "
                       f"{MAX_CORRECTION_MINUTES}, not zero", ErrorCode.OUT_OF_RANGE)
        checks.raise_if_any()
        task = globalid.load(session, data.assignment, "Assignment", TASK, lock=True)
        record = session.scalars(select(models.ServiceRecord).where(models.ServiceRecord.assignment_id == task.id)
                                 ).first()
        if record is None:
            raise abort(TASK, "the task has no service record: the volunteer never checked in", "NOT_CHECKED_IN")
        if record.honour_minutes + data.minutes < 0:
            raise abort(("input", "minutes"), f"honour minutes would become negative (now {record.honour_minutes})",
                        "OUT_OF_RANGE")
        record.honour_minutes += data.minutes
        session.add(models.ServiceCorrection(record_id=record.id, minutes=data.minutes, staff=staff, reason=reason))
        session.flush()
        return task

    return run_mutation(info, work, lambda task: _mapped(info, task))


def order_rate(info: Info, data: Any) -> Outcome[Any]:
    """评单: the orderer rates a COMPLETED order once, 1..5 with a comment."""
    def work(session: Session) -> models.Rating:
        checks = Checks(session)
        order = checks.ref(data.order, "Order", ("input", "order"))
        checks.in_range(data.score, 1, 5, ("input", "score"))
        comment = checks.text(data.comment, ("input", "comment"))
        checks.raise_if_any()
        order = session.get(models.Order, order.id, with_for_update=True, populate_existing=True)
        assert order is not None
        existing = session.scalar(select(models.Rating).where(models.Rating.order_id == order.id))
        if existing is not None or order.status == S.RATED:
            raise abort(("input", "order"), f"order {order.code} is already rated; a rating is given once",
                        "ALREADY_RATED")
        orders_workflow.check_step(order, S.RATED)
        rating = models.Rating(order_id=order.id, score=data.score, comment=comment)
        session.add(rating)
        orders_workflow.move(session, order, S.RATED, actor_of(info), f"rated {data.score}/5")
        session.flush()
        ledger.earn_rating_bonus(session, info.context.settings.points, rating, actor_account_id=actor_account_id(info))
        return rating

    return run_mutation(info, work)
