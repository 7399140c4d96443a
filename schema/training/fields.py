"""Training in the API. Fields declare and delegate: the work is in resolvers/training/."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.training import courses, enrolment
from schema.core.common import UserError
from schema.core.relay import Connection
from schema.training.inputs import (
    SkillCertificationSetInput,
    TrainingAssessmentRecordInput,
    TrainingAttendanceRecordInput,
    TrainingCourseCreateInput,
    TrainingEnrolInput,
    TrainingSessionCreateInput,
)
from schema.training.types import (
    Enrolment,
    TrainingCertificate,
    TrainingCourse,
    TrainingSession,
)

if TYPE_CHECKING:
    from schema.forces.types import Skill

SkillRef = Annotated["Skill", strawberry.lazy("schema.forces.types")]


@strawberry.type
class TrainingCoursePayload:
    course: TrainingCourse | None
    user_errors: list[UserError]


@strawberry.type
class TrainingSessionPayload:
    session: TrainingSession | None
    user_errors: list[UserError]


@strawberry.type
class TrainingEnrolPayload:
    enrolments: list[Enrolment] | None
    user_errors: list[UserError]


@strawberry.type
class EnrolmentPayload:
    enrolment: Enrolment | None
    user_errors: list[UserError]


@strawberry.type
class SkillCertificationSetPayload:
    skill: SkillRef | None
    user_errors: list[UserError]


def _enrolment(out: Outcome[Any]) -> EnrolmentPayload:
    return EnrolmentPayload(enrolment=out.value, user_errors=out.errors)


@strawberry.type
class TrainingQueries:
    @strawberry.field(description="Training courses (of `unit` when given), oldest first.")
    def training_courses(self, info: Info, unit: strawberry.ID | None = None, first: int | None = None,
                         after: str | None = None) -> Connection[TrainingCourse]:
        return courses.courses(info, unit, first, after)

    @strawberry.field(description="Training sessions (of `course`; starting on or after `start`), in the order "
                                  "they were planned.")
    def training_sessions(self, info: Info, course: strawberry.ID | None = None, start: datetime.date | None = None,
                          first: int | None = None, after: str | None = None) -> Connection[TrainingSession]:
        return courses.sessions(info, course, start, first, after)

    @strawberry.field(description="Certificates you may read (your own; staff: their volunteers'), of `volunteer` "
                                  "when given, valid until before `validUntilBefore` when given; oldest first.")
    def training_certificates(self, info: Info, volunteer: strawberry.ID | None = None,
                     valid_until_before: datetime.date | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[TrainingCertificate]:
        return enrolment.certificates(info, volunteer, valid_until_before, first, after)


@strawberry.type
class TrainingMutations:
    @strawberry.mutation(description="Staff create a training course held by their unit.")
    def training_course_create(self, info: Info, input: TrainingCourseCreateInput) -> TrainingCoursePayload:
        out = courses.course_create(info, input)
        return TrainingCoursePayload(course=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Staff schedule a session of a course at a training base.")
    def training_session_create(self, info: Info, input: TrainingSessionCreateInput) -> TrainingSessionPayload:
        out = courses.session_create(info, input)
        return TrainingSessionPayload(session=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Staff enrol volunteers in a session.")
    def training_enrol(self, info: Info, input: TrainingEnrolInput) -> TrainingEnrolPayload:
        out = enrolment.enrol(info, input)
        return TrainingEnrolPayload(enrolments=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Staff record whether an enrolled volunteer attended.")
    def training_attendance_record(self, info: Info, input: TrainingAttendanceRecordInput) -> EnrolmentPayload:
        return _enrolment(enrolment.attendance_record(info, input))

    @strawberry.mutation(description="Staff record the assessment of a volunteer who attended; a pass issues the "
                                     "certificate, which grants or renews the course's skill at its level.")
    def training_assessment_record(self, info: Info, input: TrainingAssessmentRecordInput) -> EnrolmentPayload:
        return _enrolment(enrolment.assessment_record(info, input))

    @strawberry.mutation(description="The platform admin sets whether dispatch counts a skill only from valid "
                                     "certificates.")
    def skill_certification_set(self, info: Info, input: SkillCertificationSetInput) -> SkillCertificationSetPayload:
        out = courses.skill_certification_set(info, input)
        return SkillCertificationSetPayload(skill=out.value, user_errors=out.errors)
