"""Change requests (M10): what a volunteer may not change himself (skills and levels, insurance,
limits, ...) he asks staff for; a unit admin over his unit (another account) approves it through
volunteerUpdate's own path, or declines it with a reason. Never deleted; withdrawable while pending."""

from __future__ import annotations

from typing import Any

from db.models import Role
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.schema.support import GraphQLClient, register_volunteer

REQUEST = ("request { id state proposed previous note submittedBy decidedBy decidedAt decisionNote "
           "volunteer { id } }")
ASK = f"""
mutation R($input: VolunteerChangeRequestInput!) {{
  volunteerChangeRequest(input: $input) {{ {REQUEST} userErrors {{ field code }} }} }}
"""
APPROVE = f"""
mutation A($input: VolunteerChangeRequestApproveInput!) {{
  volunteerChangeRequestApprove(input: $input) {{ {REQUEST} userErrors {{ field code }} }} }}
"""
DECLINE = f"""
mutation D($input: VolunteerChangeRequestDeclineInput!) {{
  volunteerChangeRequestDecline(input: $input) {{ {REQUEST} userErrors {{ field code }} }} }}
"""
WITHDRAW = f"""
mutation W($input: VolunteerChangeRequestWithdrawInput!) {{
  volunteerChangeRequestWithdraw(input: $input) {{ {REQUEST} userErrors {{ field code }} }} }}
"""
REQUESTS = """
query Q($state: RequestState) { volunteerChangeRequests(state: $state) { totalCount edges { node { id state } } } }
"""
PROFILE = """
query P($id: ID!) { node(id: $id) { ... on Volunteer { insuranceValidUntil maxTravelKm maxMinutesPerDay status
  skills { skill { id } level } domains unit { id } } } }
"""


def _errors(payload: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def _ask(client: GraphQLClient, volunteer: str, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = client.data(ASK, {"input": {"volunteer": volunteer, **fields}})["volunteerChangeRequest"]
    return payload


def test_m10_a_volunteer_requests_a_change_staff_approve(admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    ids, volunteer, staff = world.ids, world.clients["volunteer"], world.clients["unit_admin"]
    before = admin.data(PROFILE, {"id": ids["va"]})["node"]
    asked = _ask(volunteer, ids["va"], skills=[{"skill": ids["skill"], "level": 4, "certifiedUntil": "2028-06-30"}],
                 insuranceValidUntil="2030-01-01", maxTravelKm=20.0, note="新证书")
    assert asked["userErrors"] == []
    request = asked["request"]
    assert (request["state"], request["note"], request["submittedBy"]) == ("PENDING", "新证书", "volunteer-account")
    assert request["proposed"] == {"skills": [{"skill": ids["skill"], "level": 4, "certifiedUntil": "2028-06-30"}],
                                   "insuranceValidUntil": "2030-01-01", "maxTravelKm": 20.0}
    assert admin.data(PROFILE, {"id": ids["va"]})["node"] == before  # a request changes nothing yet
    assert _errors(_ask(volunteer, ids["va"], maxTravelKm=30.0)) == [(["input", "volunteer"], "REQUEST_PENDING")]
    approved = staff.data(APPROVE, {"input": {"requestId": request["id"], "note": "证书已核"}})
    approved = approved["volunteerChangeRequestApprove"]
    assert approved["userErrors"] == []
    decided = approved["request"]
    assert (decided["state"], decided["decidedBy"], decided["decisionNote"]) == ("APPROVED", "unit_admin-account",
                                                                                 "证书已核")
    assert decided["decidedAt"] is not None
    assert decided["previous"] == {"skills": [], "insuranceValidUntil": None, "maxTravelKm": before["maxTravelKm"]}
    after = admin.data(PROFILE, {"id": ids["va"]})["node"]
    assert (after["skills"], after["insuranceValidUntil"], after["maxTravelKm"]) == (
        [{"skill": {"id": ids["skill"]}, "level": 4}], "2030-01-01", 20.0)
    assert volunteer.data(REQUESTS, {"state": "APPROVED"})["volunteerChangeRequests"]["totalCount"] == 1


def test_m10_a_change_request_is_declined_with_reason_and_never_deleted(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    ids, volunteer, staff = world.ids, world.clients["volunteer"], world.clients["unit_admin"]
    before = admin.data(PROFILE, {"id": ids["va"]})["node"]
    request = _ask(volunteer, ids["va"], maxMinutesPerDay=600)["request"]["id"]
    blank = staff.data(DECLINE, {"input": {"requestId": request, "reason": ""}})["volunteerChangeRequestDecline"]
    assert _errors(blank) == [(["input", "reason"], "REQUIRED")]
    declined = staff.data(DECLINE, {"input": {"requestId": request, "reason": "每日时长需体检证明"}})
    declined = declined["volunteerChangeRequestDecline"]["request"]
    assert (declined["state"], declined["decisionNote"]) == ("DECLINED", "每日时长需体检证明")
    late = staff.data(APPROVE, {"input": {"requestId": request}})["volunteerChangeRequestApprove"]
    assert _errors(late) == [(["input", "requestId"], "REQUEST_STATE")]
    again = _ask(volunteer, ids["va"], domains=["HEALTH"])["request"]["id"]
    withdrawn = volunteer.data(WITHDRAW, {"input": {"requestId": again}})["volunteerChangeRequestWithdraw"]
    assert withdrawn["userErrors"] == [] and withdrawn["request"]["state"] == "WITHDRAWN"
    listed = volunteer.data(REQUESTS, {})["volunteerChangeRequests"]
    assert [e["node"]["state"] for e in listed["edges"]] == ["DECLINED", "WITHDRAWN"]
    assert admin.data(PROFILE, {"id": ids["va"]})["node"] == before


def test_m10_nobody_approves_a_change_request_of_his_own(admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    ids = world.ids
    # va is also a unit admin over his center: staff, but not for his own request
    both = client_for("va-staff", [(Role.VOLUNTEER, {"volunteer_id": w.pk(ids["va"])}),
                                   (Role.UNIT_ADMIN, {"unit_id": w.pk(ids["center_a"])})])
    request = _ask(both, ids["va"], insuranceValidUntil="2031-01-01")["request"]["id"]
    own = both.data(APPROVE, {"input": {"requestId": request}})["volunteerChangeRequestApprove"]
    assert _errors(own) == [(["input", "requestId"], "OWN_REQUEST")]
    assert admin.data(PROFILE, {"id": ids["va"]})["node"]["insuranceValidUntil"] is None
    other = world.clients["unit_admin"].data(APPROVE, {"input": {"requestId": request}})
    assert other["volunteerChangeRequestApprove"]["request"]["state"] == "APPROVED"


def test_m10_a_volunteer_asks_only_for_himself_and_approval_keeps_every_check(
        admin: GraphQLClient, client_for: ClientFor) -> None:
    world = w.build(admin, client_for)
    ids, volunteer, staff = world.ids, world.clients["volunteer"], world.clients["unit_admin"]
    # a volunteer who also leads va's team sees va, but asks only for himself
    mate = register_volunteer(admin, ids["station_a"])
    leader = client_for("mate-leader", [(Role.VOLUNTEER, {"volunteer_id": w.pk(mate)}),
                                        (Role.TEAM_LEADER, {"team_id": w.pk(ids["team_a"])})])
    assert _errors(_ask(leader, ids["va"], maxTravelKm=5.0)) == [(["input", "volunteer"], "FORBIDDEN")]
    assert _errors(_ask(volunteer, ids["vb"], maxTravelKm=5.0)) == [(["input", "volunteer"], "NOT_FOUND")]
    # what volunteerUpdate refuses, a request refuses too
    bad = _ask(volunteer, ids["va"], skills=[{"skill": ids["skill"], "level": 9}], maxMinutesPerDay=2000)
    assert sorted(_errors(bad)) == [(["input", "maxMinutesPerDay"], "OUT_OF_RANGE"),
                                    (["input", "skills", "0", "level"], "OUT_OF_RANGE")]
    assert _errors(_ask(volunteer, ids["va"], note="随便")) == [(["input"], "REQUIRED")]
    assert admin.data(REQUESTS, {})["volunteerChangeRequests"]["totalCount"] == 0
    # approval goes through volunteerUpdate's rules: A's admin cannot move va into network B
    moved = _ask(volunteer, ids["va"], unit=ids["station_b"])["request"]["id"]
    refused = staff.data(APPROVE, {"input": {"requestId": moved}})["volunteerChangeRequestApprove"]
    assert [code for _, code in _errors(refused)] == ["FORBIDDEN"]
    assert admin.data(PROFILE, {"id": ids["va"]})["node"]["unit"] == {"id": ids["station_a"]}
    assert staff.data(REQUESTS, {"state": "PENDING"})["volunteerChangeRequests"]["totalCount"] == 1
