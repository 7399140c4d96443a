"""Regression tests of the trust review: each test is named after the finding it closes."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from db import models
from db.models import Role
from db.session import session_factory
from resolvers.core.settings import DEV_SECRET_KEY, Settings, SettingsError
from resolvers.network import tree
from schema.core.present import PRESENT
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.auth.serving import wenming_serve
from tests.auth.support import admin_headers
from tests.documents import (
    ORDER_HISTORY,
    ORDER_REJECT,
    ORDER_TASKS,
    TEAM_MEMBER_ADD,
    UNIT_COUNT,
    UNIT_CREATE,
    UNIT_NODE,
    VOLUNTEER_UPDATE,
)
from tests.schema.support import GraphQLClient, create_unit
from wenming.app import create_app
from wenming.settings import read_settings

SCENARIO_RUN_START = """
mutation S($input: ScenarioRunStartInput!) {
  scenarioRunStart(input: $input) { run { id } userErrors { code message } }
}
"""
PROFILE = """
query P($id: ID!) { node(id: $id) { ... on Volunteer { name insuranceValidUntil maxTravelKm maxMinutesPerDay status
  skills { skill { id } level } domains unit { id } } } }
"""
MENU_WITHDRAW = """
mutation W($input: MenuOfferInput!) { menuWithdraw(input: $input) { userErrors { code message } } }
"""
UNIT_DELETE = "mutation D($input: UnitDeleteInput!) { unitDelete(input: $input) { deletedId userErrors { code } } }"
MENU = "query M($id: ID!) { node(id: $id) { ... on Unit { menu { id } } } }"
MEMBERS = "query M($id: ID!) { node(id: $id) { ... on Team { members { edges { node { volunteer { id } } } } } } }"


@pytest.mark.parametrize("key", ["k", "x" * 31, DEV_SECRET_KEY, ""])
def test_m5_production_refuses_a_short_or_default_secret_key(key: str) -> None:
    with pytest.raises(SettingsError, match="WENMING_SECRET_KEY"):
        read_settings({"WENMING_ENV": "production", "WENMING_SECRET_KEY": key})
    with pytest.raises(SettingsError, match="WENMING_SECRET_KEY"):  # settings made in code, too
        create_app(Settings(env="production", secret_key=key or DEV_SECRET_KEY, database_url="sqlite://"))


def test_m5_production_starts_with_a_long_random_key() -> None:
    settings = read_settings({"WENMING_ENV": "production", "WENMING_SECRET_KEY": "r" * 32})
    assert settings.production and len(settings.auth.jwt_key) >= 32


def test_l8_x_forwarded_for_is_not_believed_from_an_unconfigured_proxy(tmp_path: Path) -> None:
    """Over real HTTP: with two requests a minute per address, forged X-Forwarded-For values do
    not give a client fresh addresses; the third request from 127.0.0.1 is refused."""
    with wenming_serve(tmp_path, WENMING_RATE_PER_ADDRESS="2") as (url, _):
        codes = [httpx.post(url, json={"query": "{ __typename }"}, headers={"X-Forwarded-For": f"10.0.0.{i}"},
                            timeout=10).status_code for i in range(3)]
    assert codes[2] == 429, codes


def test_l8_a_configured_proxy_names_the_client(tmp_path: Path) -> None:
    with wenming_serve(tmp_path, WENMING_RATE_PER_ADDRESS="2", WENMING_TRUSTED_PROXIES="127.0.0.1") as (url, _):
        codes = [httpx.post(url, json={"query": "{ __typename }"}, headers={"X-Forwarded-For": f"10.0.0.{i}"},
                            timeout=10).status_code for i in range(3)]
    assert 429 not in codes, codes


def test_l5_a_malformed_json_body_is_400_with_a_graphql_error(tmp_path: Path) -> None:
    with wenming_serve(tmp_path) as (url, _):
        for body in (b'{"query": ', b'"a string"', b"42", b"\xff\xfe", b"null"):
            response = httpx.post(url, content=body, headers={"content-type": "application/json"}, timeout=10)
            assert response.status_code == 400, (body, response.text)
            errors = response.json()["errors"]
            assert len(errors) == 1 and errors[0]["extensions"]["code"] == "INVALID" and errors[0]["message"]


def test_m6_a_unit_admin_cannot_pull_a_volunteer_of_another_unit_into_their_team(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    ids = world.ids
    # B's unit admin who also leads team A sees va (a member of his team A) but is no admin over va's unit
    pk = w.pk
    leader_b = client_for("admin-b-leader-a", [(Role.UNIT_ADMIN, {"unit_id": pk(ids["center_b"])}),
                                               (Role.TEAM_LEADER, {"team_id": pk(ids["team_a"])})])
    before = admin.data(MEMBERS, {"id": ids["team_b"]})
    pulled = leader_b.data(TEAM_MEMBER_ADD, {"input": {"team": ids["team_b"], "volunteer": ids["va"]}})
    assert [e["code"] for e in pulled["teamMemberAdd"]["userErrors"]] == ["FORBIDDEN"]
    assert admin.data(MEMBERS, {"id": ids["team_b"]}) == before
    # an admin over both units may
    both = client_for("admin-of-both", [(Role.UNIT_ADMIN, {"unit_id": pk(ids["center_a"])}),
                                        (Role.UNIT_ADMIN, {"unit_id": pk(ids["center_b"])})])
    added = both.data(TEAM_MEMBER_ADD, {"input": {"team": ids["team_b"], "volunteer": ids["va"]}})
    assert added["teamMemberAdd"]["userErrors"] == []
    assert admin.data(MEMBERS, {"id": ids["team_b"]}) != before


def test_m8_audit_actors_are_the_signed_in_account_never_the_input(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    dispatcher = world.clients["dispatcher"]
    forged = dispatcher.execute(ORDER_REJECT, {"input": {"order": world.ids["oa"], "reason": "重复",
                                                                     "actor": "张局长"}})
    assert forged.get("data") is None and "actor" in forged["errors"][0]["message"]  # no such field any more
    rejected = dispatcher.data(ORDER_REJECT, {"input": {"order": world.ids["oa"], "reason": "重复"}})["orderReject"]
    assert rejected["userErrors"] == []
    history = admin.data(ORDER_HISTORY, {"order": world.ids["oa"]})["orderHistory"]
    assert history[-1]["actor"] == "dispatcher-account"


def test_m10_a_volunteer_cannot_certify_their_own_skills_insurance_or_limits(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    volunteer, ids = world.clients["volunteer"], world.ids
    before = admin.data(PROFILE, {"id": ids["va"]})
    for field, value in (("skills", [{"skill": ids["skill"], "level": 5}]), ("insuranceValidUntil", "2030-01-01"),
                         ("maxTravelKm", 500.0), ("maxMinutesPerDay", 1440), ("status", "ACTIVE"),
                         ("domains", ["HEALTH"]), ("unit", ids["station_b"])):
        payload = volunteer.data(VOLUNTEER_UPDATE, {"input": {"id": ids["va"], field: value}})["volunteerUpdate"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], "FORBIDDEN")], field
    assert admin.data(PROFILE, {"id": ids["va"]}) == before
    # what is the volunteer's own to say still changes, and staff of the unit record the rest
    own = volunteer.data(VOLUNTEER_UPDATE, {"input": {"id": ids["va"], "name": "王芳芳"}})["volunteerUpdate"]
    assert own["userErrors"] == []
    staff = world.clients["unit_admin"].data(VOLUNTEER_UPDATE, {"input": {
        "id": ids["va"], "skills": [{"skill": ids["skill"], "level": 3}]}})["volunteerUpdate"]
    assert staff["userErrors"] == []


def test_l3_a_mutation_whose_answer_fails_writes_nothing(admin: GraphQLClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(row: object) -> object:
        raise RuntimeError("presenting failed")

    before = admin.data(UNIT_COUNT)["units"]["totalCount"]
    monkeypatch.setattr(PRESENT, "unit", broken)
    body = admin.execute(UNIT_CREATE, {"input": {"code": "L3-1", "name": "站", "level": "CENTER",
                                                  "location": {"lat": 34.3, "lon": 117.9}}})
    assert body["data"] is None or body["data"]["unitCreate"] is None
    assert [e["message"] for e in body["errors"]] == ["Unexpected error."]
    monkeypatch.undo()
    assert admin.data(UNIT_COUNT)["units"]["totalCount"] == before


def test_l1_order_tasks_answer_with_null_for_what_the_caller_may_not_see(
        admin: GraphQLClient, client_for: ClientFor, engine: Engine) -> None:
    """A resident's order served by a volunteer he may not see: the task is listed, its holder is null,
    and the answer is data, not a null-propagated error."""
    world = w.build(admin, client_for)
    with session_factory(engine)() as session:  # a task on the resident's order, held by va
        session.add(models.Assignment(order_id=w.pk(world.ids["ores"]), volunteer_id=w.pk(world.ids["va"]),
                                      skill_code="doctor", start=dt.datetime(2026, 12, 7, 9),
                                      end=dt.datetime(2026, 12, 7, 11)))
        session.commit()
    body = world.clients["resident"].execute(ORDER_TASKS, {"order": world.ids["ores"]})
    assert "errors" not in body, body
    assert [t["volunteer"] for t in body["data"]["orderTasks"]] == [None]


@pytest.mark.parametrize(("toml", "key"), [
    ('[base]\nkind = "generated"\nvolunteers = 10000000\n', "base.volunteers"),
    ('[base]\nkind = "generated"\nrequests = 10000000\n', "base.requests"),
    ('[base]\nkind = "generated"\n[engine]\ntime_limit = nan\n', "engine.time_limit"),
    ('[base]\nkind = "generated"\nvolunteers = 1000\n[[changes]]\ntype = "add_volunteers"\ncount = 900000\n',
     "changes"),
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
])
def test_h4_scenario_input_over_its_bounds_is_refused_before_any_work(
        admin: GraphQLClient, toml: str, key: str) -> None:
    payload = admin.data(SCENARIO_RUN_START, {"input": {"toml": toml}})["scenarioRunStart"]
    assert payload["run"] is None
    assert [e["code"] for e in payload["userErrors"]] in (["INVALID"], ["OUT_OF_RANGE"]), payload
    message = payload["userErrors"][0]["message"]
    assert key.split(".")[-1] in message or key in message, message
    assert admin.data("query { scenarioRuns { edges { node { id } } } }")["scenarioRuns"]["edges"] == []


def test_h3_plain_lists_are_priced_by_their_bound(admin: GraphQLClient, client_for: ClientFor) -> None:
    resident = client_for("resident-h3", [(Role.RESIDENT, {})])
    heavy = "{ units(first: 100) { edges { node { descendants { teams { name } effectiveMenu { name } } } } } }"
    body = resident.execute(heavy)
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "OUT_OF_RANGE" and error["extensions"]["cost"]["requested"] > 50_000


def test_h3_an_operation_past_its_time_budget_fails_with_a_coded_error(
        settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = replace(settings, limits=replace(settings.limits, execution_seconds=1))
    admin = GraphQLClient(slow, engine, headers=admin_headers(slow, engine))
    try:
        center = create_unit(admin, "CENTER")
        create_unit(admin, "INSTITUTE", center)
        real_fetch = tree.UnitsByParentLoader.fetch

        def slow_fetch(self: tree.UnitsByParentLoader, pks: Any) -> Any:
            time.sleep(1.2)  # a database that takes its time: the budget is what is under test
            return real_fetch(self, pks)

        monkeypatch.setattr(tree.UnitsByParentLoader, "fetch", slow_fetch)
        body = admin.execute("{ units { edges { node { children { name children { name teams { name } } } } } } }")
    finally:
        admin.close()
    assert "TIMEOUT" in [e.get("extensions", {}).get("code") for e in body["errors"]], body["errors"]


def test_h1_a_unit_admin_cannot_withdraw_menus_or_delete_units_outside_the_subtree(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    ids, outsider = world.ids, world.clients["outsider"]  # a unit admin of network B
    empty_station_a = create_unit(admin, "STATION", ids["institute_a"])
    menu_before = admin.data(MENU, {"id": ids["center_a"]})
    withdrawn = outsider.data(MENU_WITHDRAW, {"input": {"unit": ids["center_a"], "item": ids["item"]}})
    assert [e["code"] for e in withdrawn["menuWithdraw"]["userErrors"]] in (["FORBIDDEN"], ["NOT_FOUND"])
    assert admin.data(MENU, {"id": ids["center_a"]}) == menu_before and menu_before["node"]["menu"]
    for unit in (empty_station_a, ids["station_a"]):  # unused, and in use by orders
        deleted = outsider.data(UNIT_DELETE, {"input": {"id": unit}})["unitDelete"]
        assert deleted["deletedId"] is None
        assert [e["code"] for e in deleted["userErrors"]] in (["FORBIDDEN"], ["NOT_FOUND"])
        assert admin.data(UNIT_NODE, {"id": unit})["node"] is not None
    # inside its own subtree the same admin may
    own = create_unit(admin, "STATION", ids["institute_b"])
    assert outsider.data(UNIT_DELETE, {"input": {"id": own}})["unitDelete"]["userErrors"] == []
