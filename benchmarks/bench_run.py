"""One measured benchmark run, meant to be started in its own process by `matching_bench`.

    python -m benchmarks.bench_run METHOD PROBLEM.json RESULT.json METRICS.json [--time-limit S]
        [--workers N] [--seed N]

METHOD is `greedy`, `naive` or `engine`. The run loads the problem through `matching.load_problem`,
solves it, writes the result JSON, prints the line `SOLVED` on stdout (the parent stops sampling
memory there, so the check below is not counted in the run's peak), then validates the result
with `matching.validate` and writes its metrics as JSON. A naive model over budget writes
`{"skipped": reason}` instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from matching import Problem, Result, SolveOptions, load_problem, result_to_json


def _peak_rss_mb() -> float:
    """This process's own high-water RSS (VmHWM) in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def metrics(problem: Problem, result: Result) -> dict[str, Any]:
    """Staffing, distance and workload figures of one result, independent of how it was found."""
    reqs = {r.id: r for r in problem.requests}
    weight = problem.settings.weight
    tasks: dict[str, int] = defaultdict(int)
    minutes: dict[str, int] = defaultdict(int)
    for a in result.assignments:
        tasks[a.volunteer] += 1
        minutes[a.volunteer] += reqs[a.request].time.duration + a.travel_minutes
    return {
        "status": result.status.value,
        "objective": result.objective.as_dict(),
        "gap": result.gap,
        "bound": dict(result.bound),
        "timings": dict(result.timings),
        "parts": {k: v for k, v in dict(result.parts).items() if isinstance(v, (int, float, str))},
        "staffed": len(result.assignments),
        "demanded": sum(r.headcount for r in problem.requests),
        "staffing_max": sum(weight(r.priority) * r.headcount for r in problem.requests),
        "requests_full": len(problem.requests) - len(result.open),
        "km": sum(a.distance_km for a in result.assignments),
        "max_tasks": max(tasks.values(), default=0),
        "max_minutes": max(minutes.values(), default=0),
        "message": result.message,
    }


def _solver(method: str, args: argparse.Namespace) -> Callable[[Problem], Result]:
    """The method as a one-argument function; imported here, so imports are not timed."""
    if method == "greedy":
        from benchmarks.baselines import greedy

        return greedy
    if method == "naive":
        from benchmarks.baselines import naive_cpsat

        return lambda p: naive_cpsat(p, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    from matching import solve

    options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    return lambda p: solve(p, options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_run")
    parser.add_argument("method", choices=["greedy", "naive", "engine"])
    parser.add_argument("problem")
    parser.add_argument("result")
    parser.add_argument("metrics")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    run = _solver(args.method, args)
    t0 = time.perf_counter()
    problem = load_problem(args.problem)
    t1 = time.perf_counter()
    out: dict[str, Any] = {"method": args.method, "load_s": t1 - t0}
    try:
        result = run(problem)
    except Exception as exc:  # a baseline over budget, or an engine failure: report, do not hide
        from benchmarks.baselines import ModelTooLarge

        out["skipped" if isinstance(exc, ModelTooLarge) else "error"] = f"{type(exc).__name__}: {exc}"
        out["solve_s"] = time.perf_counter() - t1
        print("SOLVED", flush=True)
        with open(args.metrics, "w") as handle:
            json.dump(out, handle)
        return 0
    t2 = time.perf_counter()
    result_to_json(result, args.result)
    out.update(solve_s=t2 - t1, main_peak_mb=_peak_rss_mb())
    print("SOLVED", flush=True)
    from matching import validate

    t3 = time.perf_counter()
    violations = validate(problem, result)
    out.update(metrics(problem, result), validate_s=time.perf_counter() - t3, violations=len(violations),
               violation_rules=dict(Counter(v.rule for v in violations)),
               violation_sample=[v.message for v in violations[:3]])
    with open(args.metrics, "w") as handle:
        json.dump(out, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
