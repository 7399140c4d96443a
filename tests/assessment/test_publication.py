"""Publishing a quarter's ranking and reading a unit's trend, through the API (uvicorn, SQLite and
PostgreSQL): center staff publish a quarter that is over, once, audited; bad input gets a coded
error naming the field and writes nothing; staff reach only the subtrees they cover."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.models import Role
from examples.history import load_history_into
from tests.assessment.support import ASSESSMENT
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient, register_doctor
from tests.schema.support import create_unit
from wenming.settings import Settings, read_settings

PUBLISH = ("mutation P($input: AssessmentPublishInput!) { assessmentPublish(input: $input) { "
           "assessment { quarter scopeId publishedAt publishedBy normalisation weights { indicator weight } "
           "units(level: STATION) { edges { node { code score rank ranked contributions { indicator "
           "contribution } } } } } userErrors { field message code } } }")
PUBLISHED = ("query P($s: ID!, $q: String!) { assessmentPublication(scope: $s, quarter: $q) { quarter publishedBy "
             "units { totalCount edges { node { code level score rank } } } } }")
TREND = ("query T($u: ID!, $last: Int!) { assessmentTrend(unit: $u, last: $last) { quarter score rank ranked "
         "publishedAt } }")


def with_history(api: DispatchClient, world: dict[str, Any], engine: Engine) -> None:
    """Doctors at both stations and half a year of orders (April to September 2026)."""
    for station, lon in (("east", 117.95), ("west", 117.81)):
        for n in range(3):
            register_doctor(api, world[station], world["team"], world["doctor"], 34.33, lon, name=f"医生{n}")
    with engine.begin() as conn:
        load_history_into(conn, pk(world["center"]), dt.date(2026, 4, 1), days=183, orders_per_day=4)


def publications(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (int(conn.scalar(select(func.count()).select_from(models.AssessmentPublication)) or 0),
                int(conn.scalar(select(func.count()).select_from(models.AssessmentScore)) or 0))


def test_center_staff_publish_quarters_and_a_unit_reads_its_trend(api: DispatchClient, world: dict[str, Any],
                                                                  engine: Engine, settings: Settings) -> None:
    with_history(api, world, engine)
    admin = token_for(settings, engine, "center.admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["center"])})])
    live = api.data(ASSESSMENT, {"scope": world["center"], "quarter": "2026Q2"})["assessment"]["units"]

    out = api.data_as(admin, PUBLISH, {"input": {"scope": world["center"], "quarter": "2026Q2"}})["assessmentPublish"]
    assert out["userErrors"] == []
    published = out["assessment"]
    assert (published["quarter"], published["scopeId"], published["publishedBy"]) == (
        "2026Q2", world["center"], "center.admin")
    assert published["publishedAt"] is not None
    stations = published["units"]["edges"]
    assert [e["node"]["ranked"] for e in stations] == [2, 2]
    assert sorted(e["node"]["rank"] for e in stations) in ([1, 2], [1, 1])
    # the snapshot is what the live assessment said at the time
    live_scores = {e["node"]["code"]: e["node"]["score"] for e in live["edges"]}
    assert {e["node"]["code"]: e["node"]["score"] for e in stations} == {
        code: score for code, score in live_scores.items() if code in {e["node"]["code"] for e in stations}}
    assert publications(engine) == (1, 4)

    api.ok(PUBLISH, {"input": {"scope": world["center"], "quarter": "2026Q3"}}, "assessmentPublish")
    read = api.data(PUBLISHED, {"s": world["center"], "q": "2026Q3"})["assessmentPublication"]
    assert read["quarter"] == "2026Q3" and read["units"]["totalCount"] == 4
    assert api.data(PUBLISHED, {"s": world["center"], "q": "2025Q3"})["assessmentPublication"] is None

    trend = api.data(TREND, {"u": world["east"], "last": 8})["assessmentTrend"]
    assert [p["quarter"] for p in trend] == ["2026Q2", "2026Q3"]
    assert all(p["ranked"] == 2 for p in trend)
    assert [p["quarter"] for p in api.data(TREND, {"u": world["east"], "last": 1})["assessmentTrend"]] == ["2026Q3"]
    with engine.connect() as conn:
        by = conn.scalar(select(models.Account.username).join(
            models.AssessmentPublication, models.AssessmentPublication.published_by_account_id == models.Account.id)
            .where(models.AssessmentPublication.quarter == "2026Q2"))
    assert by == "center.admin"  # the audit names the signed-in account

    # a station's dispatcher reads his city's ranking and trend; another city's staff do not
    station = token_for(settings, engine, "east.dispatcher", [(Role.DISPATCHER, {"unit_id": pk(world["east"])})])
    assert api.data_as(station, TREND, {"u": world["west"], "last": 8})["assessmentTrend"] != []
    assert api.data_as(station, PUBLISHED, {"s": world["center"], "q": "2026Q3"})["assessmentPublication"]
    elsewhere = create_unit(api, "CENTER")
    stranger = token_for(settings, engine, "other.admin", [(Role.UNIT_ADMIN, {"unit_id": pk(elsewhere)})])
    for document, variables in ((TREND, {"u": world["east"], "last": 8}),
                                (PUBLISHED, {"s": world["center"], "q": "2026Q3"})):
        body = api.client.post("/graphql", json={"query": document, "variables": variables},
                               headers={"Authorization": f"Bearer {stranger}"}).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body


def test_bad_publications_are_refused_naming_the_field_with_nothing_written(
        api: DispatchClient, world: dict[str, Any], engine: Engine, settings: Settings) -> None:
    api.ok(PUBLISH, {"input": {"scope": world["center"], "quarter": "2026Q3"}}, "assessmentPublish")
    before = publications(engine)
    institute_admin = token_for(settings, engine, "institute.admin",
                                [(Role.UNIT_ADMIN, {"unit_id": pk(world["institute"])})])
    cases = [
        (api.headers["Authorization"], {"scope": world["center"], "quarter": "2026Q3"}, "DUPLICATE", "quarter"),
        (api.headers["Authorization"], {"scope": world["center"], "quarter": "2026Q5"}, "INVALID", "quarter"),
        (api.headers["Authorization"], {"scope": world["center"], "quarter": "2026Q4"}, "OUT_OF_RANGE", "quarter"),
        (api.headers["Authorization"], {"scope": world["institute"], "quarter": "2026Q2"}, "LEVEL_MISMATCH", "scope"),
        (f"Bearer {institute_admin}", {"scope": world["center"], "quarter": "2026Q2"}, "FORBIDDEN", None),
    ]
    for auth, data, code, field in cases:
        token = auth.removeprefix("Bearer ")
        errors = api.data_as(token, PUBLISH, {"input": data})["assessmentPublish"]["userErrors"]
        assert [e["code"] for e in errors] == [code], (data, errors)
        if field is not None:
            assert errors[0]["field"] == ["input", field], errors
    assert publications(engine) == before

    # a unit in a published ranking stays: it is in use
    delete = api.data("mutation D($input: UnitDeleteInput!) { unitDelete(input: $input) { userErrors { code "
                      "message } } }", {"input": {"id": world["west"]}})["unitDelete"]["userErrors"]
    assert [e["code"] for e in delete] == ["IN_USE"] and "published assessments" in delete[0]["message"]


def test_what_if_weights_are_checked_and_staff_read_only_their_subtree(
        api: DispatchClient, world: dict[str, Any], engine: Engine, settings: Settings) -> None:
    with_history(api, world, engine)
    what_if = [{"indicator": "mean_rating", "weight": 0.5}, {"indicator": "completion_rate", "weight": 0.5}]
    found = api.data(ASSESSMENT, {"scope": world["center"], "quarter": "2026Q3", "weights": what_if})["assessment"]
    assert {w["indicator"]: w["weight"] for w in found["weights"]} == {"mean_rating": 0.5, "completion_rate": 0.5}
    for node in (e["node"] for e in found["units"]["edges"]):
        weights = {c["indicator"]: c["weight"] for c in node["contributions"]}
        assert weights["mean_rating"] == 0.5 and weights["orders_received"] == 0.0

    refused = [
        ([{"indicator": "mean_rating", "weight": 0.5}, {"indicator": "completion_rate", "weight": 0.4}],
         "OUT_OF_RANGE", "sum to 0.9"),
        ([{"indicator": "speed", "weight": 1.0}], "NOT_FOUND", "not an indicator"),
        ([{"indicator": "mean_rating", "weight": 0.5}, {"indicator": "mean_rating", "weight": 0.5}],
         "DUPLICATE", "twice"),
    ]
    for weights, code, text in refused:
        body = api.execute(ASSESSMENT, {"scope": world["center"], "quarter": "2026Q3", "weights": weights})
        error = body["errors"][0]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, ["weights"]), error
        assert text in error["message"]
    body = api.execute(ASSESSMENT, {"scope": world["center"], "quarter": "Q3"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    assert publications(engine) == (0, 0)

    other_center = create_unit(api, "CENTER")
    dispatcher = token_for(settings, engine, "east.dispatcher", [(Role.DISPATCHER, {"unit_id": pk(world["east"])})])
    own = api.data_as(dispatcher, ASSESSMENT, {"scope": world["east"], "quarter": "2026Q3"})["assessment"]
    assert [e["node"]["code"] for e in own["units"]["edges"]] != []
    response = api.client.post("/graphql", json={"query": ASSESSMENT, "variables": {
        "scope": world["center"], "quarter": "2026Q3"}}, headers={"Authorization": f"Bearer {dispatcher}"})
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    analyst = token_for(settings, engine, "analyst", [(Role.ANALYST, {})])
    assert api.data_as(analyst, ASSESSMENT, {"scope": other_center, "quarter": "2026Q3"})["assessment"]["units"][
        "totalCount"] == 1
    resident = token_for(settings, engine, "resident", [(Role.RESIDENT, {})])
    refused_call = api.client.post("/graphql", json={"query": TREND, "variables": {"u": world["east"], "last": 2}},
                                   headers={"Authorization": f"Bearer {resident}"})
    assert refused_call.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_z_scores_from_configuration_centre_each_level(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                                       settings: Settings) -> None:
    with_history(api, world, engine)
    reconfigured = dataclasses.replace(settings, assessment=read_settings(
        {"WENMING_ASSESSMENT_NORMALISATION": "zscore"}).assessment)
    other = DispatchClient(reconfigured, engine)
    try:
        found = other.data(ASSESSMENT, {"scope": world["center"], "quarter": "2026Q3"})["assessment"]
    finally:
        other.close()
    assert found["normalisation"] == "zscore"
    stations = [e["node"] for e in found["units"]["edges"] if e["node"]["level"] == "STATION"]
    assert len(stations) == 2
    for key in ("orders_received", "completion_rate", "hours_per_volunteer"):
        z = [next(c["normalised"] for c in s["contributions"] if c["indicator"] == key) for s in stations]
        assert sum(z) == pytest.approx(0, abs=1e-9) and all(abs(v) in (0, pytest.approx(1)) for v in z), (key, z)
    for node in (e["node"] for e in found["units"]["edges"]):
        assert node["score"] == pytest.approx(sum(c["contribution"] for c in node["contributions"]), abs=1e-9)
