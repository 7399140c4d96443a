"""Subscriptions (graphql-transport-ws) need a credential too: in the `connection_init` payload
(or the handshake's Authorization header); without one a subscription is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from db.models import Account, Role
from db.session import session_factory
from resolvers.access.tokens import issue_access_token
from resolvers.dispatch.live import MAX_SUBSCRIPTIONS_PER_ACCOUNT
from tests.auth.support import token_for
from tests.dispatch.support import DispatchClient
from tests.documents import NOTIFICATIONS
from wenming.settings import Settings


@pytest.fixture
def server(settings: Settings, engine: Engine) -> Iterator[DispatchClient]:
    client = DispatchClient(settings, engine)
    try:
        yield client
    finally:
        client.close()


def _first_message(address: str, init: dict[str, Any]) -> dict[str, Any]:
    with connect(f"ws://{address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        ws.send(json.dumps(init))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))
        return json.loads(ws.recv(timeout=10))


def test_an_anonymous_subscription_is_refused(server: DispatchClient) -> None:
    message = _first_message(server.address, {"type": "connection_init"})
    codes = [e["extensions"]["code"] for e in (message["payload"] if message["type"] == "error"
                                                 else message["payload"]["errors"])]
    assert codes == ["UNAUTHENTICATED"]


def test_a_bad_token_in_connection_init_is_refused(server: DispatchClient) -> None:
    message = _first_message(server.address, {"type": "connection_init", "payload": {"authorization": "Bearer nope"}})
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]


def _messages_until_error(ws: Any, timeout: float) -> dict[str, Any]:
    """Messages of subscription "1" until it ends with errors (returned) or `timeout` passes."""
    while True:
        message = json.loads(ws.recv(timeout=timeout))
        if message["type"] == "error" or (message["type"] == "next" and message["payload"].get("errors")):
            return message


def test_a_subscription_ends_when_its_token_expires(server: DispatchClient, settings: Settings,
                                                    engine: Engine) -> None:
    token_for(settings, engine, "short-lived", [(Role.ANALYST, {})], password=None)
    with session_factory(engine)() as session:
        account_id = session.scalar(select(Account.id).where(Account.username == "short-lived"))
    # a token issued so that it has two seconds left
    lifetime = timedelta(minutes=settings.auth.access_minutes)
    token, _ = issue_access_token(settings.auth, account_id, now=datetime.now(UTC) - lifetime + timedelta(seconds=2))
    with connect(f"ws://{server.address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))
        ended = _messages_until_error(ws, timeout=20)  # the stream polls each second: it ends soon after expiry
    errors = ended["payload"] if ended["type"] == "error" else ended["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]


def test_l6_an_account_holds_a_bounded_number_of_subscriptions(server: DispatchClient) -> None:
    with connect(f"ws://{server.address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": server.headers["Authorization"]}}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        for i in range(MAX_SUBSCRIPTIONS_PER_ACCOUNT + 1):
            ws.send(json.dumps({"id": str(i), "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))
        refused = _messages_until_error(ws, timeout=10)
    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert refused["id"] == str(MAX_SUBSCRIPTIONS_PER_ACCOUNT)
    assert [e["extensions"]["code"] for e in errors] == ["RATE_LIMITED"]
