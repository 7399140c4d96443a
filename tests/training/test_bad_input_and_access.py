"""Bad training input gets a coded userError naming the field with nothing written, and staff
reach their own subtree only: nobody records his own attendance or assessment, a volunteer reads
his own certificates only (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.models import Role
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient
from tests.documents import VOLUNTEER_REGISTER
from tests.schema.support import volunteer_input
from tests.training.support import (
    ASSESSMENT,
    ATTENDANCE,
    CERTIFICATES,
    COURSE_CREATE,
    ENROL,
    SESSION_CREATE,
    certify,
    course_input,
    create_course,
    create_session,
    expert,
    session_input,
    team_doctor,
    training_base,
)
from wenming.settings import Settings

TABLES = (models.TrainingCourse, models.TrainingSession, models.SessionLecturer, models.Enrolment, models.Certificate,
          models.VolunteerSkill)
NO_SKILL = "U2tpbGw6OTk5OTk5"  # Skill:999999


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t.__table__)).scalar_one() for t in TABLES)


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"skill": NO_SKILL}, ["input", "skill"], "NOT_FOUND"),
    ({"hours": -8}, ["input", "hours"], "OUT_OF_RANGE"),
    ({"level": 6}, ["input", "level"], "OUT_OF_RANGE"),
    ({"validityDays": 0}, ["input", "validityDays"], "OUT_OF_RANGE"),
    ({"name": "  "}, ["input", "name"], "REQUIRED"),
])
def test_a_bad_course_is_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                                      change: dict[str, Any], field: list[str], code: str) -> None:
    before = counts(engine)
    payload = api.data(COURSE_CREATE, {"input": course_input(world, **change)})["trainingCourseCreate"]
    assert payload["course"] is None
    assert errors(payload) == [(field, code)], payload["userErrors"]
    assert counts(engine) == before


def test_a_course_code_is_unique(api: DispatchClient, world: dict[str, Any], engine: Engine) -> None:
    course = create_course(api, world)
    before = counts(engine)
    payload = api.data(COURSE_CREATE, {"input": course_input(world, code=course["code"])})["trainingCourseCreate"]
    assert errors(payload) == [(["input", "code"], "DUPLICATE")]
    assert counts(engine) == before


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"endsAt": "2026-11-20T08:00:00"}, ["input", "endsAt"], "OUT_OF_RANGE"),
    ({"endsAt": "2026-11-20T09:00:00"}, ["input", "endsAt"], "OUT_OF_RANGE"),
    ({"capacity": 0}, ["input", "capacity"], "OUT_OF_RANGE"),
    ({"lecturers": None}, ["input", "lecturers"], "REQUIRED"),
    ({"lecturers": "not-an-expert"}, ["input", "lecturers", "0"], "INVALID"),
])
def test_a_bad_session_is_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                                       change: dict[str, Any], field: list[str], code: str) -> None:
    course = create_course(api, world)["id"]
    base, lecturer = training_base(api, world["center"]), expert(api, world["center"])
    if change.get("lecturers") == "not-an-expert":
        change = {"lecturers": [team_doctor(api, world)]}
    before = counts(engine)
    data = {k: v for k, v in session_input(course, base, lecturer, **change).items() if v is not None}
    payload = api.data(SESSION_CREATE, {"input": data})["trainingSessionCreate"]
    assert payload["session"] is None
    assert errors(payload) == [(field, code)], payload["userErrors"]
    assert counts(engine) == before


def test_attendance_and_assessment_follow_enrolment(api: DispatchClient, world: dict[str, Any],
                                                    engine: Engine) -> None:
    session = create_session(api, world, create_course(api, world)["id"])
    doctor, other = team_doctor(api, world), team_doctor(api, world, "赵医生")
    api.ok(ENROL, {"input": {"session": session, "volunteers": [doctor]}}, "trainingEnrol")
    before = counts(engine)

    absent = api.data(ATTENDANCE, {"input": {"session": session, "volunteer": other, "attended": True}})
    assert errors(absent["trainingAttendanceRecord"]) == [(["input", "volunteer"], "NOT_ENROLLED")]
    unattended = api.data(ASSESSMENT, {"input": {"session": session, "volunteer": doctor, "score": 90,
                                                 "passed": True}})["trainingAssessmentRecord"]
    assert errors(unattended) == [(["input", "volunteer"], "NOT_ATTENDED")]
    assert counts(engine) == before

    passed = certify(api, session, doctor)
    again = api.data(ASSESSMENT, {"input": {"session": session, "volunteer": doctor, "score": 95,
                                            "passed": True}})["trainingAssessmentRecord"]
    assert errors(again) == [(["input", "volunteer"], "ALREADY_ASSESSED")]
    score = api.data(ASSESSMENT, {"input": {"session": session, "volunteer": doctor, "score": 101,
                                            "passed": True}})["trainingAssessmentRecord"]
    assert errors(score) == [(["input", "score"], "OUT_OF_RANGE")]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.Certificate.__table__)).scalar_one() == 1
    assert passed["certificate"]["number"]


def test_enrolment_is_bounded_by_capacity_and_the_course_units_area(api: DispatchClient, world: dict[str, Any],
                                                                    engine: Engine) -> None:
    east_course = create_course(api, world, unit=world["east"])["id"]
    base, lecturer = training_base(api, world["east"]), expert(api, world["center"])
    session = api.ok(SESSION_CREATE, {"input": session_input(east_course, base, lecturer, capacity=1)},
                     "trainingSessionCreate")["session"]["id"]
    center_doctor = team_doctor(api, world)
    east = [api.ok(VOLUNTEER_REGISTER, {"input": volunteer_input(world["east"])}, "volunteerRegister")
            ["volunteer"]["id"] for _ in range(2)]
    before = counts(engine)
    outside = api.data(ENROL, {"input": {"session": session, "volunteers": [center_doctor]}})["trainingEnrol"]
    assert errors(outside) == [(["input", "volunteers", "0"], "FORBIDDEN")]
    full = api.data(ENROL, {"input": {"session": session, "volunteers": east}})["trainingEnrol"]
    assert errors(full) == [(["input", "volunteers"], "SESSION_FULL")]
    assert counts(engine) == before
    api.ok(ENROL, {"input": {"session": session, "volunteers": [east[0]]}}, "trainingEnrol")
    api.ok(ENROL, {"input": {"session": session, "volunteers": [east[0]]}}, "trainingEnrol")  # kept, not doubled


def test_staff_write_their_subtree_and_nobody_certifies_himself(api: DispatchClient, world: dict[str, Any],
                                                                settings: Settings, engine: Engine) -> None:
    station_admin = token_for(settings, engine, "east-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["east"])})])
    above = api.data_as(station_admin, COURSE_CREATE, {"input": course_input(world)})["trainingCourseCreate"]
    assert [e["code"] for e in above["userErrors"]] == ["FORBIDDEN"]
    own = api.data_as(station_admin, COURSE_CREATE, {"input": course_input(world, unit=world["east"])})
    assert own["trainingCourseCreate"]["userErrors"] == []

    session = create_session(api, world, create_course(api, world)["id"])
    doctor, other = team_doctor(api, world), team_doctor(api, world, "赵医生")
    api.ok(ENROL, {"input": {"session": session, "volunteers": [doctor, other]}}, "trainingEnrol")
    # a member of staff who is also the volunteer records nothing about himself
    himself = token_for(settings, engine, "doctor-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["center"])}),
                                                           (Role.VOLUNTEER, {"volunteer_id": pk(doctor)})])
    before = counts(engine)
    refused = api.data_as(himself, ATTENDANCE, {"input": {"session": session, "volunteer": doctor,
                                                          "attended": True}})["trainingAttendanceRecord"]
    assert errors(refused) == [(["input", "volunteer"], "OWN_REQUEST")]
    assert counts(engine) == before
    certify(api, session, other)

    # a volunteer may not record an assessment at all, and reads his own certificates only
    volunteer = token_for(settings, engine, "doctor", [(Role.VOLUNTEER, {"volunteer_id": pk(doctor)})])
    gate = api.client.post("/graphql", json={"query": ASSESSMENT, "variables": {"input": {
        "session": session, "volunteer": doctor, "score": 100, "passed": True}}},
        headers={"Authorization": f"Bearer {volunteer}"}).json()
    assert gate["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.data_as(volunteer, CERTIFICATES, {"v": None})["trainingCertificates"]["totalCount"] == 0
    colleague = token_for(settings, engine, "colleague", [(Role.VOLUNTEER, {"volunteer_id": pk(other)})])
    mine = api.data_as(colleague, CERTIFICATES, {"v": None})["trainingCertificates"]
    assert [e["node"]["volunteer"]["id"] for e in mine["edges"]] == [other]
