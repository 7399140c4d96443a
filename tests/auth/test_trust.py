"""Regression tests of the trust review: each test is named after the finding it closes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import Engine

from db import models
from db.models import Role
from db.models.dispatch import RunState
from db.session import session_factory
from resolvers.core import bounds, globalid
from resolvers.core.settings import DEV_SECRET_KEY, Settings, SettingsError
from resolvers.network import tree
from schema.core.present import PRESENT
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.auth.serving import serve_in_thread, wenming_serve
from tests.auth.support import admin_headers
from tests.documents import (
    ORDER_HISTORY,
    ORDER_REJECT,
    ORDER_REVIEW,
    ORDER_TASKS,
    TEAM_MEMBER_ADD,
    UNIT_COUNT,
    UNIT_CREATE,
    UNIT_NODE,
    VOLUNTEER_UPDATE,
)
from tests.schema.support import GraphQLClient, create_item, create_skill, create_unit, offer, register_volunteer
from wenming.app import create_app
from wenming.graphql import schema as served_schema
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
        body = admin.execute("{ units(first: 5) { edges { node { children { name children { name teams { name } } } "
                             "} } } }")
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


def test_h3_every_list_field_has_a_bound() -> None:
    """Walk the served schema: every list field is a page (a connection's edges, whose field takes
    `first`/`after`) or has a bound the cost model prices and its resolver enforces."""
    served = served_schema._schema
    unbounded, unenforced, unpaged = [], [], []
    for type_name, named in served.type_map.items():
        if type_name.startswith("__") or not isinstance(named, GraphQLObjectType):
            continue
        for field_name, field in named.fields.items():
            if get_named_type(field.type).name.endswith("Connection") and not {"first", "after"} <= set(field.args):
                unpaged.append(f"{type_name}.{field_name}")
            if not bounds.is_list(field) or (field_name == "edges" and type_name.endswith("Connection")):
                continue
            if bounds.bound(type_name, field_name, 100) is None:
                unbounded.append(f"{type_name}.{field_name}")
            elif getattr(field.resolve, "bounded", None) != f"{type_name}.{field_name}":
                unenforced.append(f"{type_name}.{field_name}")
    stale = [key for key in bounds.LIST_BOUNDS
             if (t := served.type_map.get(key.split(".")[0])) is None or key.split(".")[1] not in t.fields]  # type: ignore[union-attr]
    assert (unbounded, unenforced, unpaged, stale) == ([], [], [], [])


def test_h3_a_unit_with_more_children_than_their_bound_is_priced_and_refused(
        admin: GraphQLClient, monkeypatch: pytest.MonkeyPatch) -> None:
    center = create_unit(admin, "CENTER")
    for _ in range(3):
        create_unit(admin, "INSTITUTE", center)
    query = "query C($id: ID!) { node(id: $id) { ... on Unit { children { parent { name } } } } }"
    body = admin.execute(query, {"id": center})
    assert len(body["data"]["node"]["children"]) == 3
    # node 1 + children (1 + bound x parent 1): the price of the most children a unit can answer with
    assert admin.extensions is not None
    assert admin.extensions["cost"]["requested"] == 1 + 1 + bounds.LIST_BOUNDS["Unit.children"]
    monkeypatch.setitem(bounds.LIST_BOUNDS, "Unit.children", 2)
    refused = admin.execute(query, {"id": center})
    assert refused["data"] == {"node": None}
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "TOO_LARGE" and error["path"] == ["node", "children"], error
    assert "children" in error["message"]


RUN_PAGES = """
query R($id: ID!, $after: String, $afterOpen: String) { dispatchRun(id: $id) {
  proposals(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { skill } } }
  openOrders(first: 2, after: $afterOpen) { totalCount pageInfo { hasNextPage endCursor } edges { node { reason } } }
} }
"""


def test_h3_a_runs_proposals_and_open_orders_are_pages(admin: GraphQLClient, engine: Engine) -> None:
    center = create_unit(admin, "CENTER")
    skill = create_skill(admin)
    offer(admin, center, item := create_item(admin, skill))
    volunteer = register_volunteer(admin, center)
    order = w.submit(admin, {"item": item}, center)
    start = dt.datetime(2026, 12, 7, 9)
    with session_factory(engine)() as session:
        run = models.DispatchRun(scope_unit_id=w.pk(center), date_from=start.date(), date_to=start.date(),
                                 state=RunState.SUCCEEDED,
                                 result={"open": [{"request": f"O{w.pk(order)}", "reason": f"R{i}", "missing": []}
                                                  for i in range(3)]})
        session.add(run)
        session.flush()
        session.add_all(models.DispatchProposal(
            run_id=run.id, order_id=w.pk(order), volunteer_id=w.pk(volunteer), skill_code=f"S{i}", start=start,
            end=start + dt.timedelta(hours=1), distance_km=1.0, travel_minutes=5) for i in range(3))
        session.commit()
        run_id = globalid.encode("DispatchRun", run.id)
    first = admin.data(RUN_PAGES, {"id": run_id})["dispatchRun"]
    assert [e["node"]["skill"] for e in first["proposals"]["edges"]] == ["S0", "S1"]
    assert [e["node"]["reason"] for e in first["openOrders"]["edges"]] == ["R0", "R1"]
    assert first["proposals"]["totalCount"] == first["openOrders"]["totalCount"] == 3
    assert first["proposals"]["pageInfo"]["hasNextPage"] and first["openOrders"]["pageInfo"]["hasNextPage"]
    rest = admin.data(RUN_PAGES, {"id": run_id, "after": first["proposals"]["pageInfo"]["endCursor"],
                                  "afterOpen": first["openOrders"]["pageInfo"]["endCursor"]})["dispatchRun"]
    assert [e["node"]["skill"] for e in rest["proposals"]["edges"]] == ["S2"]
    assert [e["node"]["reason"] for e in rest["openOrders"]["edges"]] == ["R2"]
    assert not rest["proposals"]["pageInfo"]["hasNextPage"] and not rest["openOrders"]["pageInfo"]["hasNextPage"]
    # priced by the page, not by the thousands of proposals a county day has
    admin.data("query R($id: ID!) { dispatchRun(id: $id) { proposals(first: 7) { edges { node { order { id } } } } } }",
               {"id": run_id})
    assert admin.extensions is not None and admin.extensions["cost"]["requested"] == 1 + 1 + 7 * (1 + 1 + 1)


def test_h3_a_root_list_past_its_bound_is_refused_naming_it(admin: GraphQLClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    center = create_unit(admin, "CENTER")
    offer(admin, center, item := create_item(admin, create_skill(admin)))
    order = w.submit(admin, {"item": item}, center)
    assert admin.data(ORDER_REVIEW, {"input": {"order": order}})["orderReview"]["userErrors"] == []
    assert len(admin.data(ORDER_HISTORY, {"order": order})["orderHistory"]) == 1  # SUBMITTED -> REVIEWED
    monkeypatch.setitem(bounds.LIST_BOUNDS, "Query.orderHistory", 0)
    body = admin.execute(ORDER_HISTORY, {"order": order})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "TOO_LARGE" and error["path"] == ["orderHistory"], error


def test_h3_an_expensive_operation_does_not_stall_the_others(
        settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = admin_headers(settings, engine)
    with serve_in_thread(create_app(settings, engine=engine)) as address:
        url = f"http://{address}/graphql"
        created = httpx.post(url, json={"query": UNIT_CREATE, "variables": {"input": {
            "code": "H3-C", "name": "中心", "level": "CENTER", "location": {"lat": 34.3, "lon": 117.9}}}},
            headers=headers, timeout=10).json()
        assert created["data"]["unitCreate"]["userErrors"] == [], created
        started, real_fetch = threading.Event(), tree.UnitsByParentLoader.fetch

        def slow_fetch(self: tree.UnitsByParentLoader, pks: Any) -> Any:
            started.set()
            time.sleep(3)  # a statement that takes its time (or a long stretch of synchronous work)
            return real_fetch(self, pks)

        monkeypatch.setattr(tree.UnitsByParentLoader, "fetch", slow_fetch)
        slow: dict[str, Any] = {}
        worker = threading.Thread(target=lambda: slow.update(httpx.post(
            url, json={"query": "{ units { edges { node { children { name } } } } }"}, headers=headers,
            timeout=30).json()))
        worker.start()
        assert started.wait(10)
        began = time.monotonic()
        fast = httpx.post(url, json={"query": "{ skills { code } }"}, headers=headers, timeout=30).json()
        waited = time.monotonic() - began
        worker.join(30)
    assert fast["data"] == {"skills": []}, fast
    assert waited < 1.5, f"a cheap query waited {waited:.1f} s behind an expensive one"
    assert "errors" not in slow and slow["data"]["units"]["edges"], slow
