"""The civility self-assessment through the API (served by uvicorn, SQLite and PostgreSQL): a
questionnaire with weighted items, households' responses entered by their stations (once each),
the index per station aggregated up the tree with response counts, no answers of a few
households shown above their station; bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.localtime import LOCAL_TZ
from db.models import Role
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient
from tests.schema.support import create_unit
from wenming.settings import Settings

ERRORS = "userErrors { field message code }"
CREATE = ("mutation Q($input: CivilityQuestionnaireCreateInput!) { civilityQuestionnaireCreate(input: $input) { "
          f"questionnaire {{ id title items {{ position weight maxScore }} }} {ERRORS} }} }}")
SUBMIT = ("mutation S($input: CivilityResponseSubmitInput!) { civilityResponseSubmit(input: $input) { "
          f"response {{ id station {{ id }} }} {ERRORS} }} }}")
PART = "unit { id } responses index items { position meanScore maxScore }"
INDEX = (f"query I($q: ID!, $u: ID!) {{ civilityIndex(questionnaire: $q, unit: $u) {{ {PART} "
         f"parts {{ {PART} parts {{ {PART} }} }} }} }}")
WEIGHTS = (50, 30, 20)
TODAY = dt.datetime.now(LOCAL_TZ).date()


def questionnaire_input(unit: str, **overrides: Any) -> dict[str, Any]:
    return {"unit": unit, "title": "2026年第四季度修身立德自评", "validFrom": str(TODAY - dt.timedelta(days=1)),
            "validUntil": str(TODAY + dt.timedelta(days=30)),
            "items": [{"text": t, "weight": w, "maxScore": 5} for t, w in zip(("孝老爱亲", "邻里和睦", "移风易俗"),
                                                                             WEIGHTS, strict=True)], **overrides}


def expected(responses: list[list[int]]) -> float:
    return round(sum(sum(w * s / 5 for w, s in zip(WEIGHTS, r, strict=True)) for r in responses) / len(responses), 2)


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model.__table__)).scalar_one())


def codes(payload: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.fixture
def survey(api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> dict[str, Any]:
    """A questionnaire of the center; five households answered at the east station, two at the west."""
    q = api.ok(CREATE, {"input": questionnaire_input(world["center"])}, "civilityQuestionnaireCreate")
    tokens = {s: token_for(settings, engine, f"{s}-staff", [(Role.DISPATCHER, {"unit_id": pk(world[s])})])
              for s in ("east", "west")}
    answers = {"east": [[5, 4, 3], [4, 4, 4], [5, 5, 5], [3, 2, 1], [2, 5, 4]], "west": [[1, 2, 3], [5, 5, 4]]}
    for station, scores in answers.items():
        for i, row in enumerate(scores):
            payload = api.data_as(tokens[station], SUBMIT, {"input": {
                "questionnaire": q["questionnaire"]["id"], "station": world[station], "household": f"{station} {i}号",
                "scores": row}})["civilityResponseSubmit"]
            assert payload["userErrors"] == [], payload
    return {"q": q["questionnaire"]["id"], "tokens": tokens, "answers": answers}


def test_the_index_aggregates_up_the_tree_with_counts_and_hides_few_households_above_their_station(
        api: DispatchClient, world: dict[str, Any], survey: dict[str, Any], settings: Settings,
        engine: Engine) -> None:
    answers = survey["answers"]
    center = api.data(INDEX, {"q": survey["q"], "u": world["center"]})["civilityIndex"]
    assert center["responses"] == 7 and center["index"] == expected(answers["east"] + answers["west"])
    assert [m["meanScore"] for m in center["items"]] == [
        round(sum(r[i] for r in answers["east"] + answers["west"]) / 7, 2) for i in range(3)]
    (institute,) = center["parts"]
    assert (institute["unit"]["id"], institute["responses"], institute["index"]) == (
        world["institute"], 7, center["index"])
    parts = {p["unit"]["id"]: p for p in institute["parts"]}
    assert (parts[world["east"]]["responses"], parts[world["east"]]["index"]) == (5, expected(answers["east"]))
    assert (parts[world["west"]]["responses"], parts[world["west"]]["index"], parts[world["west"]]["items"]) == (
        2, None, []), "two households' answers are not shown above their station"

    # the station's own staff see its index; each station's staff count only their own responses
    west = api.data_as(survey["tokens"]["west"], INDEX, {"q": survey["q"], "u": world["west"]})["civilityIndex"]
    assert (west["responses"], west["index"]) == (2, expected(answers["west"]))
    seen = api.data_as(survey["tokens"]["east"], INDEX, {"q": survey["q"], "u": world["center"]})["civilityIndex"]
    assert (seen["responses"], seen["index"]) == (5, expected(answers["east"]))
    institute_admin = token_for(settings, engine, "institute-admin",
                                [(Role.UNIT_ADMIN, {"unit_id": pk(world["institute"])})])
    above = api.data_as(institute_admin, INDEX, {"q": survey["q"], "u": world["west"]})["civilityIndex"]
    assert (above["responses"], above["index"]) == (2, None)

    # nothing stored names a household: only keyed fingerprints
    with engine.connect() as conn:
        stored = conn.execute(select(models.CivilityResponse.__table__.c.household_fingerprint)).scalars().all()
    assert len(stored) == 7 and all(len(f) == 64 and "号" not in f for f in stored)

    # a resident may not read indexes at all
    resident = token_for(settings, engine, "resident", [(Role.RESIDENT, {})])
    refused = api.client.post("/graphql", json={"query": INDEX, "variables": {"q": survey["q"], "u": world["east"]}},
                              headers={"Authorization": f"Bearer {resident}"}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_household_answers_once_and_bad_responses_are_refused_with_nothing_written(
        api: DispatchClient, world: dict[str, Any], survey: dict[str, Any], engine: Engine) -> None:
    east = survey["tokens"]["east"]
    base = {"questionnaire": survey["q"], "station": world["east"], "household": "east 0号", "scores": [1, 1, 1]}
    past = api.ok(CREATE, {"input": questionnaire_input(world["center"], validFrom="2025-01-01",
                                                        validUntil="2025-03-31")},
                  "civilityQuestionnaireCreate")["questionnaire"]["id"]
    foreign = create_unit(api, "CENTER")
    before = (count(engine, models.CivilityResponse), count(engine, models.CivilityAnswer))
    for change, field, code, who in (
            ({"household": " east  0号 "}, ["input", "household"], "DUPLICATE", east),
            ({"household": "new", "scores": [1, 1]}, ["input", "scores"], "INVALID", east),
            ({"household": "new", "scores": [1, 6, 1]}, ["input", "scores", "1"], "OUT_OF_RANGE", east),
            ({"household": "new", "scores": [1, -1, 1]}, ["input", "scores", "1"], "OUT_OF_RANGE", east),
            ({"household": ""}, ["input", "household"], "REQUIRED", east),
            ({"household": "new", "station": world["institute"]}, ["input", "station"], "INVALID", None),
            ({"household": "new", "station": foreign}, ["input", "station"], "INVALID", None),
            ({"household": "new", "questionnaire": past}, ["input", "questionnaire"], "NOT_AVAILABLE", east),
            ({"household": "new", "station": world["west"]}, ["input"], "FORBIDDEN", east)):
        variables = {"input": {**base, **change}}
        data = api.data(SUBMIT, variables) if who is None else api.data_as(who, SUBMIT, variables)
        payload = data["civilityResponseSubmit"]
        assert payload["response"] is None and codes(payload) == [(field, code)], (change, payload["userErrors"])
    assert (count(engine, models.CivilityResponse), count(engine, models.CivilityAnswer)) == before


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"items": [{"text": "孝老爱亲", "weight": 50}, {"text": "邻里和睦", "weight": 40}]},
     ["input", "items"], "INVALID"),
    ({"items": [{"text": "孝老爱亲", "weight": 0}, {"text": "邻里和睦", "weight": 100}]},
     ["input", "items", "0", "weight"], "OUT_OF_RANGE"),
    ({"items": [{"text": "孝老爱亲", "weight": 100, "maxScore": 11}]}, ["input", "items", "0", "maxScore"],
     "OUT_OF_RANGE"),
    ({"items": []}, ["input", "items"], "REQUIRED"),
    ({"items": [{"text": " ", "weight": 100}]}, ["input", "items", "0", "text"], "REQUIRED"),
    ({"validFrom": "2026-12-31", "validUntil": "2026-12-01"}, ["input", "validUntil"], "OUT_OF_RANGE"),
])
def test_bad_questionnaires_are_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any],
                                                             engine: Engine, change: dict[str, Any], field: list[str],
                                                             code: str) -> None:
    payload = api.data(CREATE, {"input": questionnaire_input(world["center"], **change)})
    assert codes(payload["civilityQuestionnaireCreate"]) == [(field, code)]
    assert count(engine, models.CivilityQuestionnaire) == count(engine, models.CivilityItem) == 0


def test_a_station_admin_creates_questionnaires_for_his_station_only(api: DispatchClient, world: dict[str, Any],
                                                                     settings: Settings, engine: Engine) -> None:
    admin = token_for(settings, engine, "east-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["east"])})])
    own = api.data_as(admin, CREATE, {"input": questionnaire_input(world["east"])})["civilityQuestionnaireCreate"]
    assert own["userErrors"] == [] and [i["weight"] for i in own["questionnaire"]["items"]] == list(WEIGHTS)
    above = api.data_as(admin, CREATE, {"input": questionnaire_input(world["center"])})["civilityQuestionnaireCreate"]
    assert codes(above) == [(["input"], "FORBIDDEN")]
    listed = api.data_as(admin, "query Q($u: ID!) { civilityQuestionnaires(unit: $u) { edges { node { id } } } }",
                         {"u": world["east"]})["civilityQuestionnaires"]["edges"]
    assert [e["node"]["id"] for e in listed] == [own["questionnaire"]["id"]]
