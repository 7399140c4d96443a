"""A province day: N generated counties solved as one job on a Dask cluster, against the same
counties solved one by one in this process. Not part of the test run.

    python -m benchmarks.province_bench                                  # 150,000 x 3,000 a county
    python -m benchmarks.province_bench --volunteers 20000 --requests 400 --counts 1,2,4
    python -m benchmarks.province_bench --scheduler tcp://dask-scheduler:8786   # a real cluster

Counties share no volunteers and no requests, so a province day is N independent problems: each
county is one Dask task (`solve_county`: generate the county's day with its own seed, load it,
`matching.solve` with one worker and the time limit). The engine's own Dask executor
(`SolveOptions.dask_scheduler`) spreads the parts of *one* problem over the cluster; merging N
counties into one problem would only make the engine find the same N pieces again, after
building candidates over a combined volunteer table, and would ship every part to the scheduler.
One task per county keeps each county's memory on one worker and the job's result per county.

For each county count (default 1, 2, 4, 8): the wall time of the job on the cluster (submit to
the last result), the sum of the same counties solved one by one here (measured in the same run,
before the cluster job, each county generated and solved exactly as in the task), their ratio
(the speed-up), and the peak resident memory of each Dask worker (its process's high-water mark,
`VmHWM`; without `--scheduler` a fresh LocalCluster per count so the figure is that count's).
The staffing of each county is compared on both paths (same seed, one worker, a deterministic
budget; a solve cut by the wall clock on a loaded machine may differ).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from contextlib import ExitStack
from typing import Any

DEFAULT_COUNTS = (1, 2, 4, 8)


def solve_county(seed: int, volunteers: int, requests: int, time_limit: float) -> dict[str, Any]:
    """Generate and solve county `seed`; its figures (runs on a Dask worker or here)."""
    from examples.problems.generate import generate
    from matching import SolveOptions, load_problem, solve

    started = time.perf_counter()
    problem = load_problem(generate(volunteers, requests, seed=seed))
    loaded = time.perf_counter()
    result = solve(problem, SolveOptions(time_limit=time_limit, workers=1, seed=seed, explain=False))
    done = time.perf_counter()
    return {"seed": seed, "assigned": len(result.assignments), "staffing": result.objective.staffing,
            "load_s": loaded - started, "solve_s": done - loaded, "wall_s": done - started}


def warm_up() -> None:
    """Import the generator and the engine on a worker, so that the timed job does not pay it."""
    import examples.problems.generate  # noqa: F401
    import matching  # noqa: F401


def peak_rss_mb() -> float:
    """This process's resident-memory high-water mark in MB: VmHWM of /proc/self/status (Linux),
    which starts afresh at exec, unlike ru_maxrss, which keeps what the forking parent held."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_cluster(address: str | None, workers: int, threads: int, memory_limit: str, seeds: list[int],
               volunteers: int, requests: int, time_limit: float
               ) -> tuple[float, list[dict[str, Any]], dict[str, float]]:
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if address is None:
            cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                                                       memory_limit=memory_limit, dashboard_address=":0"))
            address = cluster.scheduler_address
        client = stack.enter_context(Client(address))
        client.wait_for_workers(1)
        client.run(warm_up)
        started = time.perf_counter()
        futures = [client.submit(solve_county, s, volunteers, requests, time_limit, pure=False) for s in seeds]
        results = client.gather(futures)
        wall = time.perf_counter() - started
        peaks = client.run(peak_rss_mb)
    return wall, results, peaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=150_000, help="volunteers per county")
    parser.add_argument("--requests", type=int, default=3_000, help="requests per county")
    parser.add_argument("--counts", default=",".join(map(str, DEFAULT_COUNTS)), help="county counts to run")
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds per county")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler (tcp://host:8786), not a LocalCluster")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="LocalCluster worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per LocalCluster worker")
    parser.add_argument("--memory-limit", default="auto", help="memory limit per LocalCluster worker")
    parser.add_argument("--json", default=None, help="write the figures to this file")
    args = parser.parse_args(argv)
    counts = sorted({int(c) for c in args.counts.split(",") if c.strip()})
    if not counts or counts[0] < 1 or counts[-1] > 64:
        parser.error("--counts: between 1 and 64 counties")
    if not (1 <= args.volunteers <= 1_000_000 and 0 <= args.requests <= 50_000):
        parser.error("--volunteers 1..1,000,000 and --requests 0..50,000 per county")

    # One by one, here: every county of the largest count (the smaller counts are its prefixes).
    alone: dict[int, dict[str, Any]] = {}
    for seed in range(1, counts[-1] + 1):
        alone[seed] = solve_county(seed, args.volunteers, args.requests, args.time_limit)
        print(f"county {seed} alone: {alone[seed]['wall_s']:.1f} s (solve {alone[seed]['solve_s']:.1f} s), "
              f"{alone[seed]['assigned']} assigned", flush=True)
    local_peak = peak_rss_mb()

    rows = []
    for count in counts:
        seeds = list(range(1, count + 1))
        wall, results, peaks = on_cluster(args.scheduler, args.workers, args.threads, args.memory_limit, seeds,
                                          args.volunteers, args.requests, args.time_limit)
        serial = sum(alone[s]["wall_s"] for s in seeds)
        same = all(r["assigned"] == alone[r["seed"]]["assigned"] for r in results)
        rows.append({"counties": count, "cluster_s": wall, "one_by_one_s": serial, "speedup": serial / wall,
                     "same_staffing": same, "worker_peak_mb": sorted(peaks.values(), reverse=True),
                     "assigned": sum(r["assigned"] for r in results)})
        print(f"{count} counties on the cluster: {wall:.1f} s", flush=True)

    where = args.scheduler or f"LocalCluster {args.workers} workers x {args.threads} thread(s)"
    print()
    print(f"{args.volunteers:,} volunteers x {args.requests:,} requests a county; time limit {args.time_limit:g} s; "
          f"{where}; {os.cpu_count()} CPUs here; load average {os.getloadavg()[0]:.1f}")
    print("counties  cluster s  one by one s  speed-up  same staffing  peak MB per worker")
    for row in rows:
        peaks_text = ", ".join(f"{p:,.0f}" for p in row["worker_peak_mb"])
        print(f"{row['counties']:8d}  {row['cluster_s']:9.1f}  {row['one_by_one_s']:12.1f}  {row['speedup']:7.2f}x"
              f"  {'yes' if row['same_staffing'] else 'NO':>13}  {peaks_text}")
    print(f"one by one in this process: peak RSS {local_peak:,.0f} MB")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"volunteers": args.volunteers, "requests": args.requests, "time_limit": args.time_limit,
                       "where": where, "rows": rows, "alone": list(alone.values()), "local_peak_mb": local_peak},
                      out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
