"""Inputs of training's mutations (schema/training/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(description="A new course held by a unit you administer.")
class TrainingCourseCreateInput:
    unit: strawberry.ID
    code: str
    name: str
    skill: strawberry.ID = strawberry.field(description="The skill of the catalogue a pass grants.")
    level: int = strawberry.field(description="The level (1..5) a pass grants.")
    hours: int = strawberry.field(description="Teaching hours, 1..1000.")
    validity_days: int = strawberry.field(description="Days a certificate stays valid after the day of issue, "
                                                      "1..3650.")


@strawberry.input(description="A session of a course at a training base (a practice base), from `startsAt` to "
                               "`endsAt` (local times), with experts of the pool as lecturers and/or a lecturer team.")
class TrainingSessionCreateInput:
    course: strawberry.ID
    base: strawberry.ID
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int = 30
    lecturers: list[strawberry.ID] | None = None
    lecturer_team: strawberry.ID | None = None


@strawberry.input(description="Enrol volunteers registered in the area of the course's unit (at most 200 a call).")
class TrainingEnrolInput:
    session: strawberry.ID
    volunteers: list[strawberry.ID]


@strawberry.input(description="Record whether an enrolled volunteer attended the session.")
class TrainingAttendanceRecordInput:
    session: strawberry.ID
    volunteer: strawberry.ID
    attended: bool


@strawberry.input(description="Record the assessment of a volunteer who attended: a pass issues the certificate.")
class TrainingAssessmentRecordInput:
    session: strawberry.ID
    volunteer: strawberry.ID
    score: int = strawberry.field(description="0..100.")
    passed: bool


@strawberry.input(description="Whether dispatch counts a skill only from valid training certificates.")
class SkillCertificationSetInput:
    skill: strawberry.ID
    requires_certificate: bool
