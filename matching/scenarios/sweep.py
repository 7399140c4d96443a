"""Sweeps: a grid of scenario variants run in parallel on an executor, with a progress bar.

The grid is the product of each parameter's values (`params.PARAMS`), in the order given.
The scenario is materialised first (`dataset.materialise`): a database base is read once, here,
and a generated base's builder travels with the scenario, so workers need no registration.
Points run on a `concurrent.futures.Executor`: a local `ProcessPoolExecutor` by default, or a
Dask distributed `Client(...).get_executor()` when a `scheduler` address is given (the command
line takes it from `--scheduler` or WENMING_DASK_SCHEDULER). Each point solves with the
scenario's engine settings in its worker and never reaches for the cluster itself. A worker
builds a base once and reuses it for later points (`dataset.build_base` is cached per process).
Results are returned in grid order, whoever finished first.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from matching.executors import executor_for
from matching.scenarios.dataset import materialise
from matching.scenarios.params import apply_point, point_label
from matching.scenarios.runner import RunRecord, run
from matching.scenarios.spec import Scenario


def grid(params: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Every combination of the parameters' values, first parameter varying slowest."""
    names = list(params)
    return [dict(zip(names, combo)) for combo in itertools.product(*(params[n] for n in names))]


def run_point(scenario: Scenario, point: dict[str, Any]) -> RunRecord:
    """One grid point (module level, so it pickles to pool and Dask workers), named
    `<scenario> [<point label>]`."""
    rec = run(apply_point(scenario, point), point=point)
    return dataclasses.replace(rec, name=f"{scenario.name} [{point_label(point)}]")


def run_sweep(scenario: Scenario, points: list[dict[str, Any]], jobs: int = 2, scheduler: str | None = None,
              pool: cf.Executor | None = None, show_progress: bool = True) -> list[RunRecord]:
    """Run every point; `pool` (an executor you own) overrides jobs/scheduler; `jobs=1` runs
    in this process one by one (no executor)."""
    scenario = materialise(scenario)
    results: list[RunRecord | None] = [None] * len(points)
    progress = Progress(TextColumn("sweep {task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), disable=not show_progress, transient=False,
                        console=Console(stderr=True))
    with progress:
        task = progress.add_task(scenario.name, total=len(points))
        if pool is None and jobs == 1 and not scheduler:
            for i, point in enumerate(points):
                results[i] = run_point(scenario, point)
                progress.advance(task)
        else:
            with (_borrowed(pool) if pool is not None else executor_for(jobs, scheduler)) as ex:
                assert ex is not None  # a scheduler, or jobs > 1: never the in-process case
                futures = {ex.submit(run_point, scenario, point): i for i, point in enumerate(points)}
                for fut in cf.as_completed(futures):
                    results[futures[fut]] = fut.result()
                    progress.advance(task)
    return [r for r in results if r is not None]


@contextmanager
def _borrowed(pool: cf.Executor) -> Iterator[cf.Executor | None]:
    yield pool
