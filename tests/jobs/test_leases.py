"""M4: a run belongs to the server process that claimed it, with a lease its heartbeat renews
(jobs/queue.py). Another process starting (two app instances on one database, with two claimants)
never fails a live process's runs; a run whose lease expired is failed with a reason, by the next
process to start or by a running process's periodic sweep, and never stays RUNNING."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from db import models
from db.models.base import utcnow
from db.models.dispatch import RunState
from jobs.queue import HOLDER, LOST
from resolvers.core.globalid import decode_pk
from resolvers.core.settings import RunSettings
from resolvers.scenarios import runs as scenario_runs
from tests.jobs.conftest import CANCEL, LONG, Analyst, read, start, wait_for
from tests.jobs.test_solver_process import solver_processes
from tests.schema.support import GraphQLClient
from wenming.app import recover_runs
from wenming.settings import Settings

ELSEWHERE = "replica-2:4242:5eed"  # another live server process


def insert_run(engine: Engine, name: str, state: RunState, claimed_by: str | None, lease: timedelta | None) -> int:
    with engine.begin() as conn:
        return int(conn.execute(models.ScenarioRun.__table__.insert().values(
            name=name, source="", state=state, reason="", phase="solving", parts_done=0, parts_total=0,
            fingerprint="", created_by="", created_at=utcnow(), claimed_by=claimed_by,
            lease_until=None if lease is None else utcnow() + lease)).inserted_primary_key[0])


def row(engine: Engine, pk: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(models.ScenarioRun.__table__).where(models.ScenarioRun.id == pk)).one()


def short_leases(settings: Settings) -> Settings:
    return dataclasses.replace(settings, runs=RunSettings(lease_seconds=1))


def test_m4_a_process_starting_does_not_fail_another_process_s_live_run(
        settings: Settings, engine: Engine, analyst_for: Analyst) -> None:
    process_a = analyst_for(short_leases(settings))
    live = start(process_a, LONG.format(volunteers=3000, requests=600, workers=1))
    wait_for(lambda: read(process_a, live)["state"] == "RUNNING", 30, "process A's run RUNNING")
    elsewhere = insert_run(engine, "held elsewhere", RunState.RUNNING, ELSEWHERE, timedelta(seconds=60))
    pk = decode_pk(live, "ScenarioRun")
    assert pk is not None
    first = row(engine, pk).lease_until
    wait_for(lambda: row(engine, pk).lease_until > first + timedelta(seconds=1), 5, "the lease renewed")

    GraphQLClient(settings, engine).close()  # process B starts on the same database
    assert recover_runs(engine) == 0  # and sweeps, as it does once a lease

    after = row(engine, pk)
    assert after.state == RunState.RUNNING and after.claimed_by == HOLDER and after.lease_until > utcnow()
    assert read(process_a, live)["state"] == "RUNNING"
    assert row(engine, elsewhere).state == RunState.RUNNING  # a claim of a third process, still live
    cancelled = process_a.data(CANCEL, {"run": live})["scenarioRunCancel"]
    assert cancelled["run"]["state"] == "CANCELLED"


def test_m4_an_expired_lease_is_recovered_with_a_reason_and_never_stays_running(
        settings: Settings, engine: Engine, analyst_for: Analyst, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = [insert_run(engine, f"{state}", state, "replica-3:17:dead", timedelta(seconds=-1))
            for state in (RunState.QUEUED, RunState.RUNNING)]
    unclaimed = insert_run(engine, "from before leases", RunState.RUNNING, None, None)
    analyst = analyst_for(short_leases(settings))  # this process starts: its recovery
    for pk in (*gone, unclaimed):
        failed = row(engine, pk)
        assert (failed.state, failed.phase, failed.reason) == (RunState.FAILED, "failed", LOST)
        assert failed.finished_at is not None

    # This process stalls (its heartbeat stops), its lease runs out, another process's sweep fails
    # the run: when the heartbeat comes back, the run is stopped here, not finished or revived.
    live = start(analyst, LONG.format(volunteers=3000, requests=600, workers=1))
    wait_for(solver_processes, 30, "a solver process")
    pk = decode_pk(live, "ScenarioRun")
    assert pk is not None
    monkeypatch.setattr(scenario_runs.QUEUE, "renew", lambda engine, ids: set())
    with engine.begin() as conn:
        conn.execute(models.ScenarioRun.__table__.update().where(models.ScenarioRun.id == pk)
                     .values(lease_until=utcnow() - timedelta(seconds=1)))
    assert recover_runs(engine) == 1
    monkeypatch.undo()
    wait_for(lambda: not solver_processes(), 5, "the solver stopped")
    scenario_runs.drain(10)
    run = read(analyst, live)
    assert (run["state"], run["reason"]) == ("FAILED", LOST)
