"""Watching a run: the progress subscription streams each phase of a run as it happens (the
problem build is held back here so the run is caught mid-way), in order, ending with the result."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from resolvers import runs
from tests.dispatch.support import DispatchClient, register_doctor, start_run, submit_order

RUN_PROGRESS = """
subscription RunProgress($run: ID!) {
  dispatchRunProgress(run: $run) { state progress { phase partsDone partsTotal bestObjective { staffing } } }
}
"""

PHASES = ["queued", "building", "candidates", "solving", "storing", "done"]


def test_the_subscription_streams_each_phase_until_the_end(
        api: DispatchClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)
    release, building = threading.Event(), threading.Event()
    real_build = runs.build

    def held_build(*args: Any, **kwargs: Any) -> Any:
        building.set()
        release.wait(30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(runs, "build", held_build)
    run = start_run(api, world["center"])
    assert building.wait(30)
    with api.subscription(RUN_PROGRESS, {"run": run}) as next_update:
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
