"""Test support for the dispatch workflow: a client speaking HTTP and graphql-transport-ws to the
app served by a real uvicorn server (tests/auth/serving.py), and builders of a small network
through the API (documents in tests/documents.py).

The network (`build_world`): a center with an institute and two stations, a specialist health
team at the center, the skill `doctor`, a one-doctor 义诊 item provided by the team and offered by
the center, and doctors registered near the stations, insured and in the team. Orders are
submitted, then reviewed, through the public mutations.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
from sqlalchemy import Engine
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from resolvers.dispatch import runs
from resolvers.scenarios import runs as scenario_runs
from tests.auth.serving import serve_in_thread, wait_for
from tests.auth.support import admin_headers
from tests.documents import (
    DISPATCH_RUN,
    DISPATCH_RUN_COMMIT,
    DISPATCH_RUN_START,
    MY_TASKS,
    ORDER_REVIEW,
    ORDER_SUBMIT,
    TEAM_MEMBER_ADD,
    VOLUNTEER_REGISTER,
    run_lists,
)
from tests.schema.support import create_item, create_skill, create_team, create_unit, offer, volunteer_input
from wenming.app import create_app
from wenming.settings import Settings

DAY = "2026-12-07"  # a Monday

FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


class DispatchClient:
    """HTTP and websocket access to one served app; `data()` asserts that there were no GraphQL errors."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.server = ExitStack()
        self.address = self.server.enter_context(serve_in_thread(create_app(settings, engine=engine)))
        try:
            self.headers = admin_headers(settings, engine)  # a platform admin (tests/auth/support.py)
        except BaseException:
            self.server.close()
            raise
        self.client = httpx.Client(base_url=f"http://{self.address}", timeout=60, headers=self.headers)

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post("/graphql", json={"query": document, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.execute(document, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def data_as(self, token: str, document: str, variables: dict[str, Any] | None = None) -> Any:
        """`data()` as the account of `token` instead of the platform admin."""
        response = self.client.post("/graphql", json={"query": document, "variables": variables},
                                    headers={"Authorization": f"Bearer {token}"})
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def ok(self, document: str, variables: dict[str, Any], field: str) -> dict[str, Any]:
        """The payload of mutation `field`, which must have no userErrors."""
        payload = self.data(document, variables)[field]
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload

    @contextmanager
    def subscription(self, document: str, variables: dict[str, Any]) -> Iterator[Any]:
        """Yield a function returning the next `data` pushed over graphql-transport-ws (None at the end)."""
        with connect(f"ws://{self.address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
            ws.send(json.dumps({"type": "connection_init",
                                "payload": {"authorization": self.headers["Authorization"]}}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
            ws.send(json.dumps({"id": "1", "type": "subscribe",
                                "payload": {"query": document, "variables": variables}}))

            def next_data() -> dict[str, Any] | None:
                message = json.loads(ws.recv(timeout=60))
                if message["type"] == "complete":
                    return None
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message["payload"]
                return message["payload"]["data"]

            yield next_data

    def wait_run(self, run_id: str, timeout: float = 60) -> dict[str, Any]:
        """Poll the run until it is final (a successful repair also committed); returns it."""
        last: dict[str, Any] = {}

        def settled() -> dict[str, Any] | None:
            last.update(run_lists(self.data(DISPATCH_RUN, {"id": run_id})["dispatchRun"]))
            repair_to_commit = (last["kind"] == "REPAIR" and last["state"] == "SUCCEEDED" and last["proposals"]
                                and not last["committedAt"] and not last["reason"])
            return dict(last) if last["state"] in FINAL and not repair_to_commit else None

        return wait_for(settled, timeout, lambda: f"run {run_id} still {last['state']}, phase "
                                                  f"{last['progress']['phase']}")

    def close(self) -> None:
        try:
            self.client.close()
            self.server.close()
        finally:
            # no background run may outlive the test's database (its connections would leak)
            runs.drain(60)
            scenario_runs.drain(60)


def register_doctor(api: DispatchClient, unit: str, team: str, doctor_skill: str, lat: float, lon: float,
                    name: str = "王医生") -> str:
    """An insured doctor (level 3) in `team`, living at (lat, lon), available any time."""
    payload = api.ok(VOLUNTEER_REGISTER, {"input": volunteer_input(
        unit, name=name, homeLocation={"lat": lat, "lon": lon}, insuranceValidUntil="2027-12-31",
        skills=[{"skill": doctor_skill, "level": 3}])}, "volunteerRegister")
    volunteer = payload["volunteer"]["id"]
    api.ok(TEAM_MEMBER_ADD, {"input": {"team": team, "volunteer": volunteer}}, "teamMemberAdd")
    return volunteer


def submit_order(api: DispatchClient, world: dict[str, Any], station: str, lat: float, lon: float,
                 start: str = "09:00", end: str = "11:00", review: bool = True) -> str:
    """A resident's order for 义诊 at (lat, lon) on DAY, reviewed unless `review=False`."""
    order = api.ok(ORDER_SUBMIT, {"input": {
        "item": world["item"], "unit": station, "residentName": "李大爷", "location": {"lat": lat, "lon": lon},
        "windowStart": f"{DAY}T{start}:00", "windowEnd": f"{DAY}T{end}:00", "channel": "HOTLINE",
    }}, "orderSubmit")["order"]["id"]
    if review:
        api.ok(ORDER_REVIEW, {"input": {"order": order}}, "orderReview")
    return order


def build_world(api: Any) -> dict[str, Any]:
    """The network of the module docstring (through the API); ids by name."""
    center = create_unit(api, "CENTER")
    institute = create_unit(api, "INSTITUTE", center, name="运河所")
    east = create_unit(api, "STATION", institute, name="东站", lat=34.33, lon=117.96)
    west = create_unit(api, "STATION", institute, name="西站", lat=34.33, lon=117.80)
    doctor = create_skill(api, code="doctor")
    team = create_team(api, center)
    item = create_item(api, doctor, teams=[team])
    offer(api, center, item)
    return {"center": center, "institute": institute, "east": east, "west": west, "doctor": doctor,
            "team": team, "item": item}


def start_run(api: DispatchClient, scope: str, **options: Any) -> str:
    """Start a run over `scope` on DAY. One worker in-process: the engine then budgets its search in
    CP-SAT deterministic time (matching/engine.py), so the same problem and seed give the same
    proposals on every machine; the wall-clock `timeLimit` only guards against a very slow one."""
    payload = api.ok(DISPATCH_RUN_START, {"input": {
        "scope": scope, "from": DAY, "to": DAY, "options": {"timeLimit": 5, "workers": 1, "seed": 1, **options},
    }}, "dispatchRunStart")
    return payload["run"]["id"]


def start_held_run(api: DispatchClient, world: dict[str, Any], monkeypatch: Any) -> tuple[str, threading.Event]:
    """A one-order run held inside its build step: (run id, the event that releases it). The run
    is RUNNING in phase "building" when this returns."""
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)
    release, building = threading.Event(), threading.Event()
    real_build = runs.build

    def held_build(*args: Any, **kwargs: Any) -> Any:
        building.set()
        release.wait(30)  # bounded, so that a test failing before it releases the run does not hold it
        return real_build(*args, **kwargs)

    monkeypatch.setattr(runs, "build", held_build)
    run = start_run(api, world["center"])
    assert building.wait(30), "the run did not reach its build step within 30 s"
    return run, release


def dispatched_task(api: DispatchClient, world: dict[str, Any]) -> tuple[str, str, str]:
    """Two doctors of the team; one order dispatched to the first. Returns (task, its doctor, the other)."""
    submit_order(api, world, world["east"], 34.33, 117.96)
    first = register_doctor(api, world["center"], world["team"], world["doctor"], 34.33, 117.95, name="王医生")
    second = register_doctor(api, world["center"], world["team"], world["doctor"], 34.10, 117.50, name="赵医生")
    run = start_run(api, world["institute"])
    assert api.wait_run(run)["state"] == "SUCCEEDED"
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
    tasks = api.data(MY_TASKS, {"volunteer": first})["myTasks"]
    assert len(tasks) == 1, "the near doctor gets the order"
    return tasks[0]["id"], first, second
