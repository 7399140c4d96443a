"""Watching a run: the progress subscription streams each phase of a run as it happens (the
problem build is held back here so the run is caught mid-way), in order, ending with the result."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from sqlalchemy import Engine

from db.session import session_factory
from jobs.lifecycle import RunProgress
from matching import Objective, Progress
from resolvers.core import globalid
from resolvers.dispatch import runs
from tests.dispatch.support import DispatchClient, start_held_run
from tests.documents import DISPATCH_RUN, DISPATCH_RUN_PROGRESS

PHASES = ["queued", "building", "candidates", "solving", "storing", "done"]


def test_the_subscription_streams_each_phase_until_the_end(
        api: DispatchClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    run, release = start_held_run(api, world, monkeypatch)
    with api.subscription(DISPATCH_RUN_PROGRESS, {"run": run}) as next_update:
        first = next_update()["dispatchRunProgress"]
        release.set()
        updates = [first]
        while (update := next_update()) is not None:
            updates.append(update["dispatchRunProgress"])

    assert (first["state"], first["progress"]["phase"]) == ("RUNNING", "building")
    assert first["progress"]["bestObjective"] is None
    phases = [u["progress"]["phase"] for u in updates]
    assert phases == sorted(phases, key=PHASES.index) and phases[-1] == "done", phases
    last = updates[-1]
    assert last["state"] == "SUCCEEDED"
    assert last["progress"]["partsDone"] == last["progress"]["partsTotal"] >= 1
    assert last["progress"]["bestObjective"] == {"staffing": 3}


def test_a_solved_part_writes_the_objective_so_far_to_the_run(
        api: DispatchClient, world: dict[str, Any], engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a run is RUNNING, the engine's progress event for a solved part puts the objective of
    the parts solved so far on the run, before the result is stored."""
    run, release = start_held_run(api, world, monkeypatch)
    try:
        event = Progress("solving", "solved 1/2 parts", 1, 2, Objective(staffing=5, travel_m=1200))
        run_id = globalid.decode_pk(run, "DispatchRun") or 0
        RunProgress(functools.partial(runs._set, session_factory(engine)), run_id, lambda _: False, True)(event)
        progress = api.data(DISPATCH_RUN, {"id": run})["dispatchRun"]["progress"]
    finally:
        release.set()
    assert progress == {"phase": "building", "partsDone": 1, "partsTotal": 2,
                        "bestObjective": {"staffing": 5, "travelM": 1200}}
    assert api.wait_run(run)["state"] == "SUCCEEDED"
