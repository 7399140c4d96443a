"""Builders of the training tests, through the API: a training base, an expert lecturer, a course
of the world's doctor skill, a session, and a volunteer taken through it to a certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.dispatch.support import DispatchClient
from tests.documents import TEAM_MEMBER_ADD, VOLUNTEER_REGISTER
from tests.schema.support import unique, volunteer_input

ERRORS = "userErrors { field message code }"
COURSE_CREATE = ("mutation C($input: TrainingCourseCreateInput!) { trainingCourseCreate(input: $input) { "
                 f"course {{ id code name level hours validityDays skill {{ code }} }} {ERRORS} }} }}")
SESSION_CREATE = ("mutation S($input: TrainingSessionCreateInput!) { trainingSessionCreate(input: $input) { "
                  f"session {{ id startsAt endsAt capacity lecturers {{ id }} course {{ code }} base {{ name }} }} "
                  f"{ERRORS} }} }}")
ENROL = ("mutation E($input: TrainingEnrolInput!) { trainingEnrol(input: $input) { "
         f"enrolments {{ id volunteer {{ id }} attended passed }} {ERRORS} }} }}")
ENROLMENT = "enrolment { id attended score passed assessedAt certificate { id number level issuedOn validUntil } }"
ATTENDANCE = ("mutation A($input: TrainingAttendanceRecordInput!) { trainingAttendanceRecord(input: $input) { "
              f"{ENROLMENT} {ERRORS} }} }}")
ASSESSMENT = ("mutation A($input: TrainingAssessmentRecordInput!) { trainingAssessmentRecord(input: $input) { "
              f"{ENROLMENT} {ERRORS} }} }}")
CERTIFICATION_SET = ("mutation S($input: SkillCertificationSetInput!) { skillCertificationSet(input: $input) { "
                     f"skill {{ code requiresCertificate }} {ERRORS} }} }}")
BASE_CREATE = ("mutation B($input: PracticeBaseCreateInput!) { practiceBaseCreate(input: $input) { "
               "practiceBase { id } userErrors { code } } }")
CERTIFICATES = ("query C($v: ID) { trainingCertificates(volunteer: $v) { totalCount edges { node { number level "
                "validUntil "
                "course { code } skill { code } volunteer { id } } } } }")


def training_base(api: DispatchClient, unit: str) -> str:
    base: str = api.ok(BASE_CREATE, {"input": {"unit": unit, "code": unique("TB"), "name": "急救培训基地",
                                               "category": "LIFE_HEALTH", "location": {"lat": 34.33, "lon": 117.96}}},
                       "practiceBaseCreate")["practiceBase"]["id"]
    return base


def expert(api: DispatchClient, unit: str) -> str:
    """A volunteer of the expert pool (medicine and health)."""
    volunteer: str = api.ok(VOLUNTEER_REGISTER, {"input": volunteer_input(unit, name="刘讲师", domains=["HEALTH"])},
                            "volunteerRegister")["volunteer"]["id"]
    return volunteer


def course_input(world: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {"unit": world["center"], "code": unique("FA"), "name": "应急救护培训", "skill": world["doctor"],
            "level": 3, "hours": 8, "validityDays": 30, **overrides}


def create_course(api: DispatchClient, world: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    course: dict[str, Any] = api.ok(COURSE_CREATE, {"input": course_input(world, **overrides)},
                                    "trainingCourseCreate")["course"]
    return course


def session_input(course: str, base: str, lecturer: str, **overrides: Any) -> dict[str, Any]:
    return {"course": course, "base": base, "startsAt": "2026-11-20T09:00:00", "endsAt": "2026-11-20T17:00:00",
            "capacity": 20, "lecturers": [lecturer], **overrides}


def create_session(api: DispatchClient, world: dict[str, Any], course: str) -> str:
    base = training_base(api, world["center"])
    lecturer = expert(api, world["center"])
    session: str = api.ok(SESSION_CREATE, {"input": session_input(course, base, lecturer)},
                          "trainingSessionCreate")["session"]["id"]
    return session


def team_doctor(api: DispatchClient, world: dict[str, Any], name: str = "王医生", role: str = "MEMBER") -> str:
    """A volunteer of the world's team, insured for years, living by the east station; his doctor
    skill row is set by staff at registration (which a certified skill does not count)."""
    volunteer: str = api.ok(VOLUNTEER_REGISTER, {"input": volunteer_input(
        world["center"], name=name, homeLocation={"lat": 34.33, "lon": 117.95}, insuranceValidUntil="2099-12-31",
        skills=[{"skill": world["doctor"], "level": 3}])}, "volunteerRegister")["volunteer"]["id"]
    api.ok(TEAM_MEMBER_ADD, {"input": {"team": world["team"], "volunteer": volunteer, "role": role}},
           "teamMemberAdd")
    return volunteer


def certify(api: DispatchClient, session: str, volunteer: str) -> dict[str, Any]:
    """Enrol, attend and pass: the enrolment with its certificate."""
    api.ok(ENROL, {"input": {"session": session, "volunteers": [volunteer]}}, "trainingEnrol")
    api.ok(ATTENDANCE, {"input": {"session": session, "volunteer": volunteer, "attended": True}},
           "trainingAttendanceRecord")
    enrolment: dict[str, Any] = api.ok(ASSESSMENT, {"input": {"session": session, "volunteer": volunteer,
                                                              "score": 92, "passed": True}},
                                       "trainingAssessmentRecord")["enrolment"]
    return enrolment


def day_after(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
