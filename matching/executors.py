"""Where parts are solved: in this process, a local process pool, or a Dask cluster.

All three are driven through `concurrent.futures`: `workers=1` without a scheduler runs
in-process (deterministic, no pickling); `workers>1` uses a `ProcessPoolExecutor`; a Dask
scheduler address (`SolveOptions.dask_scheduler`) uses `Client.get_executor()`. Results
come back keyed by part id, so the assembly order never depends on who finished first.
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from matching.options import Budget
from matching.parts import Part
from matching.partsolve import PartResult, solve_part

#: parts with fewer candidate rows than this are solved in-process even when a pool is used
SMALL_PART_ROWS = 300


@contextmanager
def executor_for(workers: int, scheduler: str | None) -> Iterator[cf.Executor | None]:
    """The executor to use (None = in-process)."""
    if scheduler:
        from distributed import Client  # optional dependency: imported only when a cluster is used

        client = Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]  # distributed is unannotated
        try:
            yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]  # as above
        finally:
            client.close()  # type: ignore[no-untyped-call]  # as above
    elif workers > 1:
        with cf.ProcessPoolExecutor(max_workers=workers) as pool:
            yield pool
    else:
        yield None


#: the least time (wall or deterministic seconds) a part solved here is given, when there is that much
MIN_PART_SECONDS = 0.5


def run_parts(parts: list[Part], budget: Budget, seed: int, workers: int, scheduler: str | None,
              progress: Callable[[PartResult, int, int], Any] | None = None) -> dict[int, PartResult]:
    """Solve every part, in parallel when asked; results keyed by part id. `progress` hears of
    each solved part: (its result, parts done, parts in all)."""
    results: dict[int, PartResult] = {}
    remote = parts if scheduler else [p for p in parts if p.size >= SMALL_PART_ROWS]
    local = [] if scheduler else [p for p in parts if p.size < SMALL_PART_ROWS]
    if len(remote) <= 1 and not scheduler:
        remote, local = [], parts
    # CP-SAT search workers per part: the cores left once parts run side by side
    per_part = max(1, workers // max(1, min(len(remote), workers))) if remote else max(1, workers)
    with executor_for(workers if remote else 1, scheduler if remote else None) as pool:
        futures = {}
        if pool is not None:
            futures = {pool.submit(solve_part, p, budget, seed, per_part): p.pid
                       for p in sorted(remote, key=lambda p: -p.size)}
        total_rows = left_rows = sum(p.size for p in local)
        for p in sorted(local, key=lambda p: (p.size, p.pid)):    # small ones first: they finish fast
            solved = results[p.pid] = solve_part(p, _share(budget, p.size, left_rows, total_rows), seed, per_part)
            left_rows -= p.size
            if progress:
                progress(solved, len(results), len(parts))
        for fut in cf.as_completed(futures):
            solved = results[futures[fut]] = fut.result()
            if progress:
                progress(solved, len(results), len(parts))
    return results


def _share(budget: Budget, rows: int, left_rows: int, total_rows: int) -> Budget:
    """The budget of one of the parts solved one after another here: its share by candidate
    rows of the time left (what an earlier part did not use passes on), and its share of the
    deterministic budget, so that the parts together stay within it."""
    det = budget.deterministic
    if det is not None:
        # shares of the deterministic budget only: the clock stays the whole solve's safety cap
        return Budget(budget.deadline, max(det * rows / max(total_rows, 1), MIN_PART_SECONDS))
    now = time.time()
    left = max(budget.deadline - now, 0.0)
    # a small part still gets the least time a search needs (it rarely uses it)
    return Budget(now + min(left, max(left * rows / max(left_rows, 1), MIN_PART_SECONDS)))
