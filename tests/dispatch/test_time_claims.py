"""Time claims (M9), through real HTTP: a volunteer's own account of his service times is a
proposal that staff approve (through the check-out bound) or decline with a reason; never
deleted, withdrawable while pending, never decided by the claimant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from db.models import Role
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DAY, DispatchClient, dispatched_task
from tests.documents import ASSIGNMENT_ACCEPT, ASSIGNMENT_CHECK_IN, ASSIGNMENT_CHECK_OUT
from wenming.settings import Settings

CLAIM = ("claim { id state startedAt endedAt note submittedBy decidedBy decidedAt decisionNote oldCreditMinutes "
         "newCreditMinutes volunteer { id } assignment { id status serviceRecord { checkedInAt creditMinutes } } }")


def _mutation(name: str, input_type: str) -> str:
    return f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {CLAIM} userErrors {{ field code }} }} }}"


SUBMIT = _mutation("timeClaimSubmit", "TimeClaimSubmitInput")
APPROVE = _mutation("timeClaimApprove", "TimeClaimApproveInput")
DECLINE = _mutation("timeClaimDecline", "TimeClaimDeclineInput")
WITHDRAW = _mutation("timeClaimWithdraw", "TimeClaimWithdrawInput")
CLAIMS = "query C($state: RequestState) { timeClaims(state: $state) { totalCount edges { node { id state } } } }"
TASK_CLAIMS = """
query T($volunteer: ID!) { myTasks(volunteer: $volunteer) { status serviceRecord { creditMinutes }
  timeClaims { id state } } }
"""


def _errors(payload: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


class Served:
    """A task its doctor served (checked in and out, stamped by the server), and the accounts around it."""

    def __init__(self, api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine,
                 volunteer_grants: list[tuple[Role, dict[str, int]]] | None = None) -> None:
        self.api = api
        self.task, self.holder, self.other = dispatched_task(api, world)
        grants = [(Role.VOLUNTEER, {"volunteer_id": pk(self.holder)}), *(volunteer_grants or [])]
        self.own = token_for(settings, engine, "wang", grants, password=None)
        self.staff = token_for(settings, engine, "center-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["center"])})],
                               password=None)
        act = {"input": {"assignment": self.task, "volunteer": self.holder}}
        for document, field in ((ASSIGNMENT_ACCEPT, "assignmentAccept"), (ASSIGNMENT_CHECK_IN, "assignmentCheckIn"),
                                (ASSIGNMENT_CHECK_OUT, "assignmentCheckOut")):
            assert api.data_as(self.own, document, act)[field]["userErrors"] == []
        self.stamped = self.record()["creditMinutes"]

    def record(self) -> dict[str, Any]:
        return self.api.data(TASK_CLAIMS, {"volunteer": self.holder})["myTasks"][0]["serviceRecord"]

    def submit(self, token: str, start: str = "09:00", end: str = "11:30", **extra: Any) -> dict[str, Any]:
        claim = {"assignmentId": self.task, "startedAt": f"{DAY}T{start}:00", "endedAt": f"{DAY}T{end}:00", **extra}
        return self.api.data_as(token, SUBMIT, {"input": claim})["timeClaimSubmit"]


def test_m9_a_volunteer_s_time_claim_is_a_proposal_staff_approve(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    served = Served(api, world, settings, engine)
    filed = served.submit(served.own, note="忘记签退")
    assert filed["userErrors"] == []
    claim = filed["claim"]
    assert (claim["state"], claim["note"], claim["submittedBy"], claim["decidedBy"]) == ("PENDING", "忘记签退", "wang",
                                                                                         None)
    assert served.record()["creditMinutes"] == served.stamped  # a proposal changes nothing yet
    # the volunteer cannot approve it (the root gate admits staff only)
    refused = api.client.post("/graphql", json={"query": APPROVE, "variables": {"input": {"claimId": claim["id"]}}},
                              headers={"Authorization": f"Bearer {served.own}"}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    approved = api.data_as(served.staff, APPROVE, {"input": {"claimId": claim["id"], "note": "核实"}})
    approved = approved["timeClaimApprove"]
    assert approved["userErrors"] == []
    decided = approved["claim"]
    assert (decided["state"], decided["decidedBy"], decided["decisionNote"]) == ("APPROVED", "center-admin", "核实")
    assert decided["decidedAt"] is not None
    assert (decided["oldCreditMinutes"], decided["newCreditMinutes"]) == (served.stamped, 150)
    assert decided["assignment"]["serviceRecord"]["checkedInAt"].startswith(f"{DAY}T01:00:00")  # 09:00 local, UTC
    assert served.record()["creditMinutes"] == 150
    # both sides read it, the task lists it, and a decided claim does not change again
    mine = api.data_as(served.own, TASK_CLAIMS, {"volunteer": served.holder})["myTasks"][0]
    assert mine["timeClaims"] == [{"id": claim["id"], "state": "APPROVED"}]
    assert api.data_as(served.staff, CLAIMS, {"state": "APPROVED"})["timeClaims"]["totalCount"] == 1
    again = api.data_as(served.staff, DECLINE, {"input": {"claimId": claim["id"], "reason": "x"}})["timeClaimDecline"]
    assert _errors(again) == [(["input", "claimId"], "REQUEST_STATE")]


def test_m9_a_time_claim_is_declined_with_reason_and_never_deleted(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    served = Served(api, world, settings, engine)
    claim = served.submit(served.own)["claim"]["id"]
    second = served.submit(served.own, start="10:00")
    assert _errors(second) == [(["input", "assignmentId"], "REQUEST_PENDING")]
    blank = api.data_as(served.staff, DECLINE, {"input": {"claimId": claim, "reason": "  "}})["timeClaimDecline"]
    assert _errors(blank) == [(["input", "reason"], "REQUIRED")]
    declined = api.data_as(served.staff, DECLINE, {"input": {"claimId": claim, "reason": "签到记录无误"}})
    assert declined["timeClaimDecline"]["claim"]["state"] == "DECLINED"
    assert declined["timeClaimDecline"]["claim"]["decisionNote"] == "签到记录无误"
    assert served.record()["creditMinutes"] == served.stamped
    # a new claim may follow, and the volunteer may withdraw it while pending; every claim stays on record
    other = served.submit(served.own, start="08:30")["claim"]["id"]
    withdrawn = api.data_as(served.own, WITHDRAW, {"input": {"claimId": other}})["timeClaimWithdraw"]
    assert withdrawn["userErrors"] == [] and withdrawn["claim"]["state"] == "WITHDRAWN"
    late = api.data_as(served.staff, APPROVE, {"input": {"claimId": other}})["timeClaimApprove"]
    assert _errors(late) == [(["input", "claimId"], "REQUEST_STATE")]
    states = api.data_as(served.own, CLAIMS, {})["timeClaims"]
    assert [e["node"]["state"] for e in states["edges"]] == ["DECLINED", "WITHDRAWN"]
    assert served.record()["creditMinutes"] == served.stamped


def test_m9_a_volunteer_claims_time_only_on_his_own_task_once_it_is_over(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    task, holder, other = dispatched_task(api, world)
    claim = {"assignmentId": task, "startedAt": f"{DAY}T09:00:00", "endedAt": f"{DAY}T11:00:00"}
    # the other doctor leads the team: he sees the holder's task, but claims only his own
    leader = token_for(settings, engine, "zhao-leader", [(Role.VOLUNTEER, {"volunteer_id": pk(other)}),
                                                         (Role.TEAM_LEADER, {"team_id": pk(world["team"])})],
                       password=None)
    foreign = api.data_as(leader, SUBMIT, {"input": claim})["timeClaimSubmit"]
    assert _errors(foreign) == [(["input", "assignmentId"], "FORBIDDEN")]
    stranger = token_for(settings, engine, "zhao", [(Role.VOLUNTEER, {"volunteer_id": pk(other)})], password=None)
    unseen = api.data_as(stranger, SUBMIT, {"input": claim})["timeClaimSubmit"]
    assert _errors(unseen) == [(["input", "assignmentId"], "NOT_FOUND")]
    own = token_for(settings, engine, "wang", [(Role.VOLUNTEER, {"volunteer_id": pk(holder)})], password=None)
    early = api.data_as(own, SUBMIT, {"input": claim})["timeClaimSubmit"]  # offered, not served yet
    assert _errors(early) == [(["input", "assignmentId"], "TASK_STATE")]
    assert api.data(CLAIMS)["timeClaims"]["totalCount"] == 0


def test_m9_the_credit_bound_holds_on_approval(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    served = Served(api, world, settings, engine)
    wrong = served.submit(served.own, start="10:30", end="10:00")
    assert _errors(wrong) == [(["input", "endedAt"], "OUT_OF_RANGE")]
    elsewhere = served.submit(served.own, start="14:00", end="16:00")  # the task is 09:00-11:00
    assert _errors(elsewhere) == [(["input", "startedAt"], "OUT_OF_RANGE")]
    claim = served.submit(served.own, start="06:00", end="20:00")["claim"]["id"]  # 14 hours on a 2-hour task
    approved = api.data_as(served.staff, APPROVE, {"input": {"claimId": claim}})["timeClaimApprove"]
    assert approved["claim"]["newCreditMinutes"] == 120 + 30
    assert served.record()["creditMinutes"] == 120 + 30


def test_m9_nobody_approves_their_own_time_claim(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    # the doctor is also a unit admin over the center: staff, but not over his own claim
    served = Served(api, world, settings, engine, [(Role.UNIT_ADMIN, {"unit_id": pk(world["center"])})])
    claim = served.submit(served.own)["claim"]["id"]
    for document, field, extra in ((APPROVE, "timeClaimApprove", {}), (DECLINE, "timeClaimDecline", {"reason": "x"})):
        own = api.data_as(served.own, document, {"input": {"claimId": claim, **extra}})[field]
        assert _errors(own) == [(["input", "claimId"], "OWN_REQUEST")]
    assert served.record()["creditMinutes"] == served.stamped
    other = api.data_as(served.staff, APPROVE, {"input": {"claimId": claim}})["timeClaimApprove"]
    assert other["userErrors"] == [] and other["claim"]["state"] == "APPROVED"
