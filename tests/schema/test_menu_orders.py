"""The service menu and orders through the API: effective menus, service item validation,
orderSubmit with its idempotency key, and the order filters."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest

from tests.documents import ORDER_SUBMIT, SERVICE_ITEM_CREATE
from tests.schema.support import (
    GraphQLClient,
    create_item,
    create_skill,
    create_team,
    create_unit,
    offer,
    register_volunteer,
)

MENUS = """
query Menus($id: ID!) {
  node(id: $id) { ... on Unit { menu { name } effectiveMenu { name domain } } }
}
"""

MENU_WITHDRAW = """
mutation MenuWithdraw($input: MenuOfferInput!) {
  menuWithdraw(input: $input) { item { name } userErrors { field message code } }
}
"""

ORDERS = """
query Orders($status: OrderStatus, $unitSubtree: ID, $date: Date) {
  orders(status: $status, unitSubtree: $unitSubtree, date: $date) { totalCount edges { node { id } } }
}
"""

SERVICE_ITEMS = """
query ServiceItems($domain: ServiceDomain, $skill: ID) {
  serviceItems(domain: $domain, skill: $skill) { totalCount edges { node { name } } }
}
"""


@pytest.fixture
def network(api: GraphQLClient) -> dict[str, str]:
    """A center offering 义诊 (doctor), an institute offering 法律咨询 (lawyer), one station under it."""
    center = create_unit(api, "CENTER")
    institute = create_unit(api, "INSTITUTE", center, name="运河所")
    station = create_unit(api, "STATION", institute, name="新华站")
    other_institute = create_unit(api, "INSTITUTE", center, name="邳城所")
    doctor = create_skill(api, code="doctor")
    lawyer = create_skill(api, code="lawyer", domain="LAW")
    clinic = create_item(api, doctor)
    law = _item(api, "法律咨询", "LAW", lawyer)
    offer(api, center, clinic)
    offer(api, institute, law)
    return {"center": center, "institute": institute, "station": station, "other": other_institute,
            "clinic": clinic, "law": law, "doctor": doctor, "lawyer": lawyer}


def _item(api: GraphQLClient, name: str, domain: str, skill: str) -> str:
    data = api.data(SERVICE_ITEM_CREATE, {"input": {
        "code": name, "name": name, "domain": domain, "durationMinutes": 60,
        "requiredSkills": [{"skill": skill}]}})
    return data["serviceItemCreate"]["serviceItem"]["id"]


def test_effective_menu_adds_the_ancestors_offers(api: GraphQLClient, network: dict[str, str]) -> None:
    station = api.data(MENUS, {"id": network["station"]})["node"]
    assert station == {"menu": [], "effectiveMenu": [{"name": "法律咨询", "domain": "LAW"},
                                                     {"name": "义诊", "domain": "HEALTH"}]}
    other = api.data(MENUS, {"id": network["other"]})["node"]
    assert other == {"menu": [], "effectiveMenu": [{"name": "义诊", "domain": "HEALTH"}]}


def test_menu_withdraw_takes_the_item_off(api: GraphQLClient, network: dict[str, str]) -> None:
    payload = api.data(MENU_WITHDRAW, {"input": {"unit": network["institute"], "item": network["law"]}})
    assert payload["menuWithdraw"] == {"item": {"name": "法律咨询"}, "userErrors": []}
    effective = api.data(MENUS, {"id": network["station"]})["node"]["effectiveMenu"]
    assert effective == [{"name": "义诊", "domain": "HEALTH"}]
    again = api.data(MENU_WITHDRAW, {"input": {"unit": network["institute"], "item": network["law"]}})
    assert again["menuWithdraw"] == {"item": None, "userErrors": [
        {"field": ["input", "item"], "message": "the unit does not offer this item itself", "code": "NOT_OFFERED"}]}


def test_service_item_create_with_skills_and_teams(api: GraphQLClient, network: dict[str, str]) -> None:
    team = create_team(api, network["center"])
    payload = api.data(SERVICE_ITEM_CREATE, {"input": {
        "code": "free-clinic-2", "name": "送医下乡", "domain": "HEALTH", "durationMinutes": 180,
        "requiredSkills": [{"skill": network["doctor"], "headcount": 1, "minLevel": 3},
                           {"skill": network["lawyer"], "headcount": 2}],
        "providerTeams": [team],
    }})["serviceItemCreate"]
    assert payload == {"userErrors": [], "serviceItem": {
        "id": ANY, "name": "送医下乡", "durationMinutes": 180,
        "requiredSkills": [{"skill": {"code": "doctor"}, "headcount": 1, "minLevel": 3},
                           {"skill": {"code": "lawyer"}, "headcount": 2, "minLevel": 1}],
        "providerTeams": [{"name": "健康邳州志愿服务队"}],
    }}
    found = api.data(SERVICE_ITEMS, {"skill": network["lawyer"]})["serviceItems"]
    assert [e["node"]["name"] for e in found["edges"]] == ["法律咨询", "送医下乡"]
    assert api.data(SERVICE_ITEMS, {"domain": "LAW"})["serviceItems"]["totalCount"] == 1


def test_service_item_bad_input_writes_nothing(api: GraphQLClient, network: dict[str, str]) -> None:
    payload = api.data(SERVICE_ITEM_CREATE, {"input": {
        "code": "x", "name": "", "domain": "HEALTH", "durationMinutes": 0,
        "requiredSkills": [{"skill": network["doctor"], "headcount": 0}, {"skill": network["clinic"]}],
        "providerTeams": ["bad"],
    }})["serviceItemCreate"]
    assert payload["serviceItem"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "name"], "REQUIRED"),
        (["input", "durationMinutes"], "OUT_OF_RANGE"),
        (["input", "requiredSkills", "0", "headcount"], "OUT_OF_RANGE"),
        (["input", "requiredSkills", "1", "skill"], "WRONG_TYPE"),
        (["input", "providerTeams", "0"], "MALFORMED_ID"),
    ]
    assert api.data(SERVICE_ITEMS)["serviceItems"]["totalCount"] == 2


def _order(network: dict[str, str], **overrides: Any) -> dict[str, Any]:
    order = {
        "item": network["clinic"], "unit": network["station"], "residentName": "王大爷", "residentPhone": "13800001111",
        "location": {"lat": 34.32, "lon": 117.95}, "windowStart": "2026-12-05T09:00:00",
        "windowEnd": "2026-12-05T11:00:00", "headcount": 2, "channel": "HOTLINE",
    }
    order.update(overrides)
    return order


def test_order_submit_is_idempotent(api: GraphQLClient, network: dict[str, str]) -> None:
    # given
    first = api.data(ORDER_SUBMIT, {"input": _order(network, idempotencyKey="k-1")})["orderSubmit"]
    assert first["userErrors"] == []
    assert first["order"]["status"] == "SUBMITTED"
    assert first["order"]["residentPhone"] == "138****1111"
    # when the same submission is retried
    retry = api.data(ORDER_SUBMIT, {"input": _order(network, idempotencyKey="k-1")})["orderSubmit"]
    # then the first order comes back and no second one exists
    assert retry == first
    assert api.data(ORDERS)["orders"]["totalCount"] == 1
    # when the key is reused for a different order
    other = api.data(ORDER_SUBMIT, {"input": _order(network, idempotencyKey="k-1", headcount=3)})["orderSubmit"]
    # then
    assert other == {"order": None, "userErrors": [{
        "field": ["input", "idempotencyKey"], "code": "IDEMPOTENCY_CONFLICT",
        "message": "this idempotencyKey was used for a different order: use a new key for a new order"}]}
    assert api.data(ORDERS)["orders"]["totalCount"] == 1


def test_order_times_with_an_offset_are_stored_as_local_time(api: GraphQLClient, network: dict[str, str]) -> None:
    payload = api.data(ORDER_SUBMIT, {"input": _order(
        network, windowStart="2026-12-05T01:00:00+00:00", windowEnd="2026-12-05T03:00:00+00:00")})["orderSubmit"]
    assert (payload["order"]["windowStart"], payload["order"]["windowEnd"]) == (
        "2026-12-05T09:00:00", "2026-12-05T11:00:00")


BAD_ORDERS = [
    ({"windowEnd": "2026-12-05T08:00:00"}, ["input", "windowEnd"], "OUT_OF_RANGE"),
    ({"headcount": 0}, ["input", "headcount"], "OUT_OF_RANGE"),
    ({"priority": 6}, ["input", "priority"], "OUT_OF_RANGE"),
    ({"location": {"lat": 100, "lon": 117}}, ["input", "location", "lat"], "OUT_OF_RANGE"),
    ({"residentName": None}, ["input", "residentName"], "REQUIRED"),
    ({"item": "law", "unit": "other"}, ["input", "item"], "NOT_OFFERED"),
    ({"unit": "clinic"}, ["input", "unit"], "WRONG_TYPE"),
]


def test_order_submit_bad_input_gives_one_user_error_and_writes_nothing(
    api: GraphQLClient, network: dict[str, str]
) -> None:
    for overrides, field, code in BAD_ORDERS:
        resolved = {k: network.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
        payload = api.data(ORDER_SUBMIT, {"input": _order(network, **resolved)})["orderSubmit"]
        assert payload["order"] is None, overrides
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], overrides
    assert api.data(ORDERS)["orders"]["totalCount"] == 0


def test_order_filters(api: GraphQLClient, network: dict[str, str]) -> None:
    # given an order in the station (under 运河所) on 12-05, one at the center's level on 12-06
    in_station = api.data(ORDER_SUBMIT, {"input": _order(network)})["orderSubmit"]["order"]["id"]
    at_center = api.data(ORDER_SUBMIT, {"input": _order(
        network, unit=network["center"], windowStart="2026-12-06T14:00:00", windowEnd="2026-12-06T16:00:00",
    )})["orderSubmit"]["order"]["id"]

    def ids(**variables: object) -> list[str]:
        return [e["node"]["id"] for e in api.data(ORDERS, variables)["orders"]["edges"]]

    assert ids(status="SUBMITTED") == [in_station, at_center]
    assert ids(status="COMPLETED") == []
    assert ids(unitSubtree=network["institute"]) == [in_station]
    assert ids(date="2026-12-06") == [at_center]


COUNTS = """
query Counts($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit { name counts { stations volunteers openOrders } } } }
"""


def test_subtree_counts_add_up_volunteers_and_open_orders(api: GraphQLClient, network: dict[str, str]) -> None:
    # given two volunteers at the station, one at the other institute, two orders at the station
    register_volunteer(api, network["station"])
    register_volunteer(api, network["station"])
    register_volunteer(api, network["other"])
    for key in ("a", "b"):
        assert api.data(ORDER_SUBMIT, {"input": _order(network, idempotencyKey=key)})["orderSubmit"]["userErrors"] == []
    # when
    ids = [network[k] for k in ("center", "institute", "station", "other")]
    units = api.data(COUNTS, {"ids": ids})["nodes"]
    # then
    assert [(u["name"], u["counts"]) for u in units] == [
        (units[0]["name"], {"stations": 1, "volunteers": 3, "openOrders": 2}),
        ("运河所", {"stations": 1, "volunteers": 2, "openOrders": 2}),
        ("新华站", {"stations": 1, "volunteers": 2, "openOrders": 2}),
        ("邳城所", {"stations": 0, "volunteers": 1, "openOrders": 0}),
    ]
