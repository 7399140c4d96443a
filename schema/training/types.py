"""GraphQL types of training: a course, a session, an enrolment and a certificate."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.globalid import encode
from resolvers.training import courses, enrolment

if TYPE_CHECKING:
    from schema.forces.types import Skill, Team
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import PracticeBase, Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
BaseRef = Annotated["PracticeBase", strawberry.lazy("schema.network.types")]
SkillRef = Annotated["Skill", strawberry.lazy("schema.forces.types")]
TeamRef = Annotated["Team", strawberry.lazy("schema.forces.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]


@strawberry.type(description="A training course (培训课程) held by a unit: passing it grants (or renews) its skill at "
                             "its level, with a certificate valid for `validityDays` days from the day of issue.")
class TrainingCourse:
    id: strawberry.ID
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    skill_pk: strawberry.Private[int]
    code: str
    name: str
    level: int = strawberry.field(description="The skill level (1..5) a pass grants.")
    hours: int = strawberry.field(description="Teaching hours of the course.")
    validity_days: int = strawberry.field(description="Days a certificate stays valid after the day of issue.")
    synthetic: bool = strawberry.field(description="Example data, not from the bulletin.")

    @strawberry.field(description="The unit that holds the course.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The skill a pass grants.")
    async def skill(self, info: Info) -> SkillRef | None:
        return await info.context.loaders.node("Skill").load(self.skill_pk)


@strawberry.type(description="A session (培训班次) of a course at a training base (a practice base), taught by "
                             "experts of the pool and/or a lecturer team (讲师团); times are local (Asia/Shanghai).")
class TrainingSession:
    id: strawberry.ID
    pk: strawberry.Private[int]
    course_pk: strawberry.Private[int]
    base_pk: strawberry.Private[int]
    team_pk: strawberry.Private[int | None]
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int

    @strawberry.field
    def course(self, info: Info) -> TrainingCourse | None:
        row = courses.course_by_id(info.context.session, self.course_pk)
        return None if row is None else course_object(row)

    @strawberry.field(description="The training base.")
    async def base(self, info: Info) -> BaseRef | None:
        return await info.context.loaders.node("PracticeBase").load(self.base_pk)

    @strawberry.field(description="The lecturer team, if one teaches.")
    async def lecturer_team(self, info: Info) -> TeamRef | None:
        return None if self.team_pk is None else await info.context.loaders.node("Team").load(self.team_pk)

    @strawberry.field(description="The lecturers (experts of the pool) you may see.")
    async def lecturers(self, info: Info) -> list[VolunteerRef]:
        found = [await info.context.loaders.volunteer_by_id.load(v)
                 for v in courses.lecturers_of(info.context.session, self.pk)]
        return [v for v in found if v is not None]

    @strawberry.field(description="The enrolments of the volunteers you may see.")
    def enrolments(self, info: Info) -> list[Enrolment]:
        return [enrolment_object(r) for r in courses.enrolments_of(info.context.session, self.pk)]


@strawberry.type(description="A training certificate (培训证书): the skill and level a passed course grants, valid "
                             "from `issuedOn` to `validUntil` (both days included).")
class TrainingCertificate:
    id: strawberry.ID
    pk: strawberry.Private[int]
    volunteer_pk: strawberry.Private[int]
    course_pk: strawberry.Private[int]
    skill_pk: strawberry.Private[int]
    number: str
    level: int
    issued_on: datetime.date
    valid_until: datetime.date
    issued_at: datetime.datetime = strawberry.field(description="When the server issued it (a recorded pass).")
    synthetic: bool

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)

    @strawberry.field
    def course(self, info: Info) -> TrainingCourse | None:
        row = courses.course_by_id(info.context.session, self.course_pk)
        return None if row is None else course_object(row)

    @strawberry.field
    async def skill(self, info: Info) -> SkillRef | None:
        return await info.context.loaders.node("Skill").load(self.skill_pk)


@strawberry.type(description="A volunteer enrolled in a session, with his attendance and assessment as staff "
                             "recorded them; a pass issued `certificate`.")
class Enrolment:
    id: strawberry.ID
    pk: strawberry.Private[int]
    volunteer_pk: strawberry.Private[int]
    session_id: strawberry.ID
    enrolled_at: datetime.datetime
    attended: bool | None
    score: int | None
    passed: bool | None
    assessed_at: datetime.datetime | None

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)

    @strawberry.field(description="The certificate the pass issued (null until passed).")
    def certificate(self, info: Info) -> TrainingCertificate | None:
        row = enrolment.certificate_of(info.context.session, self.pk)
        return None if row is None else certificate_object(row)


def course_object(row: Any) -> TrainingCourse:
    return TrainingCourse(id=encode("TrainingCourse", row.id), pk=row.id, unit_pk=row.unit_id, skill_pk=row.skill_id,
                          code=row.code, name=row.name, level=row.level, hours=row.hours,
                          validity_days=row.validity_days, synthetic=row.synthetic)


def session_object(row: Any) -> TrainingSession:
    return TrainingSession(id=encode("TrainingSession", row.id), pk=row.id, course_pk=row.course_id,
                           base_pk=row.base_id, team_pk=row.lecturer_team_id, starts_at=row.starts_at,
                           ends_at=row.ends_at, capacity=row.capacity)


def enrolment_object(row: Any) -> Enrolment:
    return Enrolment(id=encode("Enrolment", row.id), pk=row.id, volunteer_pk=row.volunteer_id,
                     session_id=encode("TrainingSession", row.session_id), enrolled_at=row.enrolled_at,
                     attended=row.attended, score=row.score, passed=row.passed, assessed_at=row.assessed_at)


def certificate_object(row: Any) -> TrainingCertificate:
    return TrainingCertificate(id=encode("TrainingCertificate", row.id), pk=row.id, volunteer_pk=row.volunteer_id,
                       course_pk=row.course_id, skill_pk=row.skill_id, number=row.number, level=row.level,
                       issued_on=row.issued_on, valid_until=row.valid_until, issued_at=row.issued_at,
                       synthetic=row.synthetic)
