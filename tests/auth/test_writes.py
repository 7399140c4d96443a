"""Writes never cross the scope: each role changes only what its grant covers, and a refused
mutation writes nothing (FORBIDDEN for visible rows out of reach, NOT_FOUND for invisible ones)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.documents import (
    ORDER_CANCEL,
    ORDER_SUBMIT,
    TEAM_UPDATE,
    UNIT_CREATE,
    UNIT_MOVE,
    UNIT_UPDATE,
    VOLUNTEER_REGISTER,
    VOLUNTEER_UPDATE,
)
from tests.schema.support import GraphQLClient, unique, volunteer_input

NAMES = """
query Names($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit { name } ... on Team { name } ... on Volunteer { name } } }
"""


@pytest.fixture
def world(admin: GraphQLClient, client_for: ClientFor) -> w.World:
    return w.build(admin, client_for)


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def _unit(name: str, level: str, parent: str | None) -> dict[str, Any]:
    return {"code": unique("U"), "name": name, "level": level, "parent": parent,
            "location": {"lat": 34.3, "lon": 117.9}}


def test_unit_admins_change_the_network_only_in_their_subtree(world: w.World, admin: GraphQLClient) -> None:
    ids, unit_admin = world.ids, world.clients["unit_admin"]
    inside = unit_admin.data(UNIT_UPDATE, {"input": {"id": ids["station_a"], "name": "东站"}})["unitUpdate"]
    assert (inside["unit"]["name"], inside["userErrors"]) == ("东站", [])
    outside = unit_admin.data(UNIT_UPDATE, {"input": {"id": ids["station_b"], "name": "改名"}})["unitUpdate"]
    assert _codes(outside) == ["FORBIDDEN"] and outside["unit"] is None
    created = unit_admin.data(UNIT_CREATE, {"input": _unit("新站", "STATION", ids["institute_a"])})["unitCreate"]
    assert created["userErrors"] == []
    for refused in (_unit("别人的站", "STATION", ids["institute_b"]), _unit("新中心", "CENTER", None)):
        assert _codes(unit_admin.data(UNIT_CREATE, {"input": refused})["unitCreate"]) == ["FORBIDDEN"]
    moved = unit_admin.data(UNIT_MOVE, {"input": {"id": ids["station_a"], "parent": ids["institute_b"]}})["unitMove"]
    assert _codes(moved) == ["FORBIDDEN"]
    # nothing of the refused writes is stored
    names = admin.data(NAMES, {"ids": [ids["station_b"]]})["nodes"]
    assert names != [{"name": "改名"}]
    parent = admin.data("query P($id: ID!) { node(id: $id) { ... on Unit { parent { id } } } }",
                        {"id": ids["station_a"]})
    assert parent["node"]["parent"]["id"] == ids["institute_a"]


def test_volunteers_are_registered_and_changed_only_in_scope(world: w.World) -> None:
    ids, unit_admin = world.ids, world.clients["unit_admin"]
    here = unit_admin.data(VOLUNTEER_REGISTER, {"input": volunteer_input(ids["station_a"], phone="13800000009")})
    assert here["volunteerRegister"]["userErrors"] == []
    there = unit_admin.data(VOLUNTEER_REGISTER, {"input": volunteer_input(ids["station_b"], phone="13800000008")})
    assert _codes(there["volunteerRegister"]) == ["FORBIDDEN"]
    # a volunteer changes himself, and cannot even find another volunteer
    volunteer = world.clients["volunteer"]
    changed = volunteer.data(VOLUNTEER_UPDATE, {"input": {"id": ids["va"], "name": "王芳芳"}})["volunteerUpdate"]
    assert (changed["volunteer"]["name"], changed["userErrors"]) == ("王芳芳", [])
    other = volunteer.data(VOLUNTEER_UPDATE, {"input": {"id": ids["vb"], "name": "x"}})["volunteerUpdate"]
    assert _codes(other) == ["NOT_FOUND"]
    # nor can a unit admin move one of his volunteers out of his subtree
    moved = unit_admin.data(VOLUNTEER_UPDATE, {"input": {"id": ids["va"], "unit": ids["station_b"]}})["volunteerUpdate"]
    assert _codes(moved) == ["FORBIDDEN"]


def test_team_leaders_change_only_their_team(world: w.World) -> None:
    ids, leader = world.ids, world.clients["team_leader"]
    own = leader.data(TEAM_UPDATE, {"input": {"id": ids["team_a"], "name": "运河医疗队"}})["teamUpdate"]
    assert (own["team"]["name"], own["userErrors"]) == ("运河医疗队", [])
    other = leader.data(TEAM_UPDATE, {"input": {"id": ids["team_b"], "name": "x"}})["teamUpdate"]
    assert _codes(other) == ["FORBIDDEN"]


def test_dispatchers_order_and_cancel_only_in_scope(world: w.World) -> None:
    ids, dispatcher, outsider = world.ids, world.clients["dispatcher"], world.clients["outsider"]
    assert w.submit(dispatcher, ids, ids["station_a"])
    refused = dispatcher.data(ORDER_SUBMIT, {"input": w.order_input(ids, ids["station_b"])})["orderSubmit"]
    assert _codes(refused) == ["FORBIDDEN"]
    cancel = {"input": {"order": ids["oa"], "reason": "不需要了"}}
    assert _codes(outsider.data(ORDER_CANCEL, cancel)["orderCancel"]) == ["NOT_FOUND"]
    assert dispatcher.data(ORDER_CANCEL, cancel)["orderCancel"] == {"order": {"status": "CANCELLED"}, "userErrors": []}
