"""Personal data: phones masked for everyone, whole only through `phoneFull` / `residentPhoneFull`
for the roles of the table in docs/access.md, every such read audit-logged; ID numbers are never
returned whole to anyone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from db.models import Account, PersonalDataRead, Role, ScenarioRun
from db.session import session_factory
from resolvers.core import globalid
from resolvers.scenarios import runs as scenario_runs
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.auth.support import token_for
from tests.dispatch.support import DAY, DispatchClient, build_world, register_doctor, start_run
from tests.documents import (
    ASSIGNMENT_ACCEPT,
    ASSIGNMENT_CHECK_IN,
    ASSIGNMENT_CHECK_OUT,
    DISPATCH_RUN_COMMIT,
    ORDER_RATE,
    ORDER_REVIEW,
    ORDER_SUBMIT,
    ORDER_TASKS,
)
from tests.schema.support import GraphQLClient
from wenming.settings import Settings

VOLUNTEER = """
query V($id: ID!) { node(id: $id) { ... on Volunteer { phone phoneFull idNumber } } }
"""
ORDER = """
query O($id: ID!) { node(id: $id) { ... on Order { residentPhone residentPhoneFull } } }
"""
VA_PHONE = "13800000001"
RESIDENT_PHONE = "13900001111"


@pytest.fixture
def world(admin: GraphQLClient, client_for: ClientFor) -> w.World:
    return w.build(admin, client_for)


def _reads(engine: Engine) -> list[tuple[str, str, int, str]]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Account.username, PersonalDataRead.subject_type, PersonalDataRead.subject_id, PersonalDataRead.field)
            .join(Account, Account.id == PersonalDataRead.account_id).order_by(PersonalDataRead.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]  # tuple() of a Row loses its column types


def _volunteer(world: w.World, role: str) -> Any:
    return world.clients[role].data(VOLUNTEER, {"id": world.ids["va"]})["node"]


def test_volunteer_phones_are_whole_only_for_the_roles_that_may_see_them(world: w.World, engine: Engine) -> None:
    for role in ("admin", "unit_admin", "dispatcher", "team_leader", "volunteer"):
        seen = _volunteer(world, role)
        assert seen["phone"] == "138****0001", role
        assert seen["phoneFull"] == VA_PHONE, role
    assert _volunteer(world, "analyst") == {"phone": "138****0001", "phoneFull": None, "idNumber": "*" * 18}


def test_an_analyst_grant_beside_a_scoped_role_does_not_open_every_phone(
        world: w.World, client_for: ClientFor) -> None:
    """ANALYST reads everything (de-identified); with a volunteer's own grant beside it, the
    account must not get whole phones of every volunteer it can now read."""
    both = client_for("analyst-and-volunteer",
                      [(Role.ANALYST, {}), (Role.VOLUNTEER, {"volunteer_id": w.pk(world.ids["va"])})])
    other = both.data(VOLUNTEER, {"id": world.ids["vb"]})["node"]
    assert other["phone"] == "138****0002"
    assert other["phoneFull"] is None


def test_id_numbers_are_never_whole(world: w.World) -> None:
    for role in ("admin", "unit_admin", "volunteer", "analyst"):
        id_number = _volunteer(world, role)["idNumber"]
        assert len(id_number) == 18 and id_number[:14] == "*" * 14, role


def test_every_full_read_is_audit_logged_and_masked_reads_are_not(world: w.World, engine: Engine) -> None:
    before = len(_reads(engine))
    _volunteer(world, "analyst")
    world.clients["unit_admin"].data("query V($id: ID!) { node(id: $id) { ... on Volunteer { phone } } }",
                                     {"id": world.ids["va"]})
    assert len(_reads(engine)) == before
    _volunteer(world, "unit_admin")
    assert _reads(engine)[before:] == [("unit_admin-account", "Volunteer", w.pk(world.ids["va"]), "phone")]


def test_resident_phones_on_orders(world: w.World, engine: Engine) -> None:
    ores = world.ids["ores"]
    for role in ("admin", "unit_admin", "dispatcher", "resident"):
        order = world.clients[role].data(ORDER, {"id": ores})["node"]
        assert order == {"residentPhone": "139****1111", "residentPhoneFull": RESIDENT_PHONE}, role
    assert world.clients["analyst"].data(ORDER, {"id": ores})["node"]["residentPhoneFull"] is None
    logged = [row for row in _reads(engine) if row[1] == "Order"]
    assert [row[0] for row in logged] == ["admin-account", "unit_admin-account", "dispatcher-account",
                                          "resident-account"]


NAMES = """
query N($v: ID!, $o: ID!) {
  v: node(id: $v) { ... on Volunteer { name } }
  o: node(id: $o) { ... on Order { residentName } }
}
"""


def test_analysts_see_names_de_identified(world: w.World) -> None:
    variables = {"v": world.ids["va"], "o": world.ids["ores"]}
    assert world.clients["analyst"].data(NAMES, variables) == {"v": {"name": "王*"}, "o": {"residentName": "李*"}}
    assert world.clients["unit_admin"].data(NAMES, variables) == {
        "v": {"name": "王芳"}, "o": {"residentName": "李大爷"},
    }
    listed = world.clients["analyst"].data("query { volunteers { edges { node { name } } } }")["volunteers"]["edges"]
    assert {e["node"]["name"] for e in listed} == {"王*"}


# --- analysts, whatever their other grants (issue 12, M7) ---------------------------------------

VOLUNTEER_FIELDS = """id volunteerNumber name phone phoneFull idNumber homeLocation { lat lon }
       availability { exceptions { note } } teams { name }"""
ORDER_FIELDS = "id code residentName residentPhone residentPhoneFull address location { lat lon } note"
TASK = (f"declineReason volunteer {{ {VOLUNTEER_FIELDS} }} order {{ {ORDER_FIELDS} }} "
        "serviceRecord { corrections { staff reason } }")
#: every path to the volunteer and the order (written out: the cost limit does not expand named fragments)
EVERYTHING = f"""
query Everything($v: ID!, $o: ID!, $run: ID!) {{
  volunteers(first: 50) {{ edges {{ node {{ {VOLUNTEER_FIELDS} }} }} }}
  orders(first: 50) {{ edges {{ node {{ {ORDER_FIELDS} }} }} }}
  node(id: $v) {{ ... on Volunteer {{ {VOLUNTEER_FIELDS} }} }}
  nodes(ids: [$v, $o]) {{ ... on Volunteer {{ {VOLUNTEER_FIELDS} }} ... on Order {{ {ORDER_FIELDS} }} }}
  dispatchRun(id: $run) {{
    reason openOrders {{ edges {{ node {{ order {{ {ORDER_FIELDS} }} }} }} }}
    proposals {{ edges {{ node {{ explanation {{ window contributions }} volunteer {{ {VOLUNTEER_FIELDS} }}
                                  order {{ {ORDER_FIELDS} }} }} }} }}
  }}
  orderTasks(order: $o) {{ {TASK} }}
  myTasks(volunteer: $v) {{ {TASK} }}
  orderHistory(order: $o) {{ actor note }}
  orderRating(order: $o) {{ comment }}
  outbox(first: 100) {{ events {{ payload }} }}
}}
"""
SEARCH = 'query { volunteers(nameContains: "王一") { totalCount } }'
SCENARIO = "query S($id: ID!) { scenarioRun(id: $id) { state reason changes kpis { all } reportHtml } }"
CORRECT = """
mutation Correct($input: ServiceRecordCorrectInput!) { serviceRecordCorrect(input: $input) { userErrors { code } } }
"""
HOME, PLACE = (34.3312, 117.9534), (34.3287, 117.9611)  # off the 0.01 degree grid
NOTE, REVIEW_NOTE, COMMENT, CORRECTION = "门禁密码4321，女儿13700002222", "独居老人", "王一医生很耐心", "王一自带药品"


@pytest.fixture
def served(settings: Settings, engine: Engine) -> Iterator[tuple[DispatchClient, dict[str, str]]]:
    """A doctor 王一 who served 李大爷's order: reviewed with a note, dispatched, completed, corrected
    and rated, and a scenario run on the database: (the admin's client, ids and the run's secrets)."""
    api = DispatchClient(settings, engine)
    try:
        world = build_world(api)
        doctor = register_doctor(api, world["east"], world["team"], world["doctor"], *HOME, name="王一")
        resident = token_for(settings, engine, "zhang.san", [(Role.RESIDENT, {})], password=None)
        submitted = api.data_as(resident, ORDER_SUBMIT, {"input": {
            "item": world["item"], "unit": world["east"], "residentName": "李大爷", "residentPhone": RESIDENT_PHONE,
            "location": {"lat": PLACE[0], "lon": PLACE[1]}, "address": "幸福小区3栋201", "note": NOTE,
            "windowStart": f"{DAY}T09:00:00", "windowEnd": f"{DAY}T11:00:00", "channel": "HOTLINE"}})
        order = submitted["orderSubmit"]["order"]["id"]
        api.ok(ORDER_REVIEW, {"input": {"order": order, "note": REVIEW_NOTE}}, "orderReview")
        run = start_run(api, world["center"])
        assert len(api.wait_run(run)["proposals"]) == 1
        api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
        task = api.data(ORDER_TASKS, {"order": order})["orderTasks"][0]["id"]
        for field, document, at in (("assignmentAccept", ASSIGNMENT_ACCEPT, None),
                                    ("assignmentCheckIn", ASSIGNMENT_CHECK_IN, f"{DAY}T09:00:00"),
                                    ("assignmentCheckOut", ASSIGNMENT_CHECK_OUT, f"{DAY}T11:00:00")):
            api.ok(document, {"input": {"assignment": task, "volunteer": doctor, "at": at}}, field)
        api.ok(CORRECT, {"input": {"assignment": task, "minutes": 10, "reason": CORRECTION}}, "serviceRecordCorrect")
        rated = api.data_as(resident, ORDER_RATE, {"input": {"order": order, "score": 5, "comment": COMMENT}})
        assert rated["orderRate"]["userErrors"] == []
        center = api.data("query($id: ID!) { node(id: $id) { ... on Unit { code } } }", {"id": world["center"]})
        analyst = token_for(settings, engine, "analyst-m7", [(Role.ANALYST, {})], password=None)
        started = api.data_as(analyst, "mutation($t: String!) { scenarioRunStart(input: {toml: $t}) { run { id } } }",
                              {"t": f'name = "m7"\n[base]\nkind = "database"\nunit = "{center["node"]["code"]}"\n'
                                    f'date_from = "{DAY}"\n[engine]\ntime_limit = 2\nworkers = 1\n'})
        scenario_runs.drain(60)
        number = api.data("query($id: ID!) { node(id: $id) { ... on Volunteer { volunteerNumber } } }",
                          {"id": doctor})["node"]["volunteerNumber"]
        yield api, {"volunteer": doctor, "order": order, "run": run, "center": world["center"],
                    "scenario": started["scenarioRunStart"]["run"]["id"], "number": number}
    finally:
        api.close()


def _volunteers_and_orders(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if "volunteerNumber" in data or "residentName" in data:
            yield data
        for value in data.values():
            yield from _volunteers_and_orders(value)
    elif isinstance(data, list):
        for value in data:
            yield from _volunteers_and_orders(value)


def test_m7_analysts_read_no_personal_data_whatever_their_other_grants(
        served: tuple[DispatchClient, dict[str, str]], settings: Settings, engine: Engine) -> None:
    api, ids = served
    variables = {"v": ids["volunteer"], "o": ids["order"], "run": ids["run"]}
    secrets = ["王一", ids["number"], "13812345678", "李大爷", RESIDENT_PHONE, "幸福小区", NOTE, REVIEW_NOTE, COMMENT,
               CORRECTION, "zhang.san", "platform-admin", *(str(x) for x in (*HOME, *PLACE))]
    center = w.pk(ids["center"])
    accounts = {
        "analyst": [(Role.ANALYST, {})],
        "analyst and volunteer": [(Role.ANALYST, {}), (Role.VOLUNTEER, {"volunteer_id": w.pk(ids["volunteer"])})],
        "analyst and unit admin": [(Role.ANALYST, {}), (Role.UNIT_ADMIN, {"unit_id": center})],
        "analyst and platform admin": [(Role.ANALYST, {}), (Role.PLATFORM_ADMIN, {})],
    }
    pseudonyms = set()
    for who, grants in accounts.items():
        token = token_for(settings, engine, who.replace(" ", "-"), grants, password=None)
        seen = {**api.data_as(token, EVERYTHING, variables), **api.data_as(token, SCENARIO, {"id": ids["scenario"]})}
        assert seen["scenarioRun"]["state"] == "SUCCEEDED", seen["scenarioRun"]["reason"]
        text = json.dumps(seen, ensure_ascii=False)
        assert [s for s in secrets if s in text] == [], who
        objects = list(_volunteers_and_orders(seen))
        assert len(objects) >= 10, who  # every path above reached the volunteer and the order
        for obj in objects:
            if "volunteerNumber" in obj:
                assert obj["name"] == "王*" and obj["phoneFull"] is None and set(obj["idNumber"]) == {"*"}, who
                assert obj["homeLocation"] == {"lat": 34.33, "lon": 117.95}, who
                pseudonyms.add(obj["volunteerNumber"])
            else:
                assert (obj["residentName"], obj["address"], obj["note"]) == ("李*", "幸*", "*"), who
                assert obj["location"] == {"lat": 34.33, "lon": 117.96} and obj["residentPhoneFull"] is None, who
        assert {e["actor"] for e in seen["orderHistory"]} == {"p*", "z*"} and seen["orderRating"]["comment"] == "*"
        refused = api.client.post("/graphql", json={"query": SEARCH}, headers={"Authorization": f"Bearer {token}"})
        assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["FORBIDDEN"], who
    assert len(pseudonyms) == 1 and pseudonyms.pop().startswith("anon-")  # stable: distinct volunteers counted
    # the scenario's stored record, the report's source, has the map's points on the grid
    with session_factory(engine)() as session:
        record = session.get(ScenarioRun, globalid.decode_pk(ids["scenario"], "ScenarioRun")).record  # type: ignore[union-attr]
    points = [x for point in record["requests"] for x in point[:2]] + [x for line in record["lines"] for x in line]
    assert points and all(abs(x * 100 - round(x * 100)) < 1e-6 for x in points), points
    # a unit admin without ANALYST still reads all of it
    unit_admin = token_for(settings, engine, "unit-admin-m7", [(Role.UNIT_ADMIN, {"unit_id": center})], password=None)
    text = json.dumps(api.data_as(unit_admin, EVERYTHING, variables), ensure_ascii=False)
    assert [s for s in secrets if s not in text] == []
    assert api.data_as(unit_admin, SEARCH) == {"volunteers": {"totalCount": 1}}
