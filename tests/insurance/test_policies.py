"""Insurance policies through the API (served by uvicorn, SQLite and PostgreSQL): the matching gate
takes the policy that covers the order's activity kind on its day, the explanation says when none
does, bad input is refused with nothing written, and staff reach their own subtree only."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.models import Role
from resolvers.insurance import cover
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DAY, DispatchClient, start_run, submit_order
from tests.documents import DISPATCH_RUN_COMMIT, TEAM_MEMBER_ADD, VOLUNTEER_REGISTER
from tests.schema.support import create_item, unique, volunteer_input
from wenming.settings import Settings

POLICY_FIELDS = "policy { id insurer validFrom validUntil withdrawnAt activityKinds teamId volunteers { id } }"
CREATE = ("mutation C($input: InsurancePolicyCreateInput!) { insurancePolicyCreate(input: $input) { "
          f"{POLICY_FIELDS} userErrors {{ field message code }} }} }}")
UPDATE = ("mutation U($input: InsurancePolicyUpdateInput!) { insurancePolicyUpdate(input: $input) { "
          f"{POLICY_FIELDS} userErrors {{ field message code }} }} }}")
WITHDRAW = ("mutation W($input: InsurancePolicyWithdrawInput!) { insurancePolicyWithdraw(input: $input) { "
            f"{POLICY_FIELDS} userErrors {{ field message code }} }} }}")
UNINSURED = ("query U($scope: ID!, $start: Date) { uninsuredAssignments(scope: $scope, start: $start) { "
             "taskId orderId activityKind day volunteer { id } } }")
NEAR_MISSES = ("query R($id: ID!) { dispatchRun(id: $id) { openOrders { edges { node { order { id } reason "
               "nearMiss { volunteer reason detail } } } } } }")
ITEM_CODE = "query I($id: ID!) { node(id: $id) { ... on ServiceItem { code } } }"


def code_of(api: DispatchClient, item: str) -> str:
    code: str = api.data(ITEM_CODE, {"id": item})["node"]["code"]
    return code


def uninsured_doctor(api: DispatchClient, world: dict[str, Any], unit: str = "center") -> str:
    """A doctor of the team (registered at `unit`) near the east station, with no insurance date of his own."""
    payload = api.ok(VOLUNTEER_REGISTER, {"input": volunteer_input(
        world[unit], homeLocation={"lat": 34.33, "lon": 117.95},
        skills=[{"skill": world["doctor"], "level": 3}])}, "volunteerRegister")
    volunteer: str = payload["volunteer"]["id"]
    api.ok(TEAM_MEMBER_ADD, {"input": {"team": world["team"], "volunteer": volunteer}}, "teamMemberAdd")
    return volunteer


def policy_input(world: dict[str, Any], kinds: list[str], **overrides: Any) -> dict[str, Any]:
    return {"unit": world["center"], "insurer": "人保财险", "policyNumber": unique("PICC"), "validFrom": "2026-12-01",
            "validUntil": "2026-12-31", "activityKinds": kinds, **overrides}


def dispatch(api: DispatchClient, world: dict[str, Any], **options: Any) -> dict[str, Any]:
    run = api.wait_run(start_run(api, world["institute"], **options))
    assert run["state"] == "SUCCEEDED", run
    return run


def test_a_policy_of_another_activity_kind_does_not_insure_and_the_explanation_says_so(
        api: DispatchClient, world: dict[str, Any]) -> None:
    other_item = create_item(api, world["doctor"], teams=[world["team"]])
    doctor = uninsured_doctor(api, world)
    api.ok(CREATE, {"input": policy_input(world, [code_of(api, other_item)], volunteers=[doctor])},
           "insurancePolicyCreate")
    order = submit_order(api, world, world["east"], 34.33, 117.96)

    run = dispatch(api, world)

    assert run["proposals"] == []
    (open_order,) = run["openOrders"]
    assert open_order["order"]["id"] == order
    assert open_order["reason"] == "NO_INSURANCE"
    (explained,) = api.data(NEAR_MISSES, {"id": run["id"]})["dispatchRun"]["openOrders"]["edges"]
    near = explained["node"]["nearMiss"]
    assert (near["volunteer"], near["reason"]) == (doctor, "NO_INSURANCE")
    assert f"no insurance cover for {code_of(api, world['item'])} on {DAY}" in near["detail"], near


def test_a_volunteer_covered_by_a_team_policy_is_assigned(api: DispatchClient, world: dict[str, Any]) -> None:
    doctor = uninsured_doctor(api, world)
    kind = code_of(api, world["item"])
    # a policy of the right kind that ended before the service day insures nothing
    api.ok(CREATE, {"input": policy_input(world, [kind], team=world["team"], validFrom="2026-11-01",
                                          validUntil="2026-12-06")}, "insurancePolicyCreate")
    submit_order(api, world, world["east"], 34.33, 117.96)
    assert dispatch(api, world)["openOrders"][0]["reason"] == "NO_INSURANCE"

    policy = api.ok(CREATE, {"input": policy_input(world, [kind], team=world["team"])},
                    "insurancePolicyCreate")["policy"]
    assert policy["teamId"] == world["team"] and policy["volunteers"] == [] and policy["activityKinds"] == [kind]

    run = dispatch(api, world)
    assert [p["volunteer"]["id"] for p in run["proposals"]] == [doctor]
    assert run["openOrders"] == []

    api.ok(WITHDRAW, {"input": {"policy": policy["id"]}}, "insurancePolicyWithdraw")
    assert dispatch(api, world)["openOrders"][0]["reason"] == "NO_INSURANCE", "a withdrawn policy covers nothing"


def test_a_team_policy_insures_when_the_volunteers_are_too_many_to_name_in_sql(
        api: DispatchClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cover, "IN_SQL", 0)  # the covers are then read by kinds and dates, kept for these volunteers
    doctor = uninsured_doctor(api, world)
    kind = code_of(api, world["item"])
    api.ok(CREATE, {"input": policy_input(world, [kind], team=world["team"])}, "insurancePolicyCreate")
    submit_order(api, world, world["east"], 34.33, 117.96)
    assert [p["volunteer"]["id"] for p in dispatch(api, world)["proposals"]] == [doctor]


def test_uninsured_assignments_lists_the_tasks_no_policy_covers(api: DispatchClient, world: dict[str, Any],
                                                                 settings: Settings, engine: Engine) -> None:
    doctor = uninsured_doctor(api, world)
    order = submit_order(api, world, world["east"], 34.33, 117.96)
    run = api.wait_run(start_run(api, world["institute"], requiresInsurance=False))
    assert [p["volunteer"]["id"] for p in run["proposals"]] == [doctor]
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run["id"]}}, "dispatchRunCommit")
    kind = code_of(api, world["item"])

    (row,) = api.data(UNINSURED, {"scope": world["center"], "start": DAY})["uninsuredAssignments"]
    assert (row["orderId"], row["volunteer"]["id"], row["activityKind"], row["day"]) == (order, doctor, kind, DAY)
    assert api.data(UNINSURED, {"scope": world["west"], "start": DAY})["uninsuredAssignments"] == [], \
        "the order is served at the east station"
    assert api.data(UNINSURED, {"scope": world["center"], "start": "2026-12-08"})["uninsuredAssignments"] == []

    # staff of another network see none of it; a volunteer may not ask at all
    other = api.ok("mutation U($input: UnitCreateInput!) { unitCreate(input: $input) { unit { id } "
                   "userErrors { code } } }", {"input": {"code": unique("C"), "name": "外中心", "level": "CENTER",
                                                          "location": {"lat": 34.3, "lon": 117.9}}},
                   "unitCreate")["unit"]["id"]
    foreign = token_for(settings, engine, "foreign-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(other)})])
    assert api.data_as(foreign, UNINSURED, {"scope": world["center"], "start": DAY})["uninsuredAssignments"] == []
    own = token_for(settings, engine, "own-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["institute"])})])
    assert len(api.data_as(own, UNINSURED, {"scope": world["center"], "start": DAY})["uninsuredAssignments"]) == 1
    volunteer = token_for(settings, engine, "doctor", [(Role.VOLUNTEER, {"volunteer_id": pk(doctor)})])
    refused = api.client.post("/graphql", json={"query": UNINSURED, "variables": {"scope": world["center"]}},
                              headers={"Authorization": f"Bearer {volunteer}"}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_far = api.execute("query { uninsuredAssignments(scope: \"x\", days: 32) { day } }")
    assert too_far["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"

    api.ok(CREATE, {"input": policy_input(world, [kind], volunteers=[doctor])}, "insurancePolicyCreate")
    assert api.data(UNINSURED, {"scope": world["center"], "start": DAY})["uninsuredAssignments"] == []


def _policies(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                     for t in (models.InsurancePolicy.__table__, models.InsurancePolicyKind.__table__,
                               models.InsuredVolunteer.__table__))


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"validFrom": "2026-12-31", "validUntil": "2026-12-01"}, ["input", "validUntil"], "OUT_OF_RANGE"),
    ({"activityKinds": []}, ["input", "activityKinds"], "REQUIRED"),
    ({"activityKinds": ["no-such-item"]}, ["input", "activityKinds"], "NOT_FOUND"),
    ({"team": "VGVhbTo5OTk5OTk=", "volunteers": None}, ["input", "team"], "NOT_FOUND"),
    ({"volunteers": ["Vm9sdW50ZWVyOjk5OTk5OQ=="]}, ["input", "volunteers", "0"], "NOT_FOUND"),
    ({"volunteers": []}, ["input", "volunteers"], "REQUIRED"),
    ({"activityKinds": [f"k{i}" for i in range(101)]}, ["input", "activityKinds"], "TOO_LARGE"),
])
def test_bad_policy_input_is_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                                           change: dict[str, Any], field: list[str],
                                                           code: str) -> None:
    doctor = uninsured_doctor(api, world)
    before = _policies(engine)
    data = policy_input(world, [code_of(api, world["item"])], volunteers=[doctor])
    data.update(change)
    payload = api.data(CREATE, {"input": {k: v for k, v in data.items() if v is not None}})["insurancePolicyCreate"]
    assert payload["policy"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], payload["userErrors"]
    assert _policies(engine) == before


def test_update_ends_a_policy_but_never_before_it_starts(api: DispatchClient, world: dict[str, Any],
                                                          engine: Engine) -> None:
    doctor = uninsured_doctor(api, world)
    policy = api.ok(CREATE, {"input": policy_input(world, [code_of(api, world["item"])], volunteers=[doctor])},
                    "insurancePolicyCreate")["policy"]
    refused = api.data(UPDATE, {"input": {"policy": policy["id"], "validUntil": "2026-11-30"}})["insurancePolicyUpdate"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "validUntil"], "OUT_OF_RANGE")]
    ended = api.ok(UPDATE, {"input": {"policy": policy["id"], "validUntil": "2026-12-06"}},
                   "insurancePolicyUpdate")["policy"]
    assert ended["validUntil"] == "2026-12-06" and ended["volunteers"] == [{"id": doctor}]
    withdrawn = api.ok(WITHDRAW, {"input": {"policy": policy["id"]}}, "insurancePolicyWithdraw")["policy"]
    assert withdrawn["withdrawnAt"] is not None
    again = api.data(UPDATE, {"input": {"policy": policy["id"], "validUntil": "2026-12-20"}})["insurancePolicyUpdate"]
    assert [e["code"] for e in again["userErrors"]] == ["ILLEGAL_TRANSITION"]
    assert _policies(engine)[0] == 1, "a policy is never deleted"


def test_a_unit_admin_writes_policies_in_his_subtree_only(api: DispatchClient, world: dict[str, Any],
                                                          settings: Settings, engine: Engine) -> None:
    doctor = uninsured_doctor(api, world, "east")
    kind = code_of(api, world["item"])
    station_admin = token_for(settings, engine, "east-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["east"])})])
    own = api.data_as(station_admin, CREATE, {"input": policy_input(world, [kind], unit=world["east"],
                                                                     volunteers=[doctor])})["insurancePolicyCreate"]
    assert own["userErrors"] == [] and own["policy"]["insurer"] == "人保财险"
    before = _policies(engine)
    above = api.data_as(station_admin, CREATE, {"input": policy_input(world, [kind], volunteers=[doctor])})
    assert [e["code"] for e in above["insurancePolicyCreate"]["userErrors"]] == ["FORBIDDEN"]
    center_policy = api.ok(CREATE, {"input": policy_input(world, [kind], volunteers=[doctor])},
                           "insurancePolicyCreate")["policy"]
    changed = api.data_as(station_admin, UPDATE, {"input": {"policy": center_policy["id"],
                                                            "validUntil": "2026-12-10"}})
    assert [e["code"] for e in changed["insurancePolicyUpdate"]["userErrors"]] == ["FORBIDDEN"]
    withdrawn = api.data_as(station_admin, WITHDRAW, {"input": {"policy": center_policy["id"]}})
    assert [e["code"] for e in withdrawn["insurancePolicyWithdraw"]["userErrors"]] == ["FORBIDDEN"]
    assert _policies(engine)[0] == before[0] + 1
