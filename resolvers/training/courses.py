"""Courses and their sessions through the API: staff of a unit create them; everyone signed in
reads them (the catalogue of what is taught where).

Every mutation runs through the one runner (all or nothing); the access policy lets a unit admin
write the courses of units in his subtree and their sessions (resolvers/access/training.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db import models
from db.localtime import wall_clock
from db.models.base import utcnow
from resolvers.core import globalid
from resolvers.core.errors import ErrorCode
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: Bounds of a course and a session.
MAX_HOURS = 1000
MAX_VALIDITY_DAYS = 3650
MAX_CAPACITY = 500
MAX_LECTURERS = 20
#: The longest session, and the most rows a list query answers.
MAX_SESSION_DAYS = 31


def course_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.TrainingCourse:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        code = checks.name(data.code, ("input", "code"), max_length=64)
        checks.unique(models.TrainingCourse.code, code, ("input", "code"), "course")
        name = checks.name(data.name, ("input", "name"))
        skill = checks.ref(data.skill, "Skill", ("input", "skill"))
        checks.in_range(data.level, 1, 5, ("input", "level"))
        checks.in_range(data.hours, 1, MAX_HOURS, ("input", "hours"))
        checks.in_range(data.validity_days, 1, MAX_VALIDITY_DAYS, ("input", "validityDays"))
        checks.raise_if_any()
        course = models.TrainingCourse(unit_id=unit.id, code=code, name=name, skill_id=skill.id, level=data.level,
                                       hours=data.hours, validity_days=data.validity_days, created_at=utcnow())
        session.add(course)
        session.flush()
        return course

    return run_mutation(info, work, info.context.present.training_course)


def _lecturers(checks: Checks, session: Session, ids: list[str] | None) -> list[int]:
    """The lecturers: volunteers of the expert pool (at least one expert domain)."""
    if not ids:
        return []
    path = ("input", "lecturers")
    if len(ids) > MAX_LECTURERS:
        checks.add(path, f"at most {MAX_LECTURERS} lecturers", ErrorCode.TOO_LARGE)
        return []
    found: list[int] = []
    for i, global_id in enumerate(ids):
        row = checks.ref(global_id, "Volunteer", (*path, str(i)))
        if row is None:
            continue
        vd = models.VolunteerDomain
        if not session.scalar(select(exists().where(vd.volunteer_id == row.id))):
            checks.add((*path, str(i)), f"{row.name} is not in the expert pool: record his expert domains first",
                       ErrorCode.INVALID)
        found.append(row.id)
    return sorted(set(found))


def session_create(info: Info, data: Any) -> Outcome[Any]:
    """A session of a course at a training base (a practice base), with its lecturers."""
    def work(session: Session) -> models.TrainingSession:
        checks = Checks(session)
        course = _course(checks, data.course)
        base = checks.ref(data.base, "PracticeBase", ("input", "base"))
        starts, ends = wall_clock(data.starts_at), wall_clock(data.ends_at)
        if ends <= starts:
            checks.add(("input", "endsAt"), "endsAt must be after startsAt", ErrorCode.OUT_OF_RANGE)
        elif ends - starts > dt.timedelta(days=MAX_SESSION_DAYS):
            checks.add(("input", "endsAt"), f"a session lasts at most {MAX_SESSION_DAYS} days", ErrorCode.OUT_OF_RANGE)
        checks.in_range(data.capacity, 1, MAX_CAPACITY, ("input", "capacity"))
        team = checks.ref(data.lecturer_team, "Team", ("input", "lecturerTeam"))
        lecturers = _lecturers(checks, session, data.lecturers)
        if not data.lecturers and data.lecturer_team is None:
            checks.add(("input", "lecturers"), "name the lecturers (experts of the pool) or a lecturer team",
                       ErrorCode.REQUIRED)
        checks.raise_if_any()
        row = models.TrainingSession(course_id=course.id, base_id=base.id, starts_at=starts, ends_at=ends,
                                     capacity=data.capacity, lecturer_team_id=None if team is None else team.id,
                                     created_at=utcnow())
        session.add(row)
        session.flush()
        session.add_all([models.SessionLecturer(session_id=row.id, volunteer_id=v) for v in lecturers])
        session.flush()
        return row

    return run_mutation(info, work, info.context.present.training_session)


def _course(checks: Checks, global_id: str) -> Any:
    """The course `global_id` names; a problem recorded (None) when it names none."""
    path = ("input", "course")
    pk = globalid.decode_pk(global_id, "TrainingCourse")
    if pk is None:
        checks.add(path, "course: not the ID of a TrainingCourse; pass an `id` returned by this API",
                   ErrorCode.MALFORMED_ID)
        return None
    row = checks.session.get(models.TrainingCourse, pk)
    if row is None:
        checks.add(path, "course: no TrainingCourse has this ID", ErrorCode.NOT_FOUND)
    return row


def courses(info: Info, unit: str | None, first: int | None, after: str | None) -> Any:
    """A page of the courses (of `unit` when given), oldest first."""
    stmt = select(models.TrainingCourse)
    if unit is not None:
        stmt = stmt.where(models.TrainingCourse.unit_id == globalid.decode_as(unit, "Unit", ("unit",)))
    return paginate(info.context, stmt, models.TrainingCourse.id, info.context.present.training_course, first, after)


def sessions(info: Info, course: str | None, start: dt.date | None, first: int | None, after: str | None) -> Any:
    """A page of the sessions (of `course`; starting on or after `start`), in the order they were planned."""
    stmt = select(models.TrainingSession)
    if course is not None:
        stmt = stmt.where(models.TrainingSession.course_id == globalid.decode_as(course, "TrainingCourse",
                                                                                 ("course",)))
    if start is not None:
        stmt = stmt.where(models.TrainingSession.starts_at >= dt.datetime.combine(start, dt.time()))
    return paginate(info.context, stmt, models.TrainingSession.id, info.context.present.training_session, first,
                    after)


def lecturers_of(session: Session, session_id: int) -> list[int]:
    return list(session.scalars(select(models.SessionLecturer.volunteer_id)
                                .where(models.SessionLecturer.session_id == session_id)
                                .order_by(models.SessionLecturer.volunteer_id)))


def enrolments_of(session: Session, session_id: int) -> list[models.Enrolment]:
    """The session's enrolments the caller may read (volunteers he sees), in enrolment order."""
    return list(session.scalars(select(models.Enrolment).where(models.Enrolment.session_id == session_id)
                                .order_by(models.Enrolment.id)))


def skill_certification_set(info: Info, data: Any) -> Outcome[Any]:
    """The platform admin says whether dispatch counts a skill only from valid certificates."""
    def work(session: Session) -> models.Skill:
        checks = Checks(session)
        skill = checks.ref(data.skill, "Skill", ("input", "skill"))
        checks.raise_if_any()
        skill.requires_certificate = data.requires_certificate
        session.flush()
        return skill

    return run_mutation(info, work, info.context.present.skill)


def course_by_id(session: Session, pk: int) -> models.TrainingCourse | None:
    return session.get(models.TrainingCourse, pk)
