"""The permission matrix, generated from the schema: every root field, every Node type and every
mutation against every role, and a caller outside the scope. No read or write crosses the scope,
through root connections, `totalCount`, `node(id)`, `nodes(ids)`, nested edges or subtree counts.
"""

from __future__ import annotations

import pytest

from resolvers.access.policy import ROOT_ACCESS
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.auth.schema_walk import call, node_types, root_fields
from tests.documents import NODES
from tests.schema.support import GraphQLClient

#: Node types everyone signed in may read (the public catalogue of the practice network).
CATALOGUE = {"Unit", "Department", "PracticeBase", "PracticePoint", "Team", "Skill", "ServiceItem"}
#: Node types holding personal data, with the world objects that exercise them.
SCOPED = {"Volunteer": ("va", "vb"), "Order": ("oa", "ob", "ores")}

NODE = "query Node($id: ID!) { node(id: $id) { id } }"
LISTS = """
query {
  volunteers { totalCount edges { node { id } } }
  orders { totalCount edges { node { id } } }
}
"""
NESTED = """
query Nested($center: ID!, $team: ID!) {
  center: node(id: $center) { ... on Unit { counts { volunteers openOrders } } }
  team: node(id: $team) { ... on Team { memberCount members { totalCount edges { node { volunteer { id } } } } } }
}
"""
ROLES = sorted(w.EXPECTED)


def test_every_root_field_is_in_the_permission_table() -> None:
    fields = {f"{op}.{name}" for op in ("Query", "Mutation", "Subscription") for name in root_fields(op)}
    assert sorted(fields - ROOT_ACCESS.keys()) == [], "classify these fields in resolvers/access/policy.py"
    assert sorted(ROOT_ACCESS.keys() - fields) == [], "these entries name no field any more"


def test_every_node_type_is_either_catalogue_or_scoped() -> None:
    assert sorted(node_types()) == sorted(CATALOGUE | SCOPED.keys())


@pytest.fixture
def world(admin: GraphQLClient, client_for: ClientFor) -> w.World:
    return w.build(admin, client_for)


def test_reads_stay_in_scope_for_every_role(world: w.World) -> None:
    ids = world.ids
    scoped = [name for names in SCOPED.values() for name in names]
    by_id = {ids[name]: name for name in scoped}
    for role in ROLES:
        client = world.clients[role]
        expected = w.EXPECTED[role]
        # node(id), one object at a time
        seen = {name for name in scoped if client.data(NODE, {"id": ids[name]})["node"] is not None}
        assert seen == expected, f"{role}: node(id)"
        # nodes(ids), all at once
        nodes = client.data(NODES, {"ids": [ids[name] for name in scoped]})["nodes"]
        assert {by_id[n["id"]] for n in nodes if n is not None} == expected, f"{role}: nodes(ids)"
        # root connections and their counts
        lists = client.data(LISTS)
        for field, kind in (("volunteers", "v"), ("orders", "o")):
            listed = {by_id[e["node"]["id"]] for e in lists[field]["edges"]}
            wanted = {name for name in expected if name.startswith(kind)}
            assert listed == wanted, f"{role}: {field}"
            assert lists[field]["totalCount"] == len(wanted), f"{role}: {field}.totalCount"
        # nested edges and counts below a catalogue object of network B
        nested = client.data(NESTED, {"center": ids["center_b"], "team": ids["team_b"]})
        assert nested["center"]["counts"] == {"volunteers": int("vb" in expected),
                                              "openOrders": int("ob" in expected)}, f"{role}: counts"
        members = nested["team"]["members"]
        assert nested["team"]["memberCount"] == members["totalCount"] == int("vb" in expected), f"{role}: members"
        assert [e["node"]["volunteer"]["id"] for e in members["edges"]] == ([ids["vb"]] if "vb" in expected else [])


def test_the_catalogue_is_readable_by_every_role(world: w.World) -> None:
    for role in ROLES:
        for name in ("center_b", "station_b", "team_b", "skill", "item"):
            assert world.clients[role].data(NODE, {"id": world.ids[name]})["node"] == {"id": world.ids[name]}, role


def test_root_fields_refuse_the_roles_the_table_does_not_name(world: w.World, client_for: ClientFor) -> None:
    callers = {**world.clients, "anonymous": client_for(None)}
    roles = {"admin": "PLATFORM_ADMIN", "analyst": "ANALYST", "unit_admin": "UNIT_ADMIN", "dispatcher": "DISPATCHER",
             "team_leader": "TEAM_LEADER", "volunteer": "VOLUNTEER", "resident": "RESIDENT",
             "outsider": "UNIT_ADMIN", "anonymous": None}
    checked = 0
    for op in ("Query", "Mutation"):
        for name in root_fields(op):
            allowed = ROOT_ACCESS[f"{op}.{name}"]
            document, variables = call(op, name)
            for who, client in callers.items():
                role = roles[who]
                if allowed is None or (role is not None and role in {r.value for r in allowed}):
                    continue
                body = client.execute(document, variables)
                expected = "UNAUTHENTICATED" if role is None else "FORBIDDEN"
                assert body.get("data") is None, f"{who} {op}.{name}"
                assert [e["extensions"]["code"] for e in body["errors"]] == [expected], f"{who} {op}.{name}"
                checked += 1
    assert checked > 100  # the matrix is not empty by accident
