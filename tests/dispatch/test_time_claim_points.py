"""Approved hours earn points (resolvers/recognition/ledger.py), once: a time claim approved after
the check-out, a second claim of the same times, and twenty staff approving the same claim at the
same moment (PostgreSQL, twenty threads with their own connections) credit the hours once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.session import make_engine, session_factory
from tests.dispatch.support import DispatchClient
from tests.dispatch.test_time_claims import APPROVE, Served
from tests.recognition.support import MY_LEDGER, MY_POINTS
from tests.schema.support import GraphQLClient
from wenming.settings import Settings

CONCURRENT = 20


def _points(api: DispatchClient, served: Served) -> int:
    return int(api.data_as(served.own, MY_POINTS)["myPoints"]["balance"])


def _approve(api: DispatchClient, served: Served, claim: str) -> dict[str, Any]:
    payload: dict[str, Any] = api.data_as(served.staff, APPROVE, {"input": {"claimId": claim}})["timeClaimApprove"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def test_approved_hours_earn_points_once_and_follow_the_latest_approval(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    served = Served(api, world, settings, engine)
    assert _points(api, served) == 0  # checked in and out within a second: no minutes, no points
    # 150 minutes claimed: the default rules count 2 hours at 10 points
    _approve(api, served, served.submit(served.own, start="09:00", end="11:30")["claim"]["id"])
    assert _points(api, served) == 20
    # the same hours approved again earn nothing more
    _approve(api, served, served.submit(served.own, start="09:00", end="11:30")["claim"]["id"])
    assert _points(api, served) == 20
    # fewer hours take back the difference
    _approve(api, served, served.submit(served.own, start="09:00", end="10:00")["claim"]["id"])
    assert _points(api, served) == 10
    entries = api.data_as(served.own, MY_LEDGER)["myLedger"]["edges"]
    assert [(e["node"]["kind"], e["node"]["amount"]) for e in entries] == [("EARN", 20), ("ADJUST", -10)]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_twenty_concurrent_approvals_of_one_claim_credit_the_points_once(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine, db_url: str) -> None:
    served = Served(api, world, settings, engine)
    claim = served.submit(served.own, start="09:00", end="11:30")["claim"]["id"]
    wide = make_engine(db_url, pool_size=CONCURRENT + 5)  # every thread its own connection at once
    barrier = threading.Barrier(CONCURRENT, timeout=60)
    outcomes: list[Any] = []

    def approve() -> None:
        client = GraphQLClient(settings, wide, headers={"Authorization": f"Bearer {served.staff}"})
        try:
            barrier.wait()
            payload = client.data(APPROVE, {"input": {"claimId": claim}})["timeClaimApprove"]
            outcomes.append([e["code"] for e in payload["userErrors"]] or "approved")
        finally:
            client.close()

    threads = [threading.Thread(target=approve) for _ in range(CONCURRENT)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "an approval did not finish within 120 s"
    finally:
        wide.dispose()
    assert outcomes.count("approved") == 1, outcomes
    assert sorted(map(str, outcomes)) == sorted(["approved"] + ["['REQUEST_STATE']"] * (CONCURRENT - 1))
    assert _points(api, served) == 20
    with session_factory(engine)() as session:
        earned = session.scalar(select(func.count()).select_from(models.LedgerTransaction).where(
            models.LedgerTransaction.kind == models.LedgerTransactionKind.EARN))
    assert earned == 1
