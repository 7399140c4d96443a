"""A real uvicorn server on a socket: GraphQL over HTTP, and the graphql-transport-ws handshake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from db.migrate import upgrade
from db.session import make_engine
from tests.auth.serving import free_port, serve_in_thread, wait_for
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


STATIONS = ('query { units(level: STATION) { totalCount } kunshan: unitByCode(code: "KS-C") { name } '
            "mallItems(first: 1) { totalCount } }")
LIBRARY = "query { projectLibrary { totalCount } projects { totalCount } }"


def test_demo_database_is_recreated_with_pizhou_and_kunshan(tmp_path: Path) -> None:
    # given a demo file left by an earlier run
    demo = tmp_path / "wenming-demo.db"
    prepare_demo(demo, volunteers=30, kunshan_volunteers=10)
    # when the demo is prepared again (loading a city twice into one file would be refused)
    url = prepare_demo(demo, volunteers=30, kunshan_volunteers=10)
    # then the fresh file serves Pizhou's 490 stations, Kunshan's 60, its mall and its projects
    engine = make_engine(url)
    api = GraphQLClient(Settings(database_url=url), engine)
    try:
        data = api.data(STATIONS)
        assert data["units"]["totalCount"] == 490 + 60 and data["kunshan"]["name"] == "昆山市新时代文明实践中心"
        assert data["mallItems"]["totalCount"] > 0
        assert api.data(LIBRARY) == {"projectLibrary": {"totalCount": 5}, "projects": {"totalCount": 11}}
    finally:
        api.close()
        engine.dispose()


def _workers(pid: int) -> list[int]:
    """Worker processes of `pid`: its children started by multiprocessing (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        if parent == pid and "spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts worker processes through /proc")
def test_serve_with_workers_runs_that_many_api_processes_on_one_port(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    upgrade(url)
    port = free_port()
    env = {**os.environ, "WENMING_DATABASE_URL": url, "WENMING_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "wenming", "serve", "--port", str(port), "--workers", "2"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answered() -> bool | None:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200 or None
        except httpx.TransportError:
            return None

    try:
        wait_for(answered, 60, "wenming serve --workers 2 did not answer /healthz")
        for _ in range(20):
            got = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"})
            assert got.json()["data"] == {"__typename": "Query"}
        assert len(wait_for(lambda: _workers(process.pid) if len(_workers(process.pid)) == 2 else None, 30,
                            lambda: f"worker processes: {_workers(process.pid)}")) == 2
    finally:
        process.terminate()
        process.wait(30)
