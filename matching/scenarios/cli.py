"""`wenming scenario run | compare | sweep`: what-if runs for analysts.

    wenming scenario run FILE [-o DIR]                      KPIs + report for one scenario
    wenming scenario compare A B [...] [-o DIR]             side by side (scenario files or run folders)
    wenming scenario sweep FILE --param k=v1,v2 [...] [-o DIR] [--jobs N] [--scheduler ADDR]

Bases other than a problem JSON need a builder registered by the application (kinds.py):
`wenming scenario` registers `kind = "generated"` (examples/problems/scenario_base.py) and
`kind = "database"` (resolvers/scenarios/base.py; read once, before anything is solved). Run
as `python -m matching.scenarios.cli`, only problem JSON bases can be read.

Outputs go to `scenario-runs/<name>` unless `-o` says otherwise: report.html, kpis.json,
kpis.csv, run.json (and result.json with `[report] include_result = true`); a sweep adds one
folder per point under `points/`. Exit codes: 0 done, 2 bad input (the message names the file
and line or key; nothing is written), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from matching.engine import WALL_CUT
from matching.result import format_gap
from matching.scenarios.compare import HEADLINE, differences
from matching.scenarios.dataset import materialise
from matching.scenarios.errors import ScenarioError
from matching.scenarios.kpis import without_timings
from matching.scenarios.output import load_record, record_files, to_json, write_folder
from matching.scenarios.params import PARAMS, point_label
from matching.scenarios.report import compare_report, kpis_csv, run_report, sweep_report
from matching.scenarios.runner import run
from matching.scenarios.spec import Scenario, load_scenario
from matching.scenarios.sweep import grid, run_sweep

DEFAULT_ROOT = Path("scenario-runs")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wenming scenario", description="What-if scenario runs for analysts")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one scenario file: KPIs and an HTML report")
    run.add_argument("file", type=Path)
    cmp_ = sub.add_parser("compare", help="compare scenario files or earlier run folders side by side")
    cmp_.add_argument("items", nargs="+", type=Path, metavar="A")
    sweep = sub.add_parser("sweep", help="run a grid of variants of one scenario in parallel")
    sweep.add_argument("file", type=Path)
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=V1,V2",
                       help=f"a sweep parameter and its values; one of {', '.join(PARAMS)}")
    sweep.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="local worker processes")
    sweep.add_argument("--scheduler", default=os.environ.get("WENMING_DASK_SCHEDULER") or None,
                       help="Dask scheduler address (default: WENMING_DASK_SCHEDULER)")
    for p in (run, cmp_, sweep):
        p.add_argument("-o", "--output", type=Path, help="output folder (default scenario-runs/<name>)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    return parser


def parse_params(specs: list[str], defaults: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    """`["max_travel_km=3,5,8"]` -> {"max_travel_km": (3.0, 5.0, 8.0)}, over the file's [sweep]."""
    out = dict(defaults)
    for spec in specs:
        name, eq, raw = spec.partition("=")
        name = name.strip()
        where = f"--param {name or spec}"
        if not eq or not name:
            raise ScenarioError(None, where, "write NAME=V1,V2,...")
        if name not in PARAMS:
            raise ScenarioError(None, where, f"unknown sweep parameter; expected one of {', '.join(PARAMS)}")
        values = [v.strip() for v in raw.split(",") if v.strip()]
        if not values:
            raise ScenarioError(None, where, "has no values; give at least one, e.g. max_travel_km=3,5,8")
        def fail(msg: str, w: str = where) -> Exception:
            return ScenarioError(None, w, msg)

        out[name] = tuple(PARAMS[name].convert(v, fail) for v in values)
    return out


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr)


def _env_scheduler() -> str | None:
    """The Dask cluster the engine solves on, as the environment names it (WENMING_DASK_SCHEDULER)."""
    return os.environ.get("WENMING_DASK_SCHEDULER") or None


def _run(args: argparse.Namespace) -> int:
    scenario = materialise(load_scenario(args.file))
    _say(args.quiet, f"scenario {scenario.name}: solving (time limit {scenario.engine.time_limit:g} s)")
    rec = run(scenario, scheduler=_env_scheduler(),
              progress=None if args.quiet else (lambda m: _say(False, f"  {m}")))
    files = {"report.html": run_report(rec, scenario.report.title), **record_files(rec)}
    target = write_folder(args.output or DEFAULT_ROOT / scenario.name, files)
    _summary(rec)
    print(f"report: {target / 'report.html'}")
    return 0


def _summary(rec: Any) -> None:
    k = rec.kpis
    print(f"{rec.name}: staffing {k['staffing']['overall'].get('rate')} "
          f"({k['staffing']['overall'].get('staffed')}/{k['size']['demanded']}), "
          f"open {sum(k['open_by_reason'].values())}, travel p90 {k['travel_km']['p90']} km, "
          f"{k['solve']['status']} gap {format_gap(k['solve']['gap'])} in {k['solve']['seconds']} s")


def _compare(args: argparse.Namespace) -> int:
    if len(args.items) < 2:
        raise ScenarioError(None, "compare", "needs at least two scenario files or run folders")
    loaded: list[Scenario | Path] = []
    for item in args.items:  # check every input before solving anything
        if item.is_dir():
            if not (item / "run.json").is_file():
                raise ScenarioError(item, "", "is a folder without run.json; give a scenario file or a run folder")
            loaded.append(item)
        else:
            loaded.append(materialise(load_scenario(item)))
    recs = []
    for item in loaded:
        if isinstance(item, Path):
            recs.append(load_record(item))
        else:
            _say(args.quiet, f"scenario {item.name}: solving")
            recs.append(run(item, scheduler=_env_scheduler()))
    names = [r.name for r in recs]
    if len(set(names)) < len(names):
        recs = [r if names.count(r.name) == 1 else _renamed(r, f"{r.name}#{i + 1}") for i, r in enumerate(recs)]
    files = {"report.html": compare_report(recs), "kpis.csv": kpis_csv(recs)}
    for i, r in enumerate(recs):
        files.update(record_files(r, prefix=f"runs/{i + 1}/"))
    target = write_folder(args.output or DEFAULT_ROOT / ("compare-" + "-vs-".join(r.name for r in recs)), files)
    for r in recs:
        _summary(r)
    Console(width=max(100, 24 + 22 * (2 * len(recs) - 1))).print(side_by_side(recs))
    print(f"report: {target / 'report.html'}")
    return 0


def side_by_side(recs: list[Any]) -> Table:
    """The headline KPIs of every run, the difference of each to the first, and whether that
    difference is beyond the rerun noise: runs are reproducible, so any difference is real
    unless the wall clock cut one of the two solves (then it may be noise), and solve seconds
    are always the clock's."""
    table = Table(title="headline, side by side")
    table.add_column("KPI")
    for r in recs:
        table.add_column(r.name, justify="right")
    base = recs[0]
    for r in recs[1:]:
        table.add_column(f"{r.name} - {base.name}", justify="right")
    against = [differences(base.kpis, r.kpis) for r in recs[1:]]
    cut = [WALL_CUT in str(r.kpis["solve"].get("message", "")) for r in recs]

    def delta(d: Any, other: int) -> str:
        if d.a == d.b:
            return "0"
        shown = f"{d.difference:+.4g}" if d.difference is not None else "differs"
        if d.key == "solve_seconds":
            return f"{shown} (clock)"
        return f"{shown} (may be noise: cut by the clock)" if cut[0] or cut[other] else shown

    for i, (key, label, get, _sense) in enumerate(HEADLINE):
        shown = [format_gap(get(r.kpis)) if key == "gap" else str(get(r.kpis)) for r in recs]
        table.add_row(label, *shown, *[delta(diffs[i], j + 1) for j, diffs in enumerate(against)])
    return table


def _renamed(rec: Any, name: str) -> Any:
    return replace(rec, name=name)


def _sweep(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    params = parse_params(args.param, scenario.sweep)
    if not params:
        raise ScenarioError(args.file, "sweep", "nothing to sweep: add --param NAME=V1,V2 or a [sweep] table")
    if args.jobs < 1:
        raise ScenarioError(None, "--jobs", "must be >= 1")
    points = grid(params)
    scenario = materialise(scenario)  # a database base is read once, here, for every point
    _say(args.quiet, f"sweep {scenario.name}: {len(points)} points")
    recs = run_sweep(scenario, points, jobs=args.jobs, scheduler=args.scheduler, show_progress=not args.quiet)
    files = {"report.html": sweep_report(scenario.name, recs, scenario.report.title), "kpis.csv": kpis_csv(recs),
             "kpis.json": to_json([{"point": r.point, "fingerprint": r.fingerprint, "kpis": without_timings(r.kpis)}
                                   for r in recs])}
    for r in recs:
        files.update(record_files(r, prefix=f"points/{point_label(r.point)}/"))
    target = write_folder(args.output or DEFAULT_ROOT / f"sweep-{scenario.name}", files)
    for r in recs:
        _summary(_renamed(r, point_label(r.point)))
    print(f"report: {target / 'report.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `wenming scenario`; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return {"run": _run, "compare": _compare, "sweep": _sweep}[args.command](args)
    except ScenarioError as exc:
        print(f"wenming scenario {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
