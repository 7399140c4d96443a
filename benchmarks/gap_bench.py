"""The external check at full length: OR-Library GAP instances through the engine's JSON path.

    python -m benchmarks.gap_bench                      # all 60 gap1..gap12 + chu1997 types a, b, c
    python -m benchmarks.gap_bench --only gap1,a05100 --time-limit 5

Each instance is converted by `benchmarks.gapio.gap_problem`, written as problem JSON, read back
with `matching.load_problem`, solved with `matching.solve`, written as result JSON and read back
with `matching.load_result`; the cost is the result's travel level / 1000 (the GAP cost). An
instance is reproduced when every job is staffed and the cost equals the published minimisation
optimum of data.csv. Printed beside it: the plain CP-SAT figures of the shared bench folder
(verify_chu1997.csv for types a-c, gap1-12_optima.csv for gap1..gap12), and a summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.gapio import DEFAULT_BENCH_DIR, gap_problem, published_optima, read_gap, require_bench_dir
from examples.problems.jsonfile import write_problem
from matching import SolveOptions, load_problem, load_result, result_to_json, solve, validate


def instances(bench: Path, types: str) -> list[str]:
    """Instance paths (as in data.csv) of gap1..gap12 (5 each) and of the chu1997 types asked for."""
    names = [f"cattrysse1994/gap{f}-{k}" for f in range(1, 13) for k in range(5)]
    for t in types:
        names += sorted(f"chu1997/{p.name}" for p in (bench / "chu1997").iterdir() if p.name.startswith(t))
    return names


def plain_cpsat(bench: Path) -> dict[str, str]:
    """The shared folder's plain CP-SAT figures per instance, as short text."""
    out = {}
    with (bench / "verify_chu1997.csv").open(newline="") as handle:
        for row in csv.reader(handle):  # path, sense, status, objective, bound, seconds, best known
            out[row[0]] = f"{row[3]} {row[2]} {float(row[5]):.2f}s (60 s limit)"
    with (bench / "gap1-12_optima.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            seconds = float(row["cpsat_min_s"])
            out[row["fontanf_path"]] = f"{row['cpsat_min_obj']} {row['cpsat_min_status']} {seconds:.2f}s"
    return out


def run_one(bench: Path, name: str, optimum: int, options: SolveOptions, tmp: Path) -> dict[str, Any]:
    """One instance through problem JSON -> solve -> result JSON; cost, status, time, check."""
    inst = read_gap(bench / name, name)
    problem_path, result_path = tmp / "problem.json", tmp / "result.json"
    write_problem(gap_problem(inst), problem_path)
    problem = load_problem(problem_path)
    t0 = time.perf_counter()
    result = solve(problem, options)
    seconds = time.perf_counter() - t0
    result_to_json(result, result_path)
    back = load_result(result_path)
    cost = back.objective.travel_m / 1000
    staffed = len(back.assignments) == inst.jobs
    return {"instance": name, "size": f"{inst.agents}x{inst.jobs}", "optimum": optimum, "cost": cost,
            "staffed": staffed, "status": back.status.value, "gap": back.gap, "seconds": seconds,
            "violations": len(validate(problem, back)),
            "reproduced": staffed and round(cost) == optimum and abs(cost - optimum) < 1e-6,
            "timings": dict(back.timings)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gap_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-dir", default=str(DEFAULT_BENCH_DIR))
    parser.add_argument("--types", default="abc", help="chu1997 types to add to gap1..gap12 (default abc)")
    parser.add_argument("--only", help="comma-separated instance names (e.g. gap1-0,a05100)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="out/gap_bench.json")
    args = parser.parse_args(argv)
    bench = require_bench_dir(args.bench_dir)
    optima, plain = published_optima(bench), plain_cpsat(bench)
    names = instances(bench, args.types)
    if args.only:
        wanted = set(args.only.split(","))
        names = [n for n in names if n.split("/")[-1] in wanted]
    options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed, explain=False)
    print("| instance | agents x jobs | optimum | engine cost | status | engine gap | s | violations | "
          "plain CP-SAT (obj status time) | reproduced |\n|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            row = run_one(bench, name, optima[name], options, Path(tmp))
            rows.append(row)
            gap = "-" if row["gap"] is None else f"{row['gap']:.3%}"
            print(f"| {name.split('/')[-1]} | {row['size']} | {row['optimum']} | {row['cost']:g}"
                  f"{'' if row['staffed'] else ' (not all staffed)'} | {row['status']} | {gap} | "
                  f"{row['seconds']:.2f} | {row['violations']} | {plain.get(name, '-')} | "
                  f"{'yes' if row['reproduced'] else 'NO'} |", flush=True)
    print()
    for label, prefix in (("gap1..gap12", "cattrysse1994/"), ("chu1997 a/b/c", "chu1997/")):
        group = [r for r in rows if r["instance"].startswith(prefix)]
        if not group:
            continue
        missed = [r for r in group if not r["reproduced"]]
        short = [r for r in missed if not r["staffed"]]
        worst = max((abs(r["cost"] - r["optimum"]) / r["optimum"] for r in missed if r["staffed"]),
                    default=0.0)
        times = sorted(r["seconds"] for r in group)
        print(f"{label}: reproduced {len(group) - len(missed)}/{len(group)} published optima; "
              f"{len(short)} left jobs unstaffed; worst cost gap of the fully staffed others {worst:.3%}; "
              f"seconds per instance median "
              f"{times[len(times) // 2]:.2f}, max {times[-1]:.2f}, total {sum(times):.1f}; "
              f"violations {sum(r['violations'] for r in group)}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
