"""Unique values taken by a concurrent request between the check and the commit.

The race is reproduced by disabling the pre-write duplicate check, so the second write reaches
the database's unique constraint as it would when two requests interleave.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

import resolvers.orders.mutations as orders
from resolvers.core.validation import Checks
from tests.documents import ORDER_SUBMIT, VOLUNTEER_REGISTER
from tests.schema.support import GraphQLClient, create_item, create_skill, create_unit, offer, volunteer_input

COUNTS = "query { volunteers { totalCount } orders { totalCount } }"


@pytest.fixture
def station(api: GraphQLClient) -> str:
    center = create_unit(api, "CENTER")
    return create_unit(api, "STATION", create_unit(api, "INSTITUTE", center))


def test_duplicate_reaching_the_database_is_a_conflict_not_a_crash(
    api: GraphQLClient, station: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a registered volunteer, and the duplicate check skipped as if a request raced us
    first = volunteer_input(station, volunteerNumber="PZ-RACE")
    assert api.data(VOLUNTEER_REGISTER, {"input": first})["volunteerRegister"]["userErrors"] == []
    monkeypatch.setattr(Checks, "unique", lambda *args, **kwargs: None)
    # when the same volunteer number is registered again
    payload = api.data(VOLUNTEER_REGISTER, {"input": volunteer_input(station, volunteerNumber="PZ-RACE")})
    # then the unique constraint's refusal is a user error and nothing more was written
    assert payload["volunteerRegister"] == {"volunteer": None, "userErrors": [{
        "field": ["input"], "code": "CONFLICT",
        "message": "a concurrent request stored the same unique value first: read again and retry"}]}
    assert api.data(COUNTS)["volunteers"]["totalCount"] == 1


def test_order_submit_losing_the_idempotency_race_returns_the_winner(
    api: GraphQLClient, station: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an order stored with key k, and the key lookup blind as if the other request had not committed
    item = create_item(api, create_skill(api))
    offer(api, station, item)
    order = {
        "item": item, "unit": station, "residentName": "王大爷",
        "location": {"lat": 34.3, "lon": 117.9}, "windowStart": "2026-12-05T09:00:00",
        "windowEnd": "2026-12-05T10:00:00", "channel": "APP", "idempotencyKey": "k",
    }
    winner = api.data(ORDER_SUBMIT, {"input": order})["orderSubmit"]
    assert winner["userErrors"] == []
    real_replay = orders._replay
    calls: list[int] = []

    def blind_first(session: Session, key: str, fields: dict[str, Any]) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real_replay(session, key, fields)

    monkeypatch.setattr(orders, "_replay", blind_first)
    # when the same submission is written again
    payload = api.data(ORDER_SUBMIT, {"input": order})["orderSubmit"]
    # then the key's unique constraint refuses it and the first order is answered
    assert payload == winner
    assert api.data(COUNTS)["orders"]["totalCount"] == 1
