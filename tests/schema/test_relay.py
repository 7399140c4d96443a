"""Relay conventions: global IDs, node/nodes, cursor connections with a capped page size, and the
clean errors for malformed requests (never masked, always with a code)."""

from __future__ import annotations

import base64

from tests.documents import NODES
from tests.schema.support import GraphQLClient, create_skill, create_unit, create_units

NODE = """
query Node($id: ID!) { node(id: $id) { __typename id ... on Unit { name } ... on Skill { code } } }
"""

PAGE = """
query Page($first: Int, $after: String) {
  units(level: STATION, first: $first, after: $after) {
    totalCount
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

FILTER_BY_PARENT = "query ($parent: ID) { units(parent: $parent) { totalCount } }"


def test_global_ids_are_base64_of_type_and_key(api: GraphQLClient) -> None:
    center = create_unit(api, "CENTER", name="邳州中心")
    type_name, _, key = base64.b64decode(center).decode().partition(":")
    assert type_name == "Unit" and key.isdigit()
    assert api.data(NODE, {"id": center})["node"] == {"__typename": "Unit", "id": center, "name": "邳州中心"}


def test_nodes_keep_order_and_give_null_for_unknown_ids(api: GraphQLClient) -> None:
    center = create_unit(api, "CENTER")
    skill = create_skill(api, code="doctor")
    unknown = base64.b64encode(b"Unit:424242").decode()
    nodes = api.data(NODES, {"ids": [skill, unknown, center]})["nodes"]
    assert nodes == [{"__typename": "Skill", "id": skill}, None, {"__typename": "Unit", "id": center}]


def test_malformed_global_id_is_a_clean_error(api: GraphQLClient) -> None:
    body = api.execute(NODE, {"id": "VW5pdDp4"})  # "Unit:x"
    assert body["data"] == {"node": None}
    assert body["errors"] == [{
        "message": "id: 'VW5pdDp4' is not a global ID; pass an `id` value returned by this API",
        "locations": [{"line": 2, "column": 24}], "path": ["node"],
        "extensions": {"code": "MALFORMED_ID", "field": ["id"]},
    }]


def test_wrong_type_id_in_a_filter_is_a_clean_error(api: GraphQLClient) -> None:
    skill = create_skill(api)
    body = api.execute(FILTER_BY_PARENT, {"parent": skill})
    assert body["errors"][0]["message"] == "parent: expected the ID of a Unit, got the ID of a Skill"
    assert body["errors"][0]["extensions"] == {"code": "WRONG_TYPE", "field": ["parent"]}


def test_cursor_pages_walk_the_whole_list(api: GraphQLClient) -> None:
    # given 5 stations
    center = create_unit(api, "CENTER")
    institute = create_unit(api, "INSTITUTE", center)
    create_units(api, "STATION", institute, 5)
    # when paging two at a time
    names, after, pages = [], None, 0
    while True:
        page = api.data(PAGE, {"first": 2, "after": after})["units"]
        assert page["totalCount"] == 5
        names += [e["node"]["name"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then
    assert pages == 3
    assert names == [f"station {i}" for i in range(5)]


def test_page_size_over_the_maximum_names_first(api: GraphQLClient) -> None:
    body = api.execute(PAGE, {"first": 101})
    assert body["data"] is None
    assert body["errors"][0]["message"] == "first: 101 is over the maximum page size 100; page with `after`"
    assert body["errors"][0]["extensions"] == {"code": "PAGE_SIZE", "field": ["first"]}


def test_bad_cursor_is_a_clean_error(api: GraphQLClient) -> None:
    body = api.execute(PAGE, {"first": 2, "after": "nonsense"})
    assert body["errors"][0]["extensions"] == {"code": "INVALID_CURSOR", "field": ["after"]}


def test_nodes_accepts_at_most_a_page_of_ids(api: GraphQLClient) -> None:
    body = api.execute(NODES, {"ids": [base64.b64encode(f"Unit:{i}".encode()).decode() for i in range(1, 102)]})
    assert body["errors"][0]["message"] == "ids: at most 100 IDs per call"
    assert body["errors"][0]["extensions"] == {"code": "PAGE_SIZE", "field": ["ids"]}


def test_negative_max_depth_is_a_clean_error(api: GraphQLClient) -> None:
    center = create_unit(api, "CENTER")
    body = api.execute("query ($id: ID!) { node(id: $id) { ... on Unit { descendants(maxDepth: -1) { id } } } }",
                       {"id": center})
    assert body["errors"][0]["extensions"] == {"code": "OUT_OF_RANGE", "field": ["maxDepth"]}


def test_first_zero_reports_whether_there_is_a_page(api: GraphQLClient) -> None:
    center = create_unit(api, "CENTER")
    create_units(api, "STATION", create_unit(api, "INSTITUTE", center), 1)
    page = api.data(PAGE, {"first": 0})["units"]
    assert (page["edges"], page["pageInfo"]["hasNextPage"], page["totalCount"]) == ([], True, 1)
