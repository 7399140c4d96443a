"""Access to training: courses and sessions are the catalogue (every signed-in caller reads them);
unit admins write the courses of units in their subtree, their sessions and lecturers, the
enrolments (attendance, assessment) and the certificates a pass issues. Enrolments and
certificates are read by whoever sees the volunteer (himself, his team leaders, staff over his
unit). Nothing is deleted; a certificate is never changed once issued; expiry notices are written
by the sweep (`wenming training notify`), not through the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from db import models
from db.models import Role
from resolvers.access.rules import (
    ADMIN,
    DISPATCH,
    SIGNED_IN,
    STAFF,
    UNIT_ADMIN,
    Check,
    Domain,
    KeptByUnit,
    Scope,
    WriteRule,
    fields,
)

_courses = models.TrainingCourse.__table__
_sessions = models.TrainingSession.__table__

READERS = DISPATCH | {Role.VOLUNTEER, Role.TEAM_LEADER}


def _volunteer_rows(s: Scope, t: Any) -> ColumnElement[bool]:
    return s.volunteers(t.c.volunteer_id)


@dataclass(frozen=True)
class OfCourse(WriteRule):
    """Rows of a course (`via`: "course" for a session or certificate, "session" for a lecturer or
    an enrolment): a unit admin over the course's unit; never deleted; certificates never changed."""

    via: str = "course"
    sentence: str = "unit admin over the course's unit; never deleted"
    append_only: bool = False

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if obj in check.session.deleted or (self.append_only and not is_new):
            return False
        conn = check.session.connection()
        if self.via == "course":
            course = obj.course_id
        else:
            course = conn.execute(select(_sessions.c.course_id).where(_sessions.c.id == obj.session_id)).scalar()
        unit = conn.execute(select(_courses.c.unit_id).where(_courses.c.id == course)).scalar()
        return check.in_subtree(UNIT_ADMIN, check.unit_path(unit))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="training",
    roots={
        **fields("Query", ("trainingCourses", "trainingSessions"), SIGNED_IN),
        "Query.trainingCertificates": READERS,
        **fields("Mutation", ("trainingCourseCreate", "trainingSessionCreate", "trainingEnrol",
                              "trainingAttendanceRecord", "trainingAssessmentRecord"), STAFF),
        "Mutation.skillCertificationSet": ADMIN,
    },
    catalogue=frozenset({"Query.trainingCourses", "Query.trainingSessions"}),
    reads={
        models.Enrolment: _volunteer_rows,
        models.Certificate: _volunteer_rows,
        models.CertificateNotice: lambda s, t: t.c.certificate_id.in_(
            select(models.Certificate.__table__.c.id).where(s.volunteers(models.Certificate.__table__.c.volunteer_id))),
    },
    writes={
        models.TrainingCourse: KeptByUnit("course"),
        models.TrainingSession: OfCourse("course"),
        models.SessionLecturer: OfCourse("session"),
        models.Enrolment: OfCourse("session"),
        models.Certificate: OfCourse("course", sentence="unit admin over the course's unit, new rows only (issued "
                                                        "by a recorded pass); never changed or deleted",
                                     append_only=True),
    },
)
