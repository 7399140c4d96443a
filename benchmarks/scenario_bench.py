"""Scenario sweep benchmark (issue 6 "Performance"): 12 runs of a Pizhou day, three ways.

    python -m benchmarks.scenario_bench                        # county day: 150,000 volunteers, 3,000 requests
    python -m benchmarks.scenario_bench --volunteers 10000 --requests 1000 --time-limit 5   # quicker

The grid is max_travel_km = 5, 8, 12, 20 x demand_scale = 0.8, 1, 1.2 (12 points) over one
generated base. Each way runs in a fresh child process, so each starts cold and builds the base
itself (the generator plus `load_problem`), exactly as `wenming scenario sweep` would:

- one by one: the 12 points in one process (one base build);
- local pool: `ProcessPoolExecutor` with 2 workers (each worker builds the base once);
- Dask: a 2-worker `distributed.LocalCluster` (1 thread each), started before the clock and
  reported separately (each worker builds the base once).

Printed: wall time of each way, speed-up over one by one, the sum of the engine's solve times,
the base build time, and whether all three ways produced the same KPIs (wall-clock KPIs aside;
a point that hits its time limit may legitimately differ).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from examples.problems import scenario_base
from matching.scenarios.kpis import without_timings
from matching.scenarios.spec import Scenario, parse_scenario
from matching.scenarios.sweep import grid, run_sweep

GRID = {"max_travel_km": (5.0, 8.0, 12.0, 20.0), "demand_scale": (0.8, 1.0, 1.2)}
MODES = ("sequential", "pool", "dask")


def _scenario(volunteers: int, requests: int, time_limit: float) -> Scenario:
    scenario_base.register()  # `kind = "generated"`: the examples' generator, as `wenming scenario` does
    return parse_scenario(f'name = "bench"\nseed = 1\n[base]\nkind = "generated"\nvolunteers = {volunteers}\n'
                          f'requests = {requests}\n[engine]\ntime_limit = {time_limit}\nworkers = 1\n')


def child(mode: str, volunteers: int, requests: int, time_limit: float) -> dict[str, Any]:
    """One way of running the sweep, timed; returns wall time and the points' KPIs."""
    scenario = _scenario(volunteers, requests, time_limit)
    points = grid(GRID)
    startup = 0.0
    cluster = None
    if mode == "dask":
        from distributed import LocalCluster  # optional dependency (the `distributed` extra)

        t = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
        startup = time.perf_counter() - t
    t0 = time.perf_counter()
    if mode == "sequential":
        recs = run_sweep(scenario, points, jobs=1, show_progress=False)
    elif mode == "pool":
        recs = run_sweep(scenario, points, jobs=2, show_progress=False)
    else:
        assert cluster is not None
        recs = run_sweep(scenario, points, scheduler=cluster.scheduler_address, show_progress=False)
    wall = time.perf_counter() - t0
    if cluster is not None:
        cluster.close()
    return {"mode": mode, "wall": wall, "startup": startup,
            "solve_sum": sum(r.kpis["solve"]["seconds"] for r in recs),
            "point_wall": [r.wall_seconds for r in recs],
            "status": [r.kpis["solve"]["status"] for r in recs],
            "staffing": [r.kpis["staffing"]["overall"]["rate"] for r in recs],
            "kpis": [without_timings(r.kpis) for r in recs]}


def _run_child(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.scenario_bench", "--mode", mode, "--volunteers", str(args.volunteers),
           "--requests", str(args.requests), "--time-limit", str(args.time_limit)]
    env = {k: v for k, v in os.environ.items() if k != "WENMING_DASK_SCHEDULER"}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build_time(args: argparse.Namespace) -> float:
    code = ("import time; from benchmarks.scenario_bench import _scenario; "
            "from matching.scenarios.dataset import build_base; "
            f"s = _scenario({args.volunteers}, {args.requests}, 1); t = time.perf_counter(); "
            "build_base(s.base); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--time-limit", type=float, default=10.0, help="engine time limit per run (s)")
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mode:
        print(json.dumps(child(args.mode, args.volunteers, args.requests, args.time_limit)))
        return 0
    print(f"scenario sweep benchmark: {args.volunteers:,} volunteers, {args.requests:,} requests, "
          f"12 points, engine time limit {args.time_limit:g} s, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    build = _build_time(args)
    print(f"base build (generate + load_problem + side table), once: {build:.1f} s", flush=True)
    rows = {}
    for mode in MODES:
        rows[mode] = _run_child(mode, args)
        r = rows[mode]
        started = f" (cluster start {r['startup']:.1f} s)" if r["startup"] else ""
        print(f"  {mode:<10} wall {r['wall']:7.1f} s" + started
              + f"  engine solve sum {r['solve_sum']:.1f} s  statuses {sorted(set(r['status']))}", flush=True)
    base = rows["sequential"]["wall"]
    print("\n| way | wall s | speed-up vs one by one | engine solve s (sum) |")
    print("|---|---:|---:|---:|")
    names = {"sequential": "one by one", "pool": "local pool, 2 workers", "dask": "Dask LocalCluster, 2 workers"}
    for mode in MODES:
        r = rows[mode]
        print(f"| {names[mode]} | {r['wall']:.1f} | {base / r['wall']:.2f}x | {r['solve_sum']:.1f} |")
    same = rows["sequential"]["kpis"] == rows["pool"]["kpis"] == rows["dask"]["kpis"]
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other work on the machine slows every way)")
    print(f"same KPIs in all three ways: {'yes' if same else 'no (time-limited points may differ)'}")
    print("staffing per point (one by one):", rows["sequential"]["staffing"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
