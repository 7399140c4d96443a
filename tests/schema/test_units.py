"""The practice network through the API: tree navigation, filters, and unit mutations."""

from __future__ import annotations

import base64

import pytest

from tests.documents import UNIT_COUNT, UNIT_CREATE, UNIT_MOVE, UNIT_UPDATE
from tests.schema.support import GraphQLClient, create_skill, create_unit, unique

TREE = """
query Tree($id: ID!) {
  node(id: $id) {
    ... on Unit {
      name level depth
      parent { name }
      children { name level children { name } }
      descendants(maxDepth: 1) { name }
      counts { stations volunteers openOrders }
    }
  }
}
"""

ANCESTORS = """
query Ancestors($id: ID!) { node(id: $id) { ... on Unit { ancestors { name level } parent { name } } } }
"""

UNITS = """
query Units($level: UnitLevel, $nameContains: String, $parent: ID, $near: GeoCircleInput) {
  units(level: $level, nameContains: $nameContains, parent: $parent, near: $near) {
    totalCount
    edges { node { name } }
  }
}
"""

UNIT_DELETE = """
mutation UnitDelete($input: UnitDeleteInput!) {
  unitDelete(input: $input) { deletedId userErrors { field message code } }
}
"""


@pytest.fixture
def tree(api: GraphQLClient) -> dict[str, str]:
    """邳州 center -> 运河 and 邳城 institutes -> two stations under 运河, one under 邳城."""
    center = create_unit(api, "CENTER", name="邳州中心", lat=34.33, lon=117.96)
    yunhe = create_unit(api, "INSTITUTE", center, name="运河所", lat=34.31, lon=117.95)
    picheng = create_unit(api, "INSTITUTE", center, name="邳城所", lat=34.47, lon=117.84)
    return {
        "center": center,
        "yunhe": yunhe,
        "picheng": picheng,
        "xinhua": create_unit(api, "STATION", yunhe, name="新华站", lat=34.32, lon=117.95),
        "guiyuan": create_unit(api, "STATION", yunhe, name="桂园站", lat=34.30, lon=117.94),
        "denglou": create_unit(api, "STATION", picheng, name="邓楼站", lat=34.48, lon=117.85),
    }


def test_tree_navigation_from_the_center(api: GraphQLClient, tree: dict[str, str]) -> None:
    # when
    unit = api.data(TREE, {"id": tree["center"]})["node"]
    # then
    assert unit["name"] == "邳州中心" and unit["level"] == "CENTER" and unit["depth"] == 0
    assert unit["parent"] is None
    assert unit["children"] == [
        {"name": "运河所", "level": "INSTITUTE", "children": [{"name": "新华站"}, {"name": "桂园站"}]},
        {"name": "邳城所", "level": "INSTITUTE", "children": [{"name": "邓楼站"}]},
    ]
    assert unit["descendants"] == [{"name": "运河所"}, {"name": "邳城所"}]
    assert unit["counts"] == {"stations": 3, "volunteers": 0, "openOrders": 0}


def test_ancestors_run_from_the_center_down(api: GraphQLClient, tree: dict[str, str]) -> None:
    unit = api.data(ANCESTORS, {"id": tree["guiyuan"]})["node"]
    assert unit["ancestors"] == [{"name": "邳州中心", "level": "CENTER"}, {"name": "运河所", "level": "INSTITUTE"}]
    assert unit["parent"] == {"name": "运河所"}


@pytest.mark.parametrize(
    ("variables", "names"),
    [
        ({"level": "STATION"}, ["新华站", "桂园站", "邓楼站"]),
        ({"nameContains": "运河"}, ["运河所"]),
        ({"level": "STATION", "near": {"lat": 34.31, "lon": 117.95, "radiusKm": 3}}, ["新华站", "桂园站"]),
        ({"near": {"lat": 34.48, "lon": 117.85, "radiusKm": 0.5}}, ["邓楼站"]),
    ],
    ids=["level", "name", "near-yunhe", "near-denglou"],
)
def test_units_filters(api: GraphQLClient, tree: dict[str, str], variables: dict, names: list[str]) -> None:
    units = api.data(UNITS, variables)["units"]
    assert [e["node"]["name"] for e in units["edges"]] == names
    assert units["totalCount"] == len(names)


def test_units_filter_by_parent(api: GraphQLClient, tree: dict[str, str]) -> None:
    units = api.data(UNITS, {"parent": tree["picheng"]})["units"]
    assert [e["node"]["name"] for e in units["edges"]] == ["邓楼站"]


def test_unit_create_under_an_institute(api: GraphQLClient, tree: dict[str, str]) -> None:
    payload = api.data(UNIT_CREATE, {"input": {
        "code": "PZ-NEW", "name": "  新站  ", "level": "STATION", "parent": tree["picheng"],
        "location": {"lat": 34.4, "lon": 117.9},
    }})["unitCreate"]
    assert payload["userErrors"] == []
    assert payload["unit"]["name"] == "新站"
    assert payload["unit"]["depth"] == 2
    assert payload["unit"]["parent"] == {"name": "邳城所"}


def _bad_create_cases(tree: dict[str, str], skill: str) -> list[tuple[dict, list[dict]]]:
    ok = {"code": unique("X"), "name": "站", "level": "STATION", "parent": tree["yunhe"],
          "location": {"lat": 34.3, "lon": 117.9}}
    return [
        ({**ok, "location": {"lat": 91, "lon": 117.9}},
         [{"field": ["input", "location", "lat"], "message": "location.lat must be within -90..90",
           "code": "OUT_OF_RANGE"}]),
        ({**ok, "location": {"lat": 34, "lon": -181}},
         [{"field": ["input", "location", "lon"], "message": "location.lon must be within -180..180",
           "code": "OUT_OF_RANGE"}]),
        ({**ok, "name": "   "},
         [{"field": ["input", "name"], "message": "name must not be empty", "code": "REQUIRED"}]),
        ({**ok, "parent": tree["center"]},
         [{"field": ["input", "parent"], "code": "LEVEL_MISMATCH",
           "message": f"a station must sit under a institute, but unit {_pk(tree['center'])} is a center: "
                      "choose a institute as parent"}]),
        ({**ok, "level": "CENTER", "parent": tree["center"]},
         [{"field": ["input", "parent"], "code": "CENTER_HAS_PARENT",
           "message": "a center is the root of its tree and takes no parent: leave parent empty"}]),
        ({**ok, "parent": "not-an-id"},
         [{"field": ["input", "parent"], "code": "MALFORMED_ID",
           "message": "parent: 'not-an-id' is not a global ID; pass an `id` value returned by this API"}]),
        ({**ok, "parent": skill},
         [{"field": ["input", "parent"], "code": "WRONG_TYPE",
           "message": "parent: expected the ID of a Unit, got the ID of a Skill"}]),
        ({**ok, "parent": "VW5pdDo5OTk5OQ=="},  # Unit:99999
         [{"field": ["input", "parent"], "code": "NOT_FOUND", "message": "parent: no Unit has this ID"}]),
    ]


def _pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


def test_unit_create_bad_input_gives_user_errors_and_writes_nothing(
    api: GraphQLClient, tree: dict[str, str]
) -> None:
    # given
    skill = create_skill(api)
    before = api.data(UNIT_COUNT)["units"]["totalCount"]
    for bad_input, expected in _bad_create_cases(tree, skill):
        # when
        payload = api.data(UNIT_CREATE, {"input": bad_input})["unitCreate"]
        # then
        assert payload == {"unit": None, "userErrors": expected}, bad_input
    assert api.data(UNIT_COUNT)["units"]["totalCount"] == before


def test_unit_create_reports_every_problem_at_once(api: GraphQLClient, tree: dict[str, str]) -> None:
    payload = api.data(UNIT_CREATE, {"input": {
        "code": "", "name": "", "level": "STATION", "parent": tree["yunhe"], "location": {"lat": -95, "lon": 200},
    }})["unitCreate"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "code"], "REQUIRED"),
        (["input", "name"], "REQUIRED"),
        (["input", "location", "lat"], "OUT_OF_RANGE"),
        (["input", "location", "lon"], "OUT_OF_RANGE"),
    ]


def test_duplicate_unit_code_is_refused(api: GraphQLClient, tree: dict[str, str]) -> None:
    first = {"code": "PZ-DUP", "name": "站一", "level": "STATION", "parent": tree["yunhe"],
             "location": {"lat": 34.3, "lon": 117.9}}
    assert api.data(UNIT_CREATE, {"input": first})["unitCreate"]["userErrors"] == []
    payload = api.data(UNIT_CREATE, {"input": {**first, "name": "站二"}})["unitCreate"]
    assert payload["userErrors"] == [{"field": ["input", "code"], "code": "DUPLICATE",
                                      "message": "code: a unit with this value already exists"}]


def test_unit_update_changes_only_given_fields(api: GraphQLClient, tree: dict[str, str]) -> None:
    payload = api.data(UNIT_UPDATE, {"input": {
        "id": tree["xinhua"], "contactPhone": "13912345678",
        "fiveHaves": {"site": True, "feature": True, "featureNote": "板凳课堂"},
    }})["unitUpdate"]
    assert payload["userErrors"] == []
    assert payload["unit"] == {
        "name": "新华站", "contactPhone": "139****5678", "location": {"lat": 34.32, "lon": 117.95},
        "fiveHaves": {"site": True, "feature": True, "featureNote": "板凳课堂"},
    }


def test_unit_move_rewrites_the_subtree(api: GraphQLClient, tree: dict[str, str]) -> None:
    # when 新华站 moves from 运河所 to 邳城所
    payload = api.data(UNIT_MOVE, {"input": {"id": tree["xinhua"], "parent": tree["picheng"]}})["unitMove"]
    # then
    assert payload == {"unit": {"id": tree["xinhua"], "name": "新华站", "depth": 2,
                                "ancestors": [{"name": "邳州中心"}, {"name": "邳城所"}]},
                       "userErrors": []}
    children = api.data(TREE, {"id": tree["center"]})["node"]["children"]
    assert [c["children"] for c in children] == [[{"name": "桂园站"}], [{"name": "新华站"}, {"name": "邓楼站"}]]


MOVE_REFUSALS = [
    ("yunhe", "xinhua", "CYCLE"),  # an institute under its own station
    ("xinhua", "center", "LEVEL_MISMATCH"),  # a station under the center
    ("yunhe", "picheng", "LEVEL_MISMATCH"),  # an institute under an institute
    ("xinhua", None, "LEVEL_MISMATCH"),  # a station as a root
]


def test_unit_move_refusals_change_nothing(api: GraphQLClient, tree: dict[str, str]) -> None:
    before = api.data(TREE, {"id": tree["center"]})
    for unit, parent, code in MOVE_REFUSALS:
        payload = api.data(UNIT_MOVE, {"input": {"id": tree[unit], "parent": tree[parent] if parent else None}})
        assert payload["unitMove"]["unit"] is None
        assert [(e["field"], e["code"]) for e in payload["unitMove"]["userErrors"]] == [(["input", "parent"], code)]
    assert api.data(TREE, {"id": tree["center"]}) == before


def test_unit_delete_refuses_a_unit_with_children(api: GraphQLClient, tree: dict[str, str]) -> None:
    payload = api.data(UNIT_DELETE, {"input": {"id": tree["picheng"]}})["unitDelete"]
    assert payload == {"deletedId": None, "userErrors": [
        {"field": ["input", "id"], "message": "the unit has children: move or delete them first",
         "code": "HAS_CHILDREN"}]}
    assert api.data(UNIT_COUNT)["units"]["totalCount"] == 6


def test_unit_delete_removes_a_leaf(api: GraphQLClient, tree: dict[str, str]) -> None:
    payload = api.data(UNIT_DELETE, {"input": {"id": tree["denglou"]}})["unitDelete"]
    assert payload == {"deletedId": tree["denglou"], "userErrors": []}
    assert api.data(TREE, {"id": tree["picheng"]})["node"]["children"] == []


DESCENDANTS = """
query Descendants($id: ID!) {
  node(id: $id) { ... on Unit { descendants { name } shallow: descendants(maxDepth: 0) { name } } }
  units(level: INSTITUTE) { edges { node { name descendants(maxDepth: 1) { name } } } }
}
"""


def test_descendants_of_one_unit_and_of_a_list(api: GraphQLClient, tree: dict[str, str]) -> None:
    data = api.data(DESCENDANTS, {"id": tree["center"]})
    assert data["node"] == {
        "descendants": [{"name": n} for n in ("运河所", "邳城所", "新华站", "桂园站", "邓楼站")],
        "shallow": [],
    }
    assert [(e["node"]["name"], [d["name"] for d in e["node"]["descendants"]]) for e in data["units"]["edges"]] == [
        ("运河所", ["新华站", "桂园站"]),
        ("邳城所", ["邓楼站"]),
    ]
