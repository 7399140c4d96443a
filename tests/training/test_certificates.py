"""Training through the API (served by uvicorn, SQLite and PostgreSQL): a pass issues the
certificate that makes a volunteer eligible for an order through a real dispatch run; past its
last valid day plus the grace period it no longer counts, and the open order's near miss names it;
a volunteer's own skill row never counts for a skill that requires a certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.localtime import LOCAL_TZ
from tests.dispatch.support import DispatchClient
from tests.documents import DISPATCH_RUN_START, ORDER_REVIEW, ORDER_SUBMIT
from tests.training.conftest import GRACE_DAYS
from tests.training.support import (
    CERTIFICATES,
    CERTIFICATION_SET,
    certify,
    create_course,
    create_session,
    day_after,
    team_doctor,
)

PIN = ("mutation P($input: DispatchProposalPinInput!) { dispatchProposalPin(input: $input) { "
       "proposal { id } userErrors { field message code } } }")
NEAR_MISSES = ("query R($id: ID!) { dispatchRun(id: $id) { openOrders { edges { node { order { id } reason "
               "nearMiss { volunteer reason detail } } } } } }")


def order_on(api: DispatchClient, world: dict[str, Any], day: str) -> str:
    """A reviewed resident's order for the world's 义诊 item at the east station on `day`, 09:00-11:00."""
    order: str = api.ok(ORDER_SUBMIT, {"input": {
        "item": world["item"], "unit": world["east"], "residentName": "李大爷",
        "location": {"lat": 34.33, "lon": 117.96},
        "windowStart": f"{day}T09:00:00", "windowEnd": f"{day}T11:00:00", "channel": "HOTLINE"}},
        "orderSubmit")["order"]["id"]
    api.ok(ORDER_REVIEW, {"input": {"order": order}}, "orderReview")
    return order


def dispatch_on(api: DispatchClient, world: dict[str, Any], day: str) -> dict[str, Any]:
    run_id = api.ok(DISPATCH_RUN_START, {"input": {"scope": world["institute"], "from": day, "to": day, "options": {
        "timeLimit": 5, "workers": 1, "seed": 1}}}, "dispatchRunStart")["run"]["id"]
    run = api.wait_run(run_id)
    assert run["state"] == "SUCCEEDED", run
    return run


def proposed(run: dict[str, Any]) -> list[str]:
    return [p["volunteer"]["id"] for p in run["proposals"]]


def test_a_pass_makes_a_volunteer_eligible_until_his_certificate_expires_past_its_grace_period(
        api: DispatchClient, world: dict[str, Any]) -> None:
    required = api.ok(CERTIFICATION_SET, {"input": {"skill": world["doctor"], "requiresCertificate": True}},
                      "skillCertificationSet")["skill"]
    assert required == {"code": "doctor", "requiresCertificate": True}
    doctor = team_doctor(api, world)
    today = dt.datetime.now(LOCAL_TZ).date().isoformat()
    soon = day_after(today, 10)

    # his skill row, set by staff at registration, does not count for a certified skill
    first = order_on(api, world, soon)
    before = dispatch_on(api, world, soon)
    assert proposed(before) == [] and [o["order"]["id"] for o in before["openOrders"]] == [first]

    course = create_course(api, world, validityDays=30)
    session = create_session(api, world, course["id"])
    enrolment = certify(api, session, doctor)
    certificate = enrolment["certificate"]
    assert enrolment["passed"] is True and enrolment["assessedAt"] is not None
    assert (certificate["level"], certificate["issuedOn"], certificate["validUntil"]) == (3, today,
                                                                                          day_after(today, 30))
    listed = api.data(CERTIFICATES, {"v": doctor})["trainingCertificates"]
    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"]["course"]["code"] == course["code"]

    assert proposed(dispatch_on(api, world, soon)) == [doctor], "eligible after passing the course"

    valid_until = certificate["validUntil"]
    in_grace = day_after(valid_until, GRACE_DAYS)
    order_on(api, world, in_grace)
    assert proposed(dispatch_on(api, world, in_grace)) == [doctor], "still counted on the grace period's last day"

    past_grace = day_after(valid_until, GRACE_DAYS + 1)
    late = order_on(api, world, past_grace)
    run = dispatch_on(api, world, past_grace)
    assert proposed(run) == []
    (open_order,) = api.data(NEAR_MISSES, {"id": run["id"]})["dispatchRun"]["openOrders"]["edges"]
    node = open_order["node"]
    assert node["order"]["id"] == late
    assert (node["nearMiss"]["volunteer"], node["nearMiss"]["reason"]) == (doctor, "SKILL_EXPIRED")
    detail = node["nearMiss"]["detail"]
    named = f"certificate {certificate['number']} (应急救护培训) expired on {valid_until}"
    assert named in detail, detail

    # the dispatcher who pins him anyway is told the same
    refused = api.data(PIN, {"input": {"run": run["id"], "order": late, "volunteer": doctor}})["dispatchProposalPin"]
    assert [e["code"] for e in refused["userErrors"]] == ["RULE_BROKEN"]
    message = refused["userErrors"][0]["message"]
    assert message.startswith("H1_SKILL:") and named in message, message


def test_a_renewed_certificate_counts_and_a_skill_without_the_flag_keeps_counting_its_row(
        api: DispatchClient, world: dict[str, Any]) -> None:
    doctor = team_doctor(api, world)
    day = day_after(dt.datetime.now(LOCAL_TZ).date().isoformat(), 3)
    order_on(api, world, day)
    assert proposed(dispatch_on(api, world, day)) == [doctor], "not flagged: the skill row counts as before"

    api.ok(CERTIFICATION_SET, {"input": {"skill": world["doctor"], "requiresCertificate": True}},
           "skillCertificationSet")
    assert proposed(dispatch_on(api, world, day)) == []
    course = create_course(api, world, validityDays=5)
    certify(api, create_session(api, world, course["id"]), doctor)
    far = day_after(day, 5 + GRACE_DAYS + 10)
    order_on(api, world, far)
    assert proposed(dispatch_on(api, world, far)) == []
    longer = create_course(api, world, validityDays=365)
    renewed = certify(api, create_session(api, world, longer["id"]), doctor)["certificate"]
    assert renewed["validUntil"] > far
    assert proposed(dispatch_on(api, world, far)) == [doctor], "the certificate valid longest counts"
