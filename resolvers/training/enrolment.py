"""Enrolment, attendance and assessment; a pass issues the certificate.

Staff of the course's unit enrol volunteers of that unit's subtree, record who attended and then
the assessment. Recording a pass issues, in the same transaction, the certificate: the course's
skill at its level, valid from today (local) for the course's validity days, and grants or
renews the volunteer's skill row with that level and expiry (a level is never lowered). Who
recorded each step and when is stamped by the server on the enrolment and the certificate (the
audit); nobody records attendance or an assessment about himself (OWN_REQUEST), so a volunteer
never grants himself a skill. An enrolment is assessed once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.localtime import local_today
from db.models.base import utcnow
from db.queries import subtree_condition
from resolvers.core import globalid
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

logger = logging.getLogger(__name__)

#: The most volunteers one call enrols.
MAX_ENROL = 200
SESSION = ("input", "session")
VOLUNTEER = ("input", "volunteer")


def _session(session: Session, global_id: str) -> models.TrainingSession:
    row: models.TrainingSession = globalid.load(session, global_id, "TrainingSession", SESSION, lock=True)
    return row


def _course_of(session: Session, training: models.TrainingSession) -> models.TrainingCourse:
    course = session.get(models.TrainingCourse, training.course_id)
    assert course is not None  # a foreign key
    return course


def enrol(info: Info, data: Any) -> Outcome[Any]:
    """Enrol volunteers of the course unit's subtree in a session; already enrolled ones are kept."""
    def work(session: Session) -> list[models.Enrolment]:
        checks = Checks(session)
        training = _session(session, data.session)
        course = _course_of(session, training)
        path = ("input", "volunteers")
        ids = data.volunteers or []
        if not ids:
            checks.add(path, "name at least one volunteer", ErrorCode.REQUIRED)
        elif len(ids) > MAX_ENROL:
            checks.add(path, f"at most {MAX_ENROL} volunteers at a time", ErrorCode.TOO_LARGE)
            ids = []
        rows = [checks.ref(g, "Volunteer", (*path, str(i))) for i, g in enumerate(ids)]
        unit_path = session.scalar(select(models.Unit.path).where(models.Unit.id == course.unit_id))
        for i, row in enumerate(rows):
            if row is None:
                continue
            inside = session.scalar(select(models.Unit.id).where(models.Unit.id == row.unit_id,
                                                                 subtree_condition(unit_path or "")))
            if inside is None:
                checks.add((*path, str(i)), f"{row.name} is not registered in the area of the course's unit",
                           ErrorCode.FORBIDDEN)
        checks.raise_if_any()
        wanted = sorted({r.id for r in rows if r is not None})
        E = models.Enrolment
        held = set(session.scalars(select(E.volunteer_id).where(E.session_id == training.id,
                                                                E.volunteer_id.in_(wanted))))
        new = [v for v in wanted if v not in held]
        count = session.scalar(select(func.count()).select_from(E).where(E.session_id == training.id)) or 0
        if count + len(new) > training.capacity:
            raise abort(path, f"the session takes {training.capacity} people and has {count}; "
                              f"{len(new)} more do not fit", ErrorCode.SESSION_FULL)
        account = actor_account_id(info)
        session.add_all([E(session_id=training.id, volunteer_id=v, enrolled_at=utcnow(),
                           enrolled_by_account_id=account) for v in new])
        session.flush()
        return list(session.scalars(select(E).where(E.session_id == training.id, E.volunteer_id.in_(wanted))
                                    .order_by(E.id)))

    return run_mutation(info, work, lambda rows: [info.context.present.enrolment(r) for r in rows])


def _enrolment(info: Info, session: Session, data: Any) -> tuple[models.TrainingSession, models.Enrolment]:
    """The session and the volunteer's enrolment in it, locked; NOT_ENROLLED when there is none,
    OWN_REQUEST when the caller is that volunteer."""
    checks = Checks(session)
    training = _session(session, data.session)
    volunteer = checks.ref(data.volunteer, "Volunteer", VOLUNTEER)
    checks.raise_if_any()
    E = models.Enrolment
    row = session.scalars(select(E).where(E.session_id == training.id, E.volunteer_id == volunteer.id)
                          .with_for_update()).first()
    if row is None:
        raise abort(VOLUNTEER, f"{volunteer.name} is not enrolled in this session: enrol him first",
                    ErrorCode.NOT_ENROLLED)
    caller = info.context.auth.caller if info.context.auth is not None else None
    if caller is not None and volunteer.id in caller.volunteer_ids:
        raise abort(VOLUNTEER, "this is about you: another member of staff records it", ErrorCode.OWN_REQUEST)
    return training, row


def attendance_record(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Enrolment:
        _, row = _enrolment(info, session, data)
        if row.assessed_at is not None:
            raise abort(("input", "attended"), "the assessment is recorded already; attendance stays as it was",
                        ErrorCode.ALREADY_ASSESSED)
        row.attended = data.attended
        row.attendance_by_account_id = actor_account_id(info)
        row.attendance_at = utcnow()
        session.flush()
        return row

    return run_mutation(info, work, info.context.present.enrolment)


def assessment_record(info: Info, data: Any) -> Outcome[Any]:
    """Record the assessment; a pass issues the certificate (see the module docstring)."""
    def work(session: Session) -> models.Enrolment:
        checks = Checks(session)
        checks.in_range(data.score, 0, 100, ("input", "score"))
        checks.raise_if_any()
        training, row = _enrolment(info, session, data)
        if row.assessed_at is not None:
            raise abort(VOLUNTEER, "this enrolment is assessed already", ErrorCode.ALREADY_ASSESSED)
        if not row.attended:
            raise abort(VOLUNTEER, "record the volunteer's attendance first: only those who attended are assessed",
                        ErrorCode.NOT_ATTENDED)
        account = actor_account_id(info)
        row.score, row.passed = data.score, data.passed
        row.assessed_by_account_id, row.assessed_at = account, utcnow()
        session.flush()
        if data.passed:
            issue(session, row, _course_of(session, training), account)
        return row

    return run_mutation(info, work, info.context.present.enrolment)


def issue(session: Session, enrolment: models.Enrolment, course: models.TrainingCourse,
          account_id: int | None) -> models.Certificate:
    """The certificate of a passed enrolment, and the volunteer's skill granted or renewed by it."""
    today = local_today()
    until = today + dt.timedelta(days=course.validity_days)
    certificate = models.Certificate(
        number=f"TC{course.id}-{today:%Y}-{enrolment.id:06d}", volunteer_id=enrolment.volunteer_id,
        course_id=course.id, skill_id=course.skill_id, level=course.level, issued_on=today, valid_until=until,
        enrolment_id=enrolment.id, issued_by_account_id=account_id, issued_at=utcnow())
    session.add(certificate)
    vs = models.VolunteerSkill
    skill = session.scalars(select(vs).where(vs.volunteer_id == enrolment.volunteer_id,
                                             vs.skill_id == course.skill_id).with_for_update()).first()
    if skill is None:
        session.add(vs(volunteer_id=enrolment.volunteer_id, skill_id=course.skill_id, level=course.level,
                       certified_until=until))
    else:
        skill.level = max(skill.level, course.level)
        skill.certified_until = until
    session.flush()
    logger.info("certificate %s issued: course %s, volunteer %s, account %s", certificate.number, course.code,
                enrolment.volunteer_id, account_id)
    return certificate


def certificate_of(session: Session, enrolment_id: int) -> models.Certificate | None:
    return session.scalars(select(models.Certificate).where(models.Certificate.enrolment_id == enrolment_id)).first()


def certificates(info: Info, volunteer: str | None, valid_until_before: dt.date | None, first: int | None,
                 after: str | None) -> Any:
    """The certificates the caller may read (his own; staff: their volunteers'), oldest first."""
    stmt = select(models.Certificate)
    if volunteer is not None:
        stmt = stmt.where(models.Certificate.volunteer_id == globalid.decode_as(volunteer, "Volunteer",
                                                                                ("volunteer",)))
    if valid_until_before is not None:
        stmt = stmt.where(models.Certificate.valid_until < valid_until_before)
    return paginate(info.context, stmt, models.Certificate.id, info.context.present.certificate, first, after)
