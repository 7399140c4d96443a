"""`wenming match PROBLEM.json [-o RESULT.json] [--time-limit S] [--workers N] [--seed N]`.

Loads and checks the problem, solves it, prints a summary to stdout and writes the result JSON
atomically (a temporary file renamed over the target) when asked. While solving, a progress line
is shown on stderr when stderr is a terminal. Exit codes: 0 solved (any status, an infeasible
problem included), 2 bad input (usage, unreadable or invalid problem: the message names the
JSON path), 1 anything unexpected. Error messages are written to stderr as plain lines, never
wrapped to the terminal's width, so a long path stays whole and can be searched for.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from matching.engine import solve
from matching.errors import ProblemError
from matching.jsonio import load_problem, result_to_json
from matching.options import SolveOptions
from matching.result import Result, format_gap


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wenming match", description="Solve a volunteer matching problem.")
    parser.add_argument("problem", help="problem JSON (format wenming.matching/problem)")
    parser.add_argument("-o", "--output", help="write the result JSON here")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return parser


def summary(result: Result) -> str:
    """A few lines a dispatcher can read: status, levels, gap, counts, time."""
    o = result.objective
    gaps = result.level_gaps()

    def level(name: str, shown: str) -> str:
        return f"{shown} ({format_gap(gaps[name])})"

    lines = [
        f"status      {result.status.value}   gap {format_gap(result.gap)}"
        + (f"  ({result.message})" if result.message else ""),
        (f"levels      {level('staffing', f'staffing {o.staffing}')}   "
         f"{level('travel_m', f'travel {o.travel_m / 1000:.1f} km')}   "
         f"{level('workload', f'workload {o.workload}')}   {level('cohesion', f'cohesion {o.cohesion}')}"),
        (f"assigned    {len(result.assignments)} people, {len(result.open)} requests open, "
         f"{result.parts.get('count', 0)} parts"),
        "time        " + "  ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()),
    ]
    return "\n".join(lines)


def _error(message: str) -> None:
    """One unwrapped line on stderr (a rich console would wrap it to the terminal's width)."""
    print(f"error: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.time_limit <= 0 or args.workers < 1:
        _error("--time-limit must be > 0 and --workers >= 1")
        return 2
    console = Console(stderr=True)
    try:
        with console.status(f"reading {args.problem} ..."):
            problem = load_problem(args.problem)
    except ProblemError as exc:
        _error(f"{args.problem}: {exc}")
        return 2
    console.print(f"read {len(problem.volunteers):,} volunteers and {len(problem.requests):,} requests")
    with console.status("solving: generating candidates ...") as status:
        options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed,
                               dask_scheduler=os.environ.get("WENMING_DASK_SCHEDULER") or None,
                               progress=lambda line: status.update(f"solving: {line}"))
        result = solve(problem, options)
    print(summary(result))
    if args.output:
        result_to_json(result, Path(args.output))
        print(f"result      {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
