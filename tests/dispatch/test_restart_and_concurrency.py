"""Runs survive a restart as rows (a run left RUNNING becomes FAILED with a reason), and two
dispatchers committing overlapping runs at the same moment never book a volunteer twice: on
PostgreSQL with two truly parallel transactions (two threads, two connections, row locks), on
SQLite with two connections serialised by BEGIN IMMEDIATE.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db import models
from db.models.dispatch import ACTIVE_ASSIGNMENT, RunState
from db.session import lock_for_write, session_factory
from resolvers.core.errors import MutationAborted
from resolvers.core.globalid import decode_pk, encode
from resolvers.dispatch.commit import commit_run
from tests.dispatch.support import DispatchClient, register_doctor, start_run, submit_order
from tests.documents import DISPATCH_RUN
from wenming.settings import Settings


def test_a_run_left_running_by_a_stopped_server_is_failed_at_startup(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine, session: Session) -> None:
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)
    finished = start_run(api, world["center"])
    assert api.wait_run(finished)["state"] == "SUCCEEDED"
    # A server stopped mid-solve leaves its row RUNNING (simulated: the row as the thread left it).
    interrupted = models.DispatchRun(scope_unit_id=decode_pk(world["center"], "Unit"),
                                     date_from=dt.date(2026, 12, 7),
                                     date_to=dt.date(2026, 12, 7), state=RunState.RUNNING, phase="solving")
    session.add(interrupted)
    session.commit()

    restarted = DispatchClient(settings, engine)  # a new server process on the same database
    try:
        after = restarted.data(DISPATCH_RUN, {"id": encode("DispatchRun", interrupted.id)})["dispatchRun"]
        assert after["state"] == "FAILED"
        assert after["reason"] == ("the server stopped while this run was in progress (its lease expired); "
                                   "start a new run")
        assert after["progress"]["phase"] == "failed"
        assert restarted.data(DISPATCH_RUN, {"id": finished})["dispatchRun"]["state"] == "SUCCEEDED"  # untouched
    finally:
        restarted.close()


def test_parallel_commits_of_overlapping_runs_book_each_volunteer_once(
        api: DispatchClient, world: dict[str, Any], engine: Engine) -> None:
    # One doctor, two stations each ordering a clinic at the same hour: two dispatchers, one per
    # station, each run proposes the same doctor.
    doctor = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.88)
    east_order = submit_order(api, world, world["east"], 34.331, 117.961)
    west_order = submit_order(api, world, world["west"], 34.331, 117.801)
    runs = [start_run(api, world["east"]), start_run(api, world["west"])]
    for run in runs:
        proposals = api.wait_run(run)["proposals"]
        assert [p["volunteer"]["id"] for p in proposals] == [doctor]

    barrier = threading.Barrier(2, timeout=30)
    outcomes: dict[str, Any] = {}
    sessions = session_factory(engine)

    def commit(run: str) -> None:
        with sessions() as session:  # its own connection and transaction
            barrier.wait()  # both transactions start together
            try:
                lock_for_write(session)
                commit_run(session, decode_pk(run, "DispatchRun") or 0, actor=f"dispatcher of {run}")
                session.commit()
                outcomes[run] = "committed"
            except MutationAborted as exc:
                session.rollback()
                outcomes[run] = [(p.code, p.message) for p in exc.problems]

    threads = [threading.Thread(target=commit, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a commit did not finish within 60 s (a lock never released?)"

    winners = [run for run, outcome in outcomes.items() if outcome == "committed"]
    assert len(outcomes) == 2 and len(winners) == 1, outcomes
    (loser,) = set(runs) - set(winners)
    assert [code for code, _ in outcomes[loser]] == ["BOOKING_CONFLICT"]
    assert "already booked" in outcomes[loser][0][1]
    with sessions() as session:
        booked = session.scalar(select(func.count()).select_from(models.Assignment).where(
            models.Assignment.volunteer_id == decode_pk(doctor, "Volunteer"),
            models.Assignment.status.in_(ACTIVE_ASSIGNMENT)))
        statuses = dict(session.execute(select(models.Order.id, models.Order.status)).all())
    assert booked == 1
    won_order = east_order if winners[0] == runs[0] else west_order
    lost_order = west_order if won_order == east_order else east_order
    assert statuses[decode_pk(won_order, "Order")] == "DISPATCHED"
    assert statuses[decode_pk(lost_order, "Order")] == "REVIEWED"  # the refused commit wrote nothing
