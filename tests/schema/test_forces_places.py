"""Teams, skills, departments, practice bases and points through the API, with their refusals."""

from __future__ import annotations

from unittest.mock import ANY

import pytest

from tests.documents import SKILL_CREATE, TEAM_CREATE, TEAM_UPDATE
from tests.schema.support import GraphQLClient, create_team, create_unit

TEAMS = """
query Teams($kind: TeamKind, $unitSubtree: ID) {
  teams(kind: $kind, unitSubtree: $unitSubtree) { totalCount edges { node { name children { name } } } }
}
"""

DEPARTMENT_CREATE = """
mutation DepartmentCreate($input: DepartmentCreateInput!) {
  departmentCreate(input: $input) { department { name unit { name } } userErrors { field message code } }
}
"""

BASE_CREATE = """
mutation PracticeBaseCreate($input: PracticeBaseCreateInput!) {
  practiceBaseCreate(input: $input) { practiceBase { name category unit { name } } userErrors { field code } }
}
"""

POINT_CREATE = """
mutation PracticePointCreate($input: PracticePointCreateInput!) {
  practicePointCreate(input: $input) { practicePoint { name category } userErrors { field code } }
}
"""

PLACES = """
query Places($id: ID!) {
  node(id: $id) { ... on Unit { bases { name } points { name } departments { name } teams { name } } }
  practiceBases(category: RED_HERITAGE) { totalCount }
  withBase: units(baseCategory: RED_HERITAGE) { edges { node { name } } }
  withPoint: units(pointCategory: SELF_SERVICE_LIBRARY) { edges { node { name } } }
  withoutMatch: units(pointCategory: CONSTRUCTION_SITE) { totalCount }
}
"""


@pytest.fixture
def units(api: GraphQLClient) -> dict[str, str]:
    center = create_unit(api, "CENTER", name="昆山中心")
    institute = create_unit(api, "INSTITUTE", center, name="周庄所")
    return {"center": center, "institute": institute, "station": create_unit(api, "STATION", institute)}


def test_corps_detachment_team_nesting(api: GraphQLClient, units: dict[str, str]) -> None:
    corps = create_team(api, units["center"], kind="CORPS", domain=None)
    detachment = create_team(api, units["institute"], kind="DETACHMENT", domain=None, parent=corps)
    payload = api.data(TEAM_CREATE, {"input": {
        "code": "KS-T1", "name": "周庄志愿服务队", "kind": "TEAM", "unit": units["institute"], "parent": detachment,
    }})["teamCreate"]
    assert payload == {"userErrors": [], "team": {
        "id": ANY, "name": "周庄志愿服务队", "kind": "TEAM", "domain": None, "parent": {"name": "健康邳州志愿服务队"},
        "unit": {"name": "周庄所"}}}
    teams = api.data(TEAMS, {"kind": "CORPS"})["teams"]
    assert teams["edges"][0]["node"]["children"] == [{"name": "健康邳州志愿服务队"}]
    assert api.data(TEAMS, {"unitSubtree": units["institute"]})["teams"]["totalCount"] == 2


def test_team_refusals(api: GraphQLClient, units: dict[str, str]) -> None:
    team = create_team(api, units["station"], kind="TEAM", domain=None)
    cases = [
        ({"kind": "SPECIALIST", "domain": None}, [(["input", "domain"], "REQUIRED")]),
        ({"kind": "DETACHMENT", "parent": team}, [(["input", "parent"], "LEVEL_MISMATCH")]),
        ({"kind": "CORPS", "parent": team}, [(["input", "parent"], "LEVEL_MISMATCH")]),
        ({"kind": "TEAM", "unit": team}, [(["input", "unit"], "WRONG_TYPE")]),
        ({"kind": "TEAM", "name": ""}, [(["input", "name"], "REQUIRED")]),
    ]
    for overrides, expected in cases:
        team_input = {"code": "KS-X", "name": "队", "unit": units["station"], **overrides}
        payload = api.data(TEAM_CREATE, {"input": team_input})["teamCreate"]
        assert payload["team"] is None, overrides
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected, overrides
    assert api.data(TEAMS)["teams"]["totalCount"] == 1


def test_team_update(api: GraphQLClient, units: dict[str, str]) -> None:
    team = create_team(api, units["center"])
    changes = {"name": "健康队", "description": "义诊", "domain": "HEALTH"}
    payload = api.data(TEAM_UPDATE, {"input": {"id": team, **changes}})
    assert payload["teamUpdate"] == {"userErrors": [], "team": changes}
    blank = api.data(TEAM_UPDATE, {"input": {"id": team, "name": " "}})
    assert blank["teamUpdate"] == {"team": None, "userErrors": [
        {"field": ["input", "name"], "message": "name must not be empty", "code": "REQUIRED"}]}


def test_skill_create_and_duplicate_code(api: GraphQLClient) -> None:
    created = api.data(SKILL_CREATE, {"input": {"code": "lawyer", "name": "律师", "domain": "LAW"}})
    assert created["skillCreate"] == {"userErrors": [], "skill": {"id": ANY, "code": "lawyer", "name": "律师",
                                                                  "domain": "LAW"}}
    again = api.data(SKILL_CREATE, {"input": {"code": "lawyer", "name": "律师二"}})
    assert again["skillCreate"] == {"skill": None, "userErrors": [
        {"field": ["input", "code"], "message": "code: a skill with this value already exists", "code": "DUPLICATE"}]}


def test_departments_belong_to_centers(api: GraphQLClient, units: dict[str, str]) -> None:
    created = api.data(DEPARTMENT_CREATE, {"input": {"unit": units["center"], "name": "综合科"}})
    assert created["departmentCreate"] == {"userErrors": [],
                                           "department": {"name": "综合科", "unit": {"name": "昆山中心"}}}
    refused = api.data(DEPARTMENT_CREATE, {"input": {"unit": units["institute"], "name": "科技文卫科"}})
    assert refused["departmentCreate"]["department"] is None
    assert [(e["field"], e["code"]) for e in refused["departmentCreate"]["userErrors"]] == [
        (["input", "unit"], "NOT_A_CENTER")]


def test_bases_and_points(api: GraphQLClient, units: dict[str, str]) -> None:
    base = {"unit": units["institute"], "code": "KS-B1", "name": "周庄红色印记基地", "category": "RED_HERITAGE",
            "location": {"lat": 31.11, "lon": 120.85}}
    assert api.data(BASE_CREATE, {"input": base})["practiceBaseCreate"] == {"userErrors": [], "practiceBase": {
        "name": "周庄红色印记基地", "category": "RED_HERITAGE", "unit": {"name": "周庄所"}}}
    bad = api.data(BASE_CREATE, {"input": {**base, "code": "KS-B1", "location": {"lat": 95, "lon": 120.85}}})
    assert [(e["field"], e["code"]) for e in bad["practiceBaseCreate"]["userErrors"]] == [
        (["input", "code"], "DUPLICATE"), (["input", "location", "lat"], "OUT_OF_RANGE")]
    point = {"unit": units["institute"], "code": "KS-P1", "name": "24小时图书馆", "category": "SELF_SERVICE_LIBRARY",
             "location": {"lat": 31.12, "lon": 120.86}}
    assert api.data(POINT_CREATE, {"input": point})["practicePointCreate"]["userErrors"] == []
    create_team(api, units["institute"])
    places = api.data(PLACES, {"id": units["institute"]})
    assert places == {"node": {"bases": [{"name": "周庄红色印记基地"}], "points": [{"name": "24小时图书馆"}],
                               "departments": [], "teams": [{"name": "健康邳州志愿服务队"}]},
                      "practiceBases": {"totalCount": 1},
                      "withBase": {"edges": [{"node": {"name": "周庄所"}}]},
                      "withPoint": {"edges": [{"node": {"name": "周庄所"}}]},
                      "withoutMatch": {"totalCount": 0}}
