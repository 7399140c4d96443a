"""No double spend and no negative stock under concurrency (PostgreSQL: twenty threads, each its
own app, event loop and connection, released together): twenty volunteers redeeming the last piece
of an item get one success and nineteen OUT_OF_STOCK; one volunteer redeeming twenty times at once
with points for one spends them once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine

from db.models import Role
from db.session import make_engine
from tests.auth.support import token_for
from tests.recognition.support import MALL_REDEEM, REDEMPTIONS, Mall, pk
from tests.schema.support import GraphQLClient, register_volunteer
from wenming.settings import Settings

CONCURRENT = 20


def _race(settings: Settings, db_url: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Send every (token, input) of `calls` as mallRedeem at the same moment; the codes of each."""
    wide = make_engine(db_url, pool_size=len(calls) + 5)
    barrier = threading.Barrier(len(calls), timeout=60)
    outcomes: list[Any] = []

    def redeem(token: str, data: dict[str, Any]) -> None:
        client = GraphQLClient(settings, wide, headers={"Authorization": f"Bearer {token}"})
        try:
            barrier.wait()
            payload = client.data(MALL_REDEEM, {"input": data})["mallRedeem"]
            outcomes.append([e["code"] for e in payload["userErrors"]] or "redeemed")
        finally:
            client.close()

    threads = [threading.Thread(target=redeem, args=call) for call in calls]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a redemption did not finish within 120 s"
    finally:
        wide.dispose()
    return outcomes


def _volunteers(mall: Mall, settings: Settings, engine: Engine, count: int) -> list[tuple[str, str]]:
    """(volunteer id, token) of `count` new volunteers at the station, each given 50 points."""
    made = []
    for n in range(count):
        volunteer = register_volunteer(mall.admin, mall.ids["station"])
        mall.ids[f"racer{n}"] = volunteer
        mall.give(f"racer{n}", 50)
        made.append((volunteer, token_for(settings, engine, f"racer{n}", [(Role.VOLUNTEER,
                                                                           {"volunteer_id": pk(volunteer)})],
                                          password=None)))
    return made


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_twenty_volunteers_racing_for_the_last_piece_get_one_success(
        mall: Mall, settings: Settings, engine: Engine, db_url: str) -> None:
    item = mall.item(name="最后一张门票", price=30, stock=1)
    racers = _volunteers(mall, settings, engine, CONCURRENT)
    outcomes = _race(settings, db_url, [(token, {"item": item, "volunteer": v}) for v, token in racers])
    assert sorted(map(str, outcomes)) == sorted(["redeemed"] + ["['OUT_OF_STOCK']"] * (CONCURRENT - 1))
    assert mall.stock(item) == 0
    balances = sorted(mall.balance(f"racer{n}") for n in range(CONCURRENT))
    assert balances == [20] + [50] * (CONCURRENT - 1)
    assert mall.admin.data(REDEMPTIONS)["mallRedemptions"]["totalCount"] == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_one_volunteer_redeeming_at_once_twenty_times_spends_his_points_once(
        mall: Mall, settings: Settings, engine: Engine, db_url: str) -> None:
    item = mall.item(name="环保袋", price=40, stock=100)
    ((volunteer, token),) = _volunteers(mall, settings, engine, 1)  # 50 points: one bag
    outcomes = _race(settings, db_url, [(token, {"item": item, "volunteer": volunteer})] * CONCURRENT)
    assert sorted(map(str, outcomes)) == sorted(["redeemed"] + ["['INSUFFICIENT_POINTS']"] * (CONCURRENT - 1))
    assert (mall.balance("racer0"), mall.stock(item)) == (10, 99)


def test_the_race_helper_reports_every_outcome(mall: Mall, settings: Settings, engine: Engine, db_url: str) -> None:
    """On both backends, the helper sees each call's answer (SQLite serialises the writers)."""
    item = mall.item(name="书签", price=10, stock=2)
    racers = _volunteers(mall, settings, engine, 3)
    outcomes = _race(settings, db_url, [(token, {"item": item, "volunteer": v}) for v, token in racers])
    assert sorted(map(str, outcomes)) == sorted(["redeemed", "redeemed", "['OUT_OF_STOCK']"])
    assert mall.stock(item) == 0


