"""The matching benchmark of issue 3: greedy, naive CP-SAT and the engine side by side.

    python -m benchmarks.matching_bench --sizes small,medium,county,week

For each size a synthetic Pizhou problem is generated once (`examples.problems.generate`,
cached under out/bench/), then each method runs in its own process (`benchmarks.bench_run`),
measured from outside: wall time until the result is written, peak RSS of the whole process
tree (pool workers included), then `matching.validate` on the result. Printed per run:
staffing (staffed headcount / demanded, priority-weighted S and its share of the maximum),
total km, max workload (tasks and working minutes of the busiest volunteer), load and solve
seconds, peak RSS, proven gap and violation count; then the ratios engine/greedy and
engine/naive, the engine's phase timings, and the issue's targets with PASS/MISS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.baselines import MAX_PAIR_TESTS
from benchmarks.measure import run_measured
from examples.problems.generate import PRESETS

ENGINE_LIMIT = {"small": 10.0, "medium": 10.0, "county": 10.0, "week": 60.0}
TARGET_WALL_S, TARGET_GAP, TARGET_RSS_MB = 10.0, 0.005, 2048.0


def problem_file(size: str, seed: int, out: Path) -> Path:
    """The generated problem of a preset size, written once and reused."""
    path = out / f"{size}-seed{seed}.json"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "examples.problems.generate", "--preset", size,
                        "--seed", str(seed), "-o", str(path)], check=True)
    return path


def run(method: str, size: str, problem: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One method on one size in a child process; its metrics plus the outside measurements."""
    volunteers, requests, _ = PRESETS[size]
    if method == "naive" and volunteers * requests > MAX_PAIR_TESTS:
        why = (f"{volunteers:,} x {requests:,} = {volunteers * requests:,} pair tests exceed the naive "
               f"model's budget of {MAX_PAIR_TESTS:,}")
        return {"method": method, "skipped": why}
    limit = args.naive_time_limit if method == "naive" else (args.engine_time_limit or ENGINE_LIMIT[size])
    if method == "greedy":
        limit = 0.0
    result, metrics = out / f"{size}-{method}.result.json", out / f"{size}-{method}.metrics.json"
    metrics.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks.bench_run", method, str(problem), str(result), str(metrics),
           "--time-limit", str(limit), "--workers", str(args.workers), "--seed", str(args.seed)]
    measured = run_measured(cmd, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
                            max_tree_mb=args.max_rss_gb * 1024)
    if measured.killed:
        return {"method": method, "error": f"killed: {measured.killed}"}
    if measured.returncode != 0 or not metrics.exists():
        return {"method": method, "error": f"exit {measured.returncode}: {measured.stderr.strip()[-600:]}"}
    data = json.loads(metrics.read_text())
    data.update(wall_s=measured.wall_s, tree_peak_mb=measured.tree_peak_mb,
                max_single_mb=measured.max_single_mb, time_limit=limit)
    return data


def _fmt_row(size: str, d: dict[str, Any]) -> str:
    if "skipped" in d or "error" in d:
        return f"| {size} | {d['method']} | {'skipped' if 'skipped' in d else 'error'}: " \
               f"{d.get('skipped') or d.get('error')} |||||||||||"
    obj, gap = d["objective"], d.get("gap")
    return (f"| {size} | {d['method']} | {d['staffed']:,}/{d['demanded']:,} | {obj['staffing']:,} "
            f"({obj['staffing'] / max(1, d['staffing_max']):.1%}) | {d['km']:,.1f} | {d['max_tasks']} / "
            f"{d['max_minutes']} | {d['load_s']:.1f} | {d['solve_s']:.2f} | {d['wall_s']:.1f} | "
            f"{d['tree_peak_mb']:,.0f} | {'-' if gap is None else f'{gap:.3%}'} | {d['violations']} |")


HEADER = ("| size | method | staffed/demanded | S (share of max) | km | max tasks / min | load s | solve s | "
          "wall s | peak RSS MB | gap | violations |\n|---|---|---|---|---|---|---|---|---|---|---|---|")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def comparisons(size: str, runs: dict[str, dict[str, Any]]) -> list[str]:
    """Ratio lines engine/greedy and engine/naive, the engine's phases, and target checks."""
    eng = runs.get("engine", {})
    if "objective" not in eng:
        return []
    lines = []
    for other in ("greedy", "naive"):
        base = runs.get(other, {})
        if "objective" in base:
            s_ratio = _ratio(eng["objective"]["staffing"], base["objective"]["staffing"])
            per_km = _ratio(eng["km"] / max(1, eng["staffed"]), base["km"] / max(1, base["staffed"]))
            lines.append(f"{size}: engine/{other}: S x{s_ratio}, km x{_ratio(eng['km'], base['km'])}, "
                         f"km per assignment x{per_km}, "
                         f"solve time x{_ratio(eng['solve_s'], base['solve_s'])}")
            if other == "greedy":
                s_eng, s_base = eng["objective"]["staffing"], base["objective"]["staffing"]
                km = "PASS" if eng["km"] <= base["km"] else f"MISS by {eng['km'] - base['km']:,.1f} km"
                if s_eng < s_base:
                    km += " (not comparable: the engine staffs less)"
                elif s_eng > s_base and eng["km"] > base["km"]:
                    km += " (the engine staffs more, and staffing ranks first)"
                lines.append(f"{size}: target engine >= greedy on staffing: "
                             f"{'PASS' if s_eng >= s_base else f'MISS by {s_base - s_eng:,}'}; "
                             f"<= greedy on km: {km}")
    lines.append(f"{size}: engine phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in eng["timings"].items()
                                                            if isinstance(v, (int, float))))
    if size == "county":
        checks = [("solve wall", eng["solve_s"], TARGET_WALL_S, "s"), ("gap", eng["gap"], TARGET_GAP, ""),
                  ("peak RSS", eng["tree_peak_mb"], TARGET_RSS_MB, "MB")]
        for name, value, target, unit in checks:
            if value is None:
                lines.append(f"county: target {name} <= {target:g}: MISS (none reported, "
                             f"status {eng['status']})")
                continue
            verdict = "PASS" if value <= target else f"MISS by {value - target:.3g}{unit}"
            lines.append(f"county: target {name} {value:.4g}{unit} <= {target:g}{unit}: {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,medium,county,week")
    parser.add_argument("--methods", default="greedy,naive,engine")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive-time-limit", type=float, default=60.0)
    parser.add_argument("--engine-time-limit", type=float, default=None,
                        help="seconds for the engine (default: 10, or 60 for the week)")
    parser.add_argument("--out", default="out/bench", help="folder for problems, results and the summary")
    parser.add_argument("--max-rss-gb", type=float, default=8.0,
                        help="kill a run whose process tree grows past this (the machine is shared)")
    args = parser.parse_args(argv)
    sizes, methods = args.sizes.split(","), args.methods.split(",")
    for size in sizes:
        if size not in PRESETS:
            parser.error(f"--sizes: unknown size {size!r} (choose from {', '.join(PRESETS)})")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, dict[str, Any]] = {}
    rows, notes = [], []
    for size in sizes:
        problem = problem_file(size, args.seed, out)
        summary[size] = {}
        for method in methods:
            summary[size][method] = run(method, size, problem, out, args)
            rows.append(_fmt_row(size, summary[size][method]))
            print(rows[-1], flush=True)
        notes.extend(comparisons(size, summary[size]))
    text = "\n".join([HEADER, *rows, "", *notes])
    print("\n" + text)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    (out / "table.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
