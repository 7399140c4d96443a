"""H4: a run's solver lives in a child process of its own (jobs/child.py): cancelling the run kills
it (and the engine's pool workers it started) within seconds, and its memory is bounded, so a
runaway scenario fails with "memory limit" instead of growing the server."""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import signal
import time
from typing import Any

import pytest

from jobs.child import solve_apart
from jobs.queue import RunFailed
from resolvers.core.settings import RunSettings
from resolvers.scenarios import runs as scenario_runs
from tests.jobs.conftest import CANCEL, LONG, Analyst, read, start, wait_for
from wenming.settings import Settings, SettingsError, read_settings


def solver_processes() -> list[mp.process.BaseProcess]:
    return [p for p in mp.active_children() if p.name == "wenming solve"]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def memory_kb(field: str) -> int:
    """A line of this process's /proc status (VmRSS: resident now, VmHWM: its peak), in kB."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1])


def test_h4_a_cancelled_run_stops_its_solver_within_seconds(settings: Settings, analyst_for: Analyst) -> None:
    analyst = analyst_for(settings)
    run_id = start(analyst, LONG.format(volunteers=3000, requests=600, workers=2))
    (solver,) = wait_for(solver_processes, 30, "a solver process")
    pgid = solver.pid
    assert pgid is not None
    wait_for(lambda: group_alive(pgid), 10, "the solver's process group")  # the solver and its pool workers
    time.sleep(0.5)  # well into its work
    assert read(analyst, run_id)["state"] == "RUNNING"
    cancelled = analyst.data(CANCEL, {"run": run_id})["scenarioRunCancel"]
    assert cancelled["userErrors"] == [] and cancelled["run"]["state"] == "CANCELLED"
    asked = time.monotonic()
    wait_for(lambda: not group_alive(pgid), 5, "the solver's process group gone")
    assert time.monotonic() - asked < 5
    scenario_runs.drain(10)
    assert not solver_processes()
    run = read(analyst, run_id)
    assert run["state"] == "CANCELLED" and "cancelled by analyst" in run["reason"]


def test_h4_a_run_over_its_memory_limit_fails_without_growing_the_server(
        settings: Settings, analyst_for: Analyst) -> None:
    small = dataclasses.replace(settings, runs=RunSettings(memory_mb=768))
    analyst = analyst_for(small)
    rss, peak = memory_kb("VmRSS"), memory_kb("VmHWM")
    run_id = start(analyst, LONG.format(volunteers=300_000, requests=30_000, workers=1))  # within the input bounds
    scenario_runs.drain(60)
    run = read(analyst, run_id)
    assert run["state"] == "FAILED", run
    assert run["reason"].startswith("memory limit: the run needed more than 768 MB"), run["reason"]
    assert run["progress"]["phase"] == "failed"
    assert memory_kb("VmRSS") - rss < 100_000 and memory_kb("VmHWM") - peak < 100_000  # kB: the server did not grow
    assert not solver_processes()


def test_run_lease_and_memory_limit_are_settings() -> None:
    assert read_settings({}).runs == RunSettings(lease_seconds=30, memory_mb=4096)
    runs = read_settings({"WENMING_RUN_LEASE_SECONDS": "5", "WENMING_RUN_MEMORY_MB": "2048"}).runs
    assert runs == RunSettings(lease_seconds=5, memory_mb=2048)
    with pytest.raises(SettingsError, match="WENMING_RUN_MEMORY_MB"):
        read_settings({"WENMING_RUN_MEMORY_MB": "lots"})


def killed_by_the_system(progress: Any) -> None:
    """A solve the system kills (the kernel's OOM killer, say): no MemoryError, no message."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_solver_process_that_dies_fails_its_run_with_a_reason() -> None:
    with pytest.raises(RunFailed, match=r"stopped unexpectedly \(exit code -9\).*memory limit of 4096 MB"):
        solve_apart(killed_by_the_system, (), memory_mb=4096, progress=print, cancelled=lambda: False, known=())
    assert not solver_processes()
