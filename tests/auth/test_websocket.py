"""Subscriptions (graphql-transport-ws) need a credential too: in the `connection_init` payload
(or the handshake's Authorization header); without one a subscription is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from websockets.sync.client import connect
from websockets.typing import Subprotocol

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
