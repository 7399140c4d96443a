"""A real uvicorn server on a socket: GraphQL over HTTP, and the graphql-transport-ws handshake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from db.session import make_engine
from tests.auth.serving import serve_in_thread
from tests.auth.support import admin_headers
from tests.documents import UNIT_CREATE, UNIT_NODE
from tests.schema.support import GraphQLClient
from wenming.app import create_app
from wenming.server import prepare_demo
from wenming.settings import Settings


@pytest.fixture
def server_url(settings: Settings, engine: Engine) -> Iterator[str]:
    with serve_in_thread(create_app(settings, engine=engine)) as address:
        yield address


def test_graphql_over_http(server_url: str, settings: Settings, engine: Engine) -> None:
    with httpx.Client(base_url=f"http://{server_url}", headers=admin_headers(settings, engine)) as client:
        created = client.post("/graphql", json={"query": UNIT_CREATE, "variables": {"input": {
            "code": "PZ", "name": "邳州市新时代文明实践中心", "level": "CENTER",
            "location": {"lat": 34.33, "lon": 117.96},
        }}}).json()["data"]["unitCreate"]
        unit_id = created["unit"]["id"]
        fetched = client.post("/graphql", json={"query": UNIT_NODE, "variables": {"id": unit_id}})
    assert fetched.status_code == 200
    assert fetched.json()["data"] == {"node": {"name": "邳州市新时代文明实践中心", "level": "CENTER", "children": []}}


def test_graphql_transport_ws_handshake(server_url: str) -> None:
    with connect(f"ws://{server_url}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "connection_ack"}


STATIONS = "query { units(level: STATION) { totalCount } }"


def test_demo_database_is_recreated_with_pizhou(tmp_path: Path) -> None:
    # given a demo file left by an earlier run
    demo = tmp_path / "wenming-demo.db"
    prepare_demo(demo, volunteers=30)
    # when the demo is prepared again (loading Pizhou twice into one file would be refused)
    url = prepare_demo(demo, volunteers=30)
    # then the fresh file serves Pizhou's 490 stations
    engine = make_engine(url)
    api = GraphQLClient(Settings(database_url=url), engine)
    try:
        assert api.data(STATIONS) == {"units": {"totalCount": 490}}
    finally:
        api.close()
        engine.dispose()
