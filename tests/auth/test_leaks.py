"""Tasks and outbox events stay with the people they concern (issue 12, L2).

Two doctors of two teams serve two orders of two centers: the resident's order `o1` in center A
and `o3` in center B, each needing both doctors. Every role reads `orderTasks`, `myTasks` and the
outbox, and gets exactly the tasks (and the events addressed to volunteers) of its own scope,
besides the events about an order as a whole of the orders it reads. Before the fix a volunteer
and a team leader saw every task on an order one of theirs serves, and a dispatcher every task of
a volunteer once proposed for its subtree, on orders of other centers too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from db.models import Role
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_run
from tests.documents import DISPATCH_RUN_COMMIT, ORDER_REVIEW, ORDER_SUBMIT
from tests.schema.support import create_item, create_skill, create_team, create_unit, offer
from wenming.settings import Settings

TASKS = """
query Tasks($o1: ID!, $o3: ID!, $d1: ID!, $d2: ID!) {
  o1: orderTasks(order: $o1) { id }
  o3: orderTasks(order: $o3) { id }
  d1: myTasks(volunteer: $d1) { id }
  d2: myTasks(volunteer: $d2) { id }
  outbox(first: 100) { events { cursor kind volunteer order } }
}
"""


@pytest.fixture
def api(settings: Settings, engine: Engine) -> Iterator[DispatchClient]:
    client = DispatchClient(settings, engine)
    try:
        yield client
    finally:
        client.close()


def _order(api: DispatchClient, token: str | None, item: str, unit: str, start: str, lat: float, lon: float) -> str:
    variables = {"input": {"item": item, "unit": unit, "residentName": "李大爷", "location": {"lat": lat, "lon": lon},
                           "windowStart": f"{DAY}T{start}:00", "windowEnd": f"{DAY}T{int(start[:2]) + 2:02d}:00",
                           "headcount": 2, "channel": "HOTLINE"}}
    data = api.data_as(token, ORDER_SUBMIT, variables) if token else api.data(ORDER_SUBMIT, variables)
    assert data["orderSubmit"]["userErrors"] == []
    order: str = data["orderSubmit"]["order"]["id"]
    api.ok(ORDER_REVIEW, {"input": {"order": order}}, "orderReview")
    return order


def _dispatch(api: DispatchClient, scope: str) -> None:
    run = start_run(api, scope)
    assert len(api.wait_run(run)["proposals"]) == 2
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")


def test_l2_each_role_reads_only_its_own_tasks_and_outbox_events(api: DispatchClient, settings: Settings,
                                                                  engine: Engine) -> None:
    w: dict[str, str] = {}
    for side in ("a", "b"):
        w[f"center_{side}"] = create_unit(api, "CENTER")
        w[f"institute_{side}"] = create_unit(api, "INSTITUTE", w[f"center_{side}"])
        w[f"station_{side}"] = create_unit(api, "STATION", w[f"institute_{side}"], lat=34.33, lon=117.96)
    doctor = create_skill(api, code="doctor")
    team_1, team_2 = create_team(api, w["center_a"]), create_team(api, w["center_a"])
    item = create_item(api, doctor, teams=[team_1, team_2])
    offer(api, w["center_a"], item)
    offer(api, w["center_b"], item)
    d1 = register_doctor(api, w["center_a"], team_1, doctor, 34.33, 117.95, name="王一")
    d2 = register_doctor(api, w["center_a"], team_2, doctor, 34.33, 117.95, name="李二")

    def token(name: str, *grants: tuple[Role, dict[str, int]]) -> str:
        return token_for(settings, engine, name, grants, password=None)

    tokens = {
        "volunteer d1": token("volunteer-d1", (Role.VOLUNTEER, {"volunteer_id": pk(d1)})),
        "leader of d1's team": token("leader-1", (Role.TEAM_LEADER, {"team_id": pk(team_1)})),
        "dispatcher of A's institute": token("dispatcher-a", (Role.DISPATCHER, {"unit_id": pk(w["institute_a"])})),
        "dispatcher of B": token("dispatcher-b", (Role.DISPATCHER, {"unit_id": pk(w["center_b"])})),
        "unit admin of A": token("unit-admin-a", (Role.UNIT_ADMIN, {"unit_id": pk(w["center_a"])})),
        "resident of o1": token("resident-1", (Role.RESIDENT, {})),
    }
    o1 = _order(api, tokens["resident of o1"], item, w["station_a"], "09:00", 34.331, 117.961)
    o3 = _order(api, None, item, w["station_b"], "14:00", 34.332, 117.962)
    _dispatch(api, w["center_a"])
    _dispatch(api, w["center_b"])

    variables = {"o1": o1, "o3": o3, "d1": d1, "d2": d2}
    everything = api.data(TASKS, variables)
    task_of: dict[str, tuple[str, str]] = {}
    for order, name in ((o1, "o1"), (o3, "o3")):
        for task in api.data("query($o: ID!) { orderTasks(order: $o) { id volunteer { id } } }",
                             {"o": order})["orderTasks"]:
            task_of[task["id"]] = (name, {d1: "d1", d2: "d2"}[task["volunteer"]["id"]])
    assert sorted(task_of.values()) == [("o1", "d1"), ("o1", "d2"), ("o3", "d1"), ("o3", "d2")]
    names = {o1: "o1", o3: "o3", d1: "d1", d2: "d2", None: None}
    events = {e["cursor"]: (e["kind"], names.get(e["order"], "other"), names[e["volunteer"]])
              for e in everything["outbox"]["events"]}
    assert {(k, o, v) for k, o, v in events.values() if k == "TASK_OFFERED"} == {
        ("TASK_OFFERED", o, v) for o in ("o1", "o3") for v in ("d1", "d2")}

    # role -> (the tasks it may see as (order, volunteer), the orders it reads)
    expected: dict[str, tuple[set[tuple[str, str]], set[str]]] = {
        "volunteer d1": ({("o1", "d1"), ("o3", "d1")}, {"o1", "o3"}),
        "leader of d1's team": ({("o1", "d1"), ("o3", "d1")}, {"o1", "o3"}),
        "dispatcher of A's institute": ({("o1", "d1"), ("o1", "d2")}, {"o1"}),
        "dispatcher of B": ({("o3", "d1"), ("o3", "d2")}, {"o3"}),
        "unit admin of A": ({("o1", "d1"), ("o1", "d2"), ("o3", "d1"), ("o3", "d2")}, {"o1"}),
        "resident of o1": ({("o1", "d1"), ("o1", "d2")}, {"o1"}),
    }
    for role, (tasks, orders) in expected.items():
        seen = api.data_as(tokens[role], TASKS, variables)
        for field in ("o1", "o3", "d1", "d2"):
            got = {task_of[t["id"]] for t in seen[field]}
            want = {t for t in tasks if field in t}
            assert got == want, f"{role}: {field} tasks {sorted(got)}, expected {sorted(want)}"
        got_events = {c for c in (e["cursor"] for e in seen["outbox"]["events"])}
        want_events = {c for c, (_kind, order, volunteer) in events.items()
                       if ((order, volunteer) in tasks if volunteer else order in orders)}
        assert got_events == want_events, (
            f"{role}: outbox {sorted(events[c] for c in got_events - want_events)} too many, "
            f"{sorted(events[c] for c in want_events - got_events)} missing")
