"""The Dask path: parts solved on a real `distributed.LocalCluster` (two worker processes)
give the same objective as solving in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matching import Problem, SolveOptions, dump_problem, load_result, solve, validate
from matching.cli import main
from tests.matching.helpers import WALL_GUARD, build, proving, request, volunteer

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as lc:
        yield lc.scheduler_address


def towns() -> Problem:
    """Three towns 40 km apart, volunteers who travel at most 10 km: three independent parts,
    each with more people than places, so the optimum is not trivial."""
    vols = [volunteer(f"V{i}", east_km=40 * (i % 3) + 0.4 * i, max_travel_km=10,
                      skills={"helper": 1, "doctor": 1 + i % 2}) for i in range(18)]
    reqs = [request(f"R{j}", east_km=40 * (j % 3) + 0.1 * j, start=("09:00", "09:30", "14:00")[j % 3],
                    needs=[("helper", 1, 1), ("doctor", 1, 2)], priority=1 + j % 5) for j in range(9)]
    return build(vols, reqs)


def test_dask_cluster_reaches_the_in_process_objective(cluster: str) -> None:
    p = towns()
    local = solve(p, proving(10, seed=3))
    # on the cluster too the searches stop on deterministic time (each part its own budget)
    remote = solve(p, SolveOptions(time_limit=WALL_GUARD, workers=2, seed=3, dask_scheduler=cluster,
                                   deterministic_time=10))
    assert validate(p, remote) == []
    assert remote.parts["count"] == 3
    assert remote.objective == local.objective
    assert remote.status == local.status


def _tasks_seen(address: str) -> int:
    """How many task transitions the scheduler has logged so far."""
    with distributed.Client(address, set_as_default=False) as client:
        return int(client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.transition_log)))


def test_the_environment_variable_sends_the_command_line_solve_to_the_cluster(
        cluster: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    p = towns()
    local = solve(p, proving(10, seed=3))
    dump_problem(p, tmp_path / "towns.json")
    before = _tasks_seen(cluster)
    monkeypatch.setenv("WENMING_DASK_SCHEDULER", cluster)
    # the command line has no deterministic budget: its wall-clock limit is set far beyond what
    # these three small parts need
    assert main([str(tmp_path / "towns.json"), "-o", str(tmp_path / "result.json"), "--workers", "2",
                 "--seed", "3", "--time-limit", str(WALL_GUARD)]) == 0
    assert _tasks_seen(cluster) > before
    result = load_result(tmp_path / "result.json")
    assert validate(p, result) == []
    assert result.objective == local.objective


def test_the_library_reads_no_environment(cluster: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the front doors read WENMING_DASK_SCHEDULER: a solve without `dask_scheduler` stays
    in this machine's processes (a sweep point running on a Dask worker relies on it)."""
    monkeypatch.setenv("WENMING_DASK_SCHEDULER", cluster)
    before = _tasks_seen(cluster)
    solve(towns(), SolveOptions(time_limit=WALL_GUARD, workers=2, seed=3, deterministic_time=10))
    assert _tasks_seen(cluster) == before
