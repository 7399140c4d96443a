"""Projects through the API (served by uvicorn, SQLite and PostgreSQL): a station's project from
draft to the graded library, with a return and a resubmission, its activity ordered, dispatched,
served and rated on the way; decisions by the unit above only, never by the submitter; bad input
refused with nothing written; a library entry copied into a new draft elsewhere."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.models import Role
from examples.load import load_city_into
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_run
from tests.documents import (
    ASSIGNMENT_ACCEPT,
    ASSIGNMENT_CHECK_IN,
    ASSIGNMENT_CHECK_OUT,
    DISPATCH_RUN_COMMIT,
    MY_TASKS,
    ORDER_RATE,
    ORDER_REVIEW,
    ORDER_SUBMIT,
)
from wenming.settings import Settings, SettingsError, read_settings

FIELDS = ("project { id name state budgetFen spentFen returnReason copiedFromId unit { id } "
          "serviceItems { id } stations { id } }")


def _mutation(name: str, input_type: str) -> str:
    return (f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {FIELDS} "
            "userErrors { field message code } } }")


CREATE = _mutation("projectCreate", "ProjectCreateInput")
UPDATE = _mutation("projectUpdate", "ProjectUpdateInput")
SUBMIT = _mutation("projectSubmit", "ProjectStepInput")
APPROVE = _mutation("projectApprove", "ProjectStepInput")
RETURN = _mutation("projectReturn", "ProjectReturnInput")
START = _mutation("projectStart", "ProjectStepInput")
CLOSE = _mutation("projectClose", "ProjectCloseInput")
EVALUATE = _mutation("projectEvaluate", "ProjectEvaluateInput")
COPY = _mutation("projectCopy", "ProjectCopyInput")
PROJECT = ("query P($id: ID!) { project(id: $id) { state history { edges { node { fromState toState actor note } } } "
           "orders { totalCount edges { node { id projectId } } } "
           "figures { ordersTotal ordersServed completionRate approvedHours ratings meanRating } "
           "evaluation { figures { ordersServed approvedHours meanRating } budgetUsed reviewerScore score grade "
           "reviewer residentsReached } } }")
LIBRARY = ("query L($domain: ServiceDomain, $grade: ProjectGrade, $region: ID) { projectLibrary(domain: $domain, "
           "grade: $grade, region: $region) { totalCount edges { node { id name } } } }")

TABLES = (models.Project, models.ProjectItem, models.ProjectStation, models.ProjectEvent, models.ProjectEvaluation)


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(m.__table__)).scalar_one() for m in TABLES)


def project_input(world: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {"unit": world["east"], "name": "社区健康义诊", "domain": "HEALTH", "goals": "每月一次义诊",
            "targetGroups": "社区老人", "startsOn": "2026-12-01", "endsOn": "2026-12-31", "budgetFen": 500_000,
            "serviceItems": [world["item"]], "stations": [world["east"]], **overrides}


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def staff(settings: Settings, engine: Engine, name: str, unit: str) -> str:
    return token_for(settings, engine, name, [(Role.UNIT_ADMIN, {"unit_id": pk(unit)})])


def as_(api: DispatchClient, token: str, document: str, data: dict[str, Any], field: str) -> dict[str, Any]:
    payload: dict[str, Any] = api.data_as(token, document, {"input": data})[field]
    return payload


def ok_as(api: DispatchClient, token: str, document: str, data: dict[str, Any], field: str) -> dict[str, Any]:
    payload = as_(api, token, document, data, field)
    assert payload["userErrors"] == [], payload["userErrors"]
    project: dict[str, Any] = payload["project"]
    return project


def activity(api: DispatchClient, world: dict[str, Any], project: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = api.data(ORDER_SUBMIT, {"input": {
        "item": world["item"], "unit": world["east"], "residentName": "李大爷",
        "location": {"lat": 34.33, "lon": 117.96},
        "windowStart": f"{DAY}T09:00:00", "windowEnd": f"{DAY}T11:00:00", "channel": "HOTLINE",
        "project": project}})["orderSubmit"]
    return payload


def serve(api: DispatchClient, world: dict[str, Any], order: str, doctor: str) -> None:
    """Dispatch the order to the doctor, who serves it 09:00-10:00; the resident rates it 5."""
    api.ok(ORDER_REVIEW, {"input": {"order": order}}, "orderReview")
    run = api.wait_run(start_run(api, world["institute"]))
    assert [p["volunteer"]["id"] for p in run["proposals"]] == [doctor], run
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run["id"]}}, "dispatchRunCommit")
    (task,) = api.data(MY_TASKS, {"volunteer": doctor})["myTasks"]
    act = {"assignment": task["id"], "volunteer": doctor}
    api.ok(ASSIGNMENT_ACCEPT, {"input": act}, "assignmentAccept")
    api.ok(ASSIGNMENT_CHECK_IN, {"input": {**act, "at": f"{DAY}T09:00:00"}}, "assignmentCheckIn")
    api.ok(ASSIGNMENT_CHECK_OUT, {"input": {**act, "at": f"{DAY}T10:00:00"}}, "assignmentCheckOut")
    api.ok(ORDER_RATE, {"input": {"order": order, "score": 5}}, "orderRate")


def test_a_project_walks_from_draft_to_the_graded_library(api: DispatchClient, world: dict[str, Any],
                                                          settings: Settings, engine: Engine) -> None:
    east = staff(settings, engine, "east-admin", world["east"])
    east2 = staff(settings, engine, "east-admin-2", world["east"])
    institute = staff(settings, engine, "institute-admin", world["institute"])
    west = staff(settings, engine, "west-admin", world["west"])
    doctor = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)

    project = ok_as(api, east, CREATE, project_input(world), "projectCreate")
    assert (project["state"], project["serviceItems"], project["stations"]) == (
        "DRAFT", [{"id": world["item"]}], [{"id": world["east"]}])
    pid = project["id"]
    early = activity(api, world, pid)
    assert (early["order"], errors(early)) == (None, [(["input", "project"], "ILLEGAL_TRANSITION")])
    ok_as(api, east, SUBMIT, {"project": pid}, "projectSubmit")
    frozen = as_(api, east, UPDATE, {"project": pid, "budgetFen": 900_000}, "projectUpdate")
    assert errors(frozen) == [(["input", "project"], "ILLEGAL_TRANSITION")], "a submitted project waits"

    # the submitter, another staff member of the same station, a station admin elsewhere: none decides it
    own = as_(api, east, APPROVE, {"project": pid}, "projectApprove")
    assert errors(own) == [(["input", "project"], "OWN_REQUEST")]
    same_level = as_(api, east2, APPROVE, {"project": pid}, "projectApprove")
    assert errors(same_level) == [(["input", "project"], "FORBIDDEN")]
    elsewhere = as_(api, west, APPROVE, {"project": pid}, "projectApprove")
    assert errors(elsewhere) == [(["input", "project"], "NOT_FOUND")], "a draft of another station is not read"
    blank = as_(api, institute, RETURN, {"project": pid, "reason": " "}, "projectReturn")
    assert errors(blank) == [(["input", "reason"], "REQUIRED")]

    returned = ok_as(api, institute, RETURN, {"project": pid, "reason": "预算偏高"}, "projectReturn")
    assert (returned["state"], returned["returnReason"]) == ("RETURNED", "预算偏高")
    changed = ok_as(api, east, UPDATE, {"project": pid, "budgetFen": 300_000}, "projectUpdate")
    assert changed["budgetFen"] == 300_000
    assert ok_as(api, east2, SUBMIT, {"project": pid, "note": "已调整预算"}, "projectSubmit")["returnReason"] == ""
    assert errors(as_(api, east2, APPROVE, {"project": pid}, "projectApprove")) == [
        (["input", "project"], "OWN_REQUEST")]
    assert ok_as(api, institute, APPROVE, {"project": pid}, "projectApprove")["state"] == "APPROVED"
    started = as_(api, west, START, {"project": pid}, "projectStart")
    assert errors(started) == [(["input", "project"], "NOT_FOUND")], "the project's own subtree starts it"
    assert ok_as(api, east, START, {"project": pid}, "projectStart")["state"] == "RUNNING"

    # an activity: ordered for the project, dispatched, served and rated
    placed = activity(api, world, pid)
    assert placed["userErrors"] == [], placed
    order = placed["order"]["id"]
    serve(api, world, order, doctor)

    before = counts(engine)
    running = as_(api, institute, EVALUATE, {"project": pid, "reviewerScore": 90}, "projectEvaluate")
    assert errors(running) == [(["input", "project"], "ILLEGAL_TRANSITION")], "a running project is not graded"
    assert counts(engine) == before
    negative = as_(api, east, CLOSE, {"project": pid, "spentFen": -1}, "projectClose")
    assert errors(negative) == [(["input", "spentFen"], "OUT_OF_RANGE")]
    closed = ok_as(api, east, CLOSE, {"project": pid, "spentFen": 240_000}, "projectClose")
    assert (closed["state"], closed["spentFen"]) == ("CLOSED", 240_000)
    east3 = staff(settings, engine, "east-admin-3", world["east"])
    assert errors(as_(api, east3, EVALUATE, {"project": pid, "reviewerScore": 90}, "projectEvaluate")) == [
        (["input", "project"], "FORBIDDEN")], "the project's own unit does not evaluate it"
    ok_as(api, institute, EVALUATE, {"project": pid, "reviewerScore": 90, "residentsReached": 120}, "projectEvaluate")

    read = api.data_as(institute, PROJECT, {"id": pid})["project"]
    assert read["state"] == "EVALUATED"
    assert [(e["node"]["fromState"], e["node"]["toState"], e["node"]["actor"]) for e in read["history"]["edges"]] == [
        (None, "DRAFT", "east-admin"), ("DRAFT", "SUBMITTED", "east-admin"),
        ("SUBMITTED", "RETURNED", "institute-admin"), ("RETURNED", "SUBMITTED", "east-admin-2"),
        ("SUBMITTED", "APPROVED", "institute-admin"), ("APPROVED", "RUNNING", "east-admin"),
        ("RUNNING", "CLOSED", "east-admin"), ("CLOSED", "EVALUATED", "institute-admin")]
    assert read["history"]["edges"][2]["node"]["note"] == "预算偏高"
    assert read["orders"]["edges"] == [{"node": {"id": order, "projectId": pid}}]
    assert read["figures"] == {"ordersTotal": 1, "ordersServed": 1, "completionRate": 1.0, "approvedHours": 1.0,
                               "ratings": 1, "meanRating": 5.0}
    # 40 x completion 1 + 30 x rating 5/5 + 30 x 0.90 = 97: grade A (85 and above)
    assert read["evaluation"] == {"figures": {"ordersServed": 1, "approvedHours": 1.0, "meanRating": 5.0},
                                  "budgetUsed": 0.8, "reviewerScore": 90, "score": 97, "grade": "A",
                                  "reviewer": "institute-admin", "residentsReached": 120}

    # the library: every station's staff finds it by domain, grade and region, and copies it
    found = api.data_as(west, LIBRARY, {"domain": "HEALTH", "grade": "A", "region": world["center"]})
    assert [e["node"]["id"] for e in found["projectLibrary"]["edges"]] == [pid]
    for other in ({"grade": "B"}, {"domain": "LAW"}, {"region": world["west"]}):
        assert api.data_as(west, LIBRARY, other)["projectLibrary"]["totalCount"] == 0, other
    copy = ok_as(api, west, COPY, {"entry": pid, "unit": world["west"], "startsOn": "2027-01-01",
                                   "endsOn": "2027-06-30"}, "projectCopy")
    assert (copy["state"], copy["copiedFromId"], copy["unit"]["id"], copy["budgetFen"]) == (
        "DRAFT", pid, world["west"], 300_000)
    assert (copy["serviceItems"], copy["stations"]) == ([{"id": world["item"]}], [])
    into_east = as_(api, west, COPY, {"entry": pid, "unit": world["east"], "startsOn": "2027-01-01",
                                      "endsOn": "2027-06-30"}, "projectCopy")
    assert errors(into_east) == [(["input"], "FORBIDDEN")], "a copy goes to a unit of one's own"


def test_a_center_project_is_decided_by_other_center_staff(api: DispatchClient, world: dict[str, Any],
                                                            settings: Settings, engine: Engine) -> None:
    center = staff(settings, engine, "center-admin", world["center"])
    center2 = staff(settings, engine, "center-admin-2", world["center"])
    center3 = staff(settings, engine, "center-admin-3", world["center"])
    institute = staff(settings, engine, "institute-admin", world["institute"])
    project = ok_as(api, center, CREATE, project_input(world, unit=world["center"]), "projectCreate")
    ok_as(api, center, SUBMIT, {"project": project["id"]}, "projectSubmit")
    assert errors(as_(api, institute, APPROVE, {"project": project["id"]}, "projectApprove")) == [
        (["input", "project"], "NOT_FOUND")], "staff below do not read the center's drafts"
    assert errors(as_(api, center, APPROVE, {"project": project["id"]}, "projectApprove")) == [
        (["input", "project"], "OWN_REQUEST")]
    ok_as(api, center2, RETURN, {"project": project["id"], "reason": "补充目标"}, "projectReturn")
    ok_as(api, center3, SUBMIT, {"project": project["id"]}, "projectSubmit")
    assert errors(as_(api, center, APPROVE, {"project": project["id"]}, "projectApprove")) == [
        (["input", "project"], "OWN_REQUEST")], "nor by one who submitted it before a return"
    assert ok_as(api, center2, APPROVE, {"project": project["id"]}, "projectApprove")["state"] == "APPROVED"


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"serviceItems": ["U2VydmljZUl0ZW06OTk5OTk5"]}, ["input", "serviceItems", "0"], "NOT_FOUND"),
    ({"serviceItems": []}, ["input", "serviceItems"], "REQUIRED"),
    ({"startsOn": "2026-12-31", "endsOn": "2026-12-01"}, ["input", "endsOn"], "OUT_OF_RANGE"),
    ({"budgetFen": -1}, ["input", "budgetFen"], "OUT_OF_RANGE"),
    ({"name": " "}, ["input", "name"], "REQUIRED"),
    ({"stations": ["west"]}, ["input", "stations"], "OUT_OF_RANGE"),
    ({"unit": "institute", "stations": ["institute"]}, ["input", "stations", "0"], "INVALID"),
    ({"serviceItems": ["item"] * 21}, ["input", "serviceItems"], "TOO_LARGE"),
])
def test_bad_project_input_is_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                                            change: dict[str, Any], field: list[str],
                                                            code: str) -> None:
    before = counts(engine)
    def named(value: Any) -> Any:  # "west" -> the west station's id
        return [named(v) for v in value] if isinstance(value, list) else world.get(value, value)

    data = project_input(world, **{k: named(v) for k, v in change.items()})
    payload = api.data(CREATE, {"input": data})["projectCreate"]
    assert payload["project"] is None
    assert errors(payload) == [(field, code)], payload["userErrors"]
    assert counts(engine) == before


def test_an_order_names_a_running_project_for_its_items_stations_and_period(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    east = staff(settings, engine, "east-admin", world["east"])
    institute = staff(settings, engine, "institute-admin", world["institute"])
    pid = ok_as(api, east, CREATE, project_input(world, endsOn="2026-12-06"), "projectCreate")["id"]
    for step, token, document in (("projectSubmit", east, SUBMIT), ("projectApprove", institute, APPROVE),
                                  ("projectStart", east, START)):
        ok_as(api, token, document, {"project": pid}, step)
    orders_before = api.data("query { orders { totalCount } }")["orders"]["totalCount"]
    late = activity(api, world, pid)
    assert errors(late) == [(["input", "windowStart"], "OUT_OF_RANGE")], "the project ended the day before"
    ok_as(api, east, CLOSE, {"project": pid, "spentFen": 0}, "projectClose")
    closed = activity(api, world, pid)
    assert sorted(c for _, c in errors(closed)) == ["ILLEGAL_TRANSITION", "OUT_OF_RANGE"]
    assert errors(activity(api, world, "UHJvamVjdDo5OTk5OTk=")) == [(["input", "project"], "NOT_FOUND")]
    assert api.data("query { orders { totalCount } }")["orders"]["totalCount"] == orders_before
    assert activity(api, world, None)["userErrors"] == [], "an order needs no project"


def test_unknown_ids_in_steps(api: DispatchClient, world: dict[str, Any]) -> None:
    missing = api.data(SUBMIT, {"input": {"project": "UHJvamVjdDo5OTk5OTk="}})["projectSubmit"]
    assert errors(missing) == [(["input", "project"], "NOT_FOUND")]
    wrong = api.data(SUBMIT, {"input": {"project": world["east"]}})["projectSubmit"]
    assert errors(wrong) == [(["input", "project"], "MALFORMED_ID")]


def closed_project(api: DispatchClient, world: dict[str, Any], institute: str) -> str:
    """A station project without orders, submitted by the platform admin, approved by the institute, closed."""
    pid: str = api.ok(CREATE, {"input": project_input(world)}, "projectCreate")["project"]["id"]
    api.ok(SUBMIT, {"input": {"project": pid}}, "projectSubmit")
    ok_as(api, institute, APPROVE, {"project": pid}, "projectApprove")
    api.ok(START, {"input": {"project": pid}}, "projectStart")
    api.ok(CLOSE, {"input": {"project": pid, "spentFen": 0}}, "projectClose")
    return pid


def test_the_grade_thresholds_are_configuration(api: DispatchClient, world: dict[str, Any], settings: Settings,
                                                engine: Engine) -> None:
    institute = staff(settings, engine, "institute-admin", world["institute"])
    # no orders served, no ratings: 40 x 0 + 30 x 0 + 30 x 1.00 = 30, below the default C (60)
    ungraded = closed_project(api, world, institute)
    ok_as(api, institute, EVALUATE, {"project": ungraded, "reviewerScore": 100}, "projectEvaluate")
    evaluation = api.data(PROJECT, {"id": ungraded})["project"]["evaluation"]
    assert (evaluation["score"], evaluation["grade"]) == (30, None)
    assert api.data(LIBRARY, {})["projectLibrary"]["totalCount"] == 0
    refused = api.data(COPY, {"input": {"entry": ungraded, "unit": world["west"], "startsOn": "2027-01-01",
                                        "endsOn": "2027-01-31"}})["projectCopy"]
    assert errors(refused) == [(["input", "entry"], "NOT_FOUND")], "only graded projects are in the library"
    again = as_(api, institute, EVALUATE, {"project": ungraded, "reviewerScore": 100}, "projectEvaluate")
    assert errors(again) == [(["input", "project"], "ILLEGAL_TRANSITION")], "a project is evaluated once"

    county = replace(settings, projects=read_settings({"WENMING_PROJECT_GRADES": "A:90,B:50,C:20"}).projects)
    lenient = DispatchClient(county, engine)
    try:
        graded = closed_project(lenient, world, institute)
        lenient.data_as(institute, EVALUATE, {"input": {"project": graded, "reviewerScore": 100}})
        assert lenient.data(PROJECT, {"id": graded})["project"]["evaluation"]["grade"] == "C"
        assert [e["node"]["id"] for e in lenient.data(LIBRARY, {"grade": "C"})["projectLibrary"]["edges"]] == [graded]
    finally:
        lenient.close()


def test_project_grades_read_from_the_environment() -> None:
    assert read_settings({}).projects.grade(85) == "A"
    assert read_settings({}).projects.grade(59) is None
    assert read_settings({"WENMING_PROJECT_GRADES": "A:95,B:80"}).projects.grade(85) == "B"
    for value in ("A:70,B:80", "A:90,A:80", "D:10", "A:101", "A:ninety"):
        with pytest.raises(SettingsError, match="WENMING_PROJECT_GRADES"):
            read_settings({"WENMING_PROJECT_GRADES": value})


BRANDS = ("“市民大讲堂”理论宣讲平台", "“市民修身立德”工程", "“同城伙伴”新市民素质提升工程", "三级心理健康体系建设工程",
          "“文明12条”专项行动", "美丽昆山建设和创建文明城市网格化挂钩机制", "“空中演播室”云上宣讲平台")
ALL = "query { projects(first: 100) { edges { node { name state unit { level } orders { totalCount } } } } }"


def test_the_kunshan_example_has_its_brand_projects_in_every_state_and_a_graded_library(
        api: DispatchClient, settings: Settings, engine: Engine) -> None:
    load_city_into(engine, "kunshan", volunteers=300, seed=2, secret_key=settings.secret_key)
    projects = [e["node"] for e in api.data(ALL)["projects"]["edges"]]
    assert {p["name"]: p["unit"]["level"] for p in projects if p["name"] in BRANDS} == dict.fromkeys(BRANDS, "CENTER")
    assert {p["state"] for p in projects} == {"DRAFT", "SUBMITTED", "APPROVED", "RETURNED", "RUNNING", "CLOSED",
                                              "EVALUATED"}
    (running,) = [p for p in projects if p["state"] == "RUNNING"]
    assert running["orders"]["totalCount"] > 0, "the running project takes the day's orders for its items"
    library = api.data(LIBRARY, {})["projectLibrary"]
    assert library["totalCount"] == len([p for p in projects if p["state"] == "EVALUATED"]) == 5
    grades = {g: api.data(LIBRARY, {"grade": g})["projectLibrary"]["totalCount"] for g in ("A", "B", "C")}
    assert grades == {"A": 3, "B": 1, "C": 1}, grades
