"""Process roles: with `WENMING_RUN_EXECUTOR=workers` the API processes only queue runs and
`wenming worker` processes solve them (wenming/worker.py), against one PostgreSQL database, all
real processes on loopback ports: a run started through API process A is solved by the worker,
and a subscriber of API process B sees its progress in order and its final state; restarting A
leaves its runs alone; a cancel through B reaches the worker within seconds (the NOTIFY bridge),
not at its next heartbeat; a worker killed mid-run leaves no RUNNING row once its lease expires.
On both databases, two workers racing take each queued run exactly once, and a run no worker
takes fails saying so."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from db import models
from db.models import Role
from jobs.queue import LOST, NO_WORKER, RunQueue
from resolvers.core.globalid import decode_pk
from resolvers.core.settings import RunSettings
from tests.auth.serving import wait_for, wenming_serve
from tests.auth.support import token_for
from tests.jobs.conftest import CANCEL, LONG, RUN, START, Analyst, read, start
from wenming.app import recover_runs
from wenming.settings import Settings
from wenming.worker import work

SHORT = LONG.replace("time_limit = 120", "time_limit = 1")
LEASE = 30  # seconds: a heartbeat (a third of it) is far slower than the wake-up under test


#: processes sharing a database, and NOTIFY: PostgreSQL only (SQLite is one process's file)
postgres_only = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


class Http:
    """An analyst's GraphQL over HTTP to one API process."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def data(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(self.url, json={"query": query, "variables": variables})
        assert response.status_code == 200, (response.status_code, response.text[:500])
        body = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    def close(self) -> None:
        self.client.close()

    def start(self, toml: str) -> str:
        payload = self.data(START, {"input": {"toml": toml}})["scenarioRunStart"]
        assert payload["userErrors"] == [], payload
        return payload["run"]["id"]  # type: ignore[no-any-return]

    def run(self, run_id: str) -> dict[str, Any]:
        return self.data(RUN, {"id": run_id})["scenarioRun"]  # type: ignore[no-any-return]


@contextmanager
def worker_process(db_url: str, log: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A `wenming worker` subprocess (its own session: its solver children die with it), its log in `log`."""
    environment = {**os.environ, "WENMING_DATABASE_URL": db_url, "WENMING_RUN_EXECUTOR": "workers",
                   "WENMING_RUN_LEASE_SECONDS": str(LEASE), "WENMING_LOG_LEVEL": "WARNING", **env}
    with log.open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "wenming", "worker"], env=environment,
                                   stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


PROGRESS = ("subscription P($run: ID!) { scenarioRunProgress(run: $run) { "
            "state progress { phase } kpis { staffed demanded } } }")


@contextmanager
def subscribed(url: str, token: str, run: str) -> Iterator[Any]:
    """A graphql-transport-ws subscription to the progress of scenario run `run` at API `url`."""
    with connect(url.replace("http://", "ws://"), subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"run": run}}}))
        yield ws


def until_complete(ws: Any) -> list[dict[str, Any]]:
    """Every snapshot the subscription sends, until it completes."""
    seen: list[dict[str, Any]] = []
    while True:
        message = json.loads(ws.recv(timeout=60))
        if message["type"] == "complete":
            return seen
        assert message["type"] == "next" and "errors" not in message["payload"], message
        seen.append(message["payload"]["data"]["scenarioRunProgress"])


@postgres_only
def test_a_run_queued_through_one_api_process_is_solved_by_the_worker_survives_its_restart_and_is_cancelled_at_once(
        db_url: str, engine: Engine, settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    token = token_for(settings, engine, "analyst", [(Role.ANALYST, {})], password=None)
    apis = {"WENMING_RUN_EXECUTOR": "workers", "WENMING_RUN_LEASE_SECONDS": str(LEASE)}
    with ExitStack() as process_a, wenming_serve(tmp_path, db_url, **apis) as (url_b, _):
        url_a, _ = process_a.enter_context(wenming_serve(tmp_path, db_url, **apis))
        a, b = Http(url_a, token), Http(url_b, token)
        request.addfinalizer(a.close)
        request.addfinalizer(b.close)
        queued = a.start(SHORT.format(volunteers=200, requests=40, workers=1))
        time.sleep(0.5)  # no worker yet: the API process does not solve it itself
        assert a.run(queued)["state"] == "QUEUED"
        with subscribed(url_b, token, queued) as ws, worker_process(db_url, tmp_path / "worker.log"):
            seen = until_complete(ws)  # on B, written by the worker
            states = [s["state"] for s in seen]
            assert states[0] == "QUEUED" and "RUNNING" in states and states[-1] == "SUCCEEDED", seen
            assert states == sorted(states, key=["QUEUED", "RUNNING", "SUCCEEDED"].index)  # in order
            # snapshots of the row: a change may be overtaken by the next before the subscriber
            # reads, but what it sees comes in the order the worker wrote it
            phases = [s["progress"]["phase"] for s in seen if s["state"] == "RUNNING"]
            order = ["building", "candidates", "widening", "solving"]
            assert phases and phases == sorted(phases, key=order.index), phases
            assert seen[-1]["kpis"] is not None
            done = b.run(queued)
            assert done["state"] == "SUCCEEDED", done
            with engine.connect() as conn:
                holder = conn.scalar(select(models.ScenarioRun.claimed_by)
                                     .where(models.ScenarioRun.id == decode_pk(queued, "ScenarioRun")))
            assert holder is not None  # claimed (by the worker: the API processes left it QUEUED)

            # the worker's one scenario slot is busy with a long run; a second run waits for it
            long = a.start(LONG.format(volunteers=3000, requests=600, workers=1))
            wait_for(lambda: b.run(long)["state"] == "RUNNING", 60, "the long run RUNNING on the worker")
            waiting = a.start(SHORT.format(volunteers=200, requests=40, workers=1))
            # restarting A, which queued both, touches neither: the worker holds the long one
            process_a.close()
            with wenming_serve(tmp_path, db_url, **apis) as (url_a2, _):
                again = Http(url_a2, token)
                request.addfinalizer(again.close)
                assert again.run(long)["state"] == "RUNNING" and again.run(waiting)["state"] == "QUEUED"
            assert b.run(long)["state"] == "RUNNING" and b.run(waiting)["state"] == "QUEUED"
            cancelled_at = time.monotonic()
            assert b.data(CANCEL, {"run": long})["scenarioRunCancel"]["run"]["state"] == "CANCELLED"
            wait_for(lambda: b.run(waiting)["state"] != "QUEUED", 8,
                     "the cancel reached the worker (its slot freed) before a heartbeat could tell it")
            assert time.monotonic() - cancelled_at < LEASE / 3
            assert wait_for(lambda: (r := b.run(waiting))["state"] in ("SUCCEEDED", "FAILED") and r, 60,
                            "the next run solved")["state"] == "SUCCEEDED"


@postgres_only
def test_a_worker_killed_mid_run_leaves_no_running_row_once_its_lease_expires(
        db_url: str, engine: Engine, settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    token = token_for(settings, engine, "analyst", [(Role.ANALYST, {})], password=None)
    lease = {"WENMING_RUN_EXECUTOR": "workers", "WENMING_RUN_LEASE_SECONDS": "3"}
    with wenming_serve(tmp_path, db_url, **lease) as (url, _):
        api = Http(url, token)
        request.addfinalizer(api.close)
        with worker_process(db_url, tmp_path / "worker.log", WENMING_RUN_LEASE_SECONDS="3") as worker:
            run = api.start(LONG.format(volunteers=3000, requests=600, workers=1))
            wait_for(lambda: api.run(run)["state"] == "RUNNING", 60, "the run RUNNING on the worker")
            os.killpg(worker.pid, signal.SIGKILL)  # the worker and its solver, at once
            killed_at = time.monotonic()
            # the API process's sweep (once a lease) fails the run after its lease expired
            failed = wait_for(lambda: (r := api.run(run))["state"] != "RUNNING" and r, 20, "the run recovered")
            assert (failed["state"], failed["reason"]) == ("FAILED", LOST)
            assert time.monotonic() - killed_at < 3 * 3 + 2  # within the lease and a sweep


def test_two_workers_racing_take_each_queued_run_exactly_once(settings: Settings, engine: Engine,
                                                               analyst_for: Analyst) -> None:
    analyst = analyst_for(dataclasses.replace(settings, runs=RunSettings(executor="workers")))
    queued = {decode_pk(start(analyst, SHORT.format(volunteers=50, requests=10, workers=1)), "ScenarioRun")
              for _ in range(12)}
    workers = [RunQueue("scenario run", workers=1, model=models.ScenarioRun, holder=f"worker-{n}:1:0")
               for n in range(2)]
    taken: list[list[int]] = [[], []]
    gate = threading.Barrier(2)

    def race(n: int) -> None:
        gate.wait()
        while (run_id := workers[n].take(engine, 30)) is not None or len(taken[0]) + len(taken[1]) < len(queued):
            if run_id is not None:
                taken[n].append(run_id)

    threads = [threading.Thread(target=race, args=(n,), daemon=True) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(taken[0] + taken[1]) == sorted(queued)  # every run, none twice
    with engine.connect() as conn:
        holders = dict(conn.execute(select(models.ScenarioRun.id, models.ScenarioRun.claimed_by)).all())
    for n in range(2):
        assert all(holders[run_id] == workers[n].holder for run_id in taken[n])


def test_a_worker_solves_what_the_api_queued_and_a_run_no_worker_takes_fails_saying_so(
        settings: Settings, engine: Engine, analyst_for: Analyst) -> None:
    queueing = dataclasses.replace(settings, runs=RunSettings(executor="workers", lease_seconds=5, wait_seconds=1))
    analyst = analyst_for(queueing)
    run = start(analyst, SHORT.format(volunteers=100, requests=20, workers=1))
    stop = threading.Event()
    worker = threading.Thread(target=work, args=(queueing, stop, engine))
    worker.start()
    try:
        wait_for(lambda: read(analyst, run)["state"] in ("SUCCEEDED", "FAILED"), 60, "the run solved")
        assert read(analyst, run)["state"] == "SUCCEEDED"
    finally:
        stop.set()
        worker.join(60)
    orphan = start(analyst, SHORT.format(volunteers=100, requests=20, workers=1))
    wait_for(lambda: recover_runs(engine) > 0, 10, "the run's wait for a worker (1 s) over")
    assert (read(analyst, orphan)["state"], read(analyst, orphan)["reason"]) == ("FAILED", NO_WORKER)
