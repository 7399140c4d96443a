"""Benchmark of issue 17: a generated roster of N volunteers (default 150,000) imported with
`wenming import` (dry run, then apply) on PostgreSQL and SQLite, against the example loader's
bulk path (examples/load.py: Core `insert()` executemany) over as many volunteers in the same run.

Each phase runs in a child process, measured with benchmarks/measure.py (peak RSS of the process
tree; rows/s over the phase's own wall time, its CPU time beside it): reading the file, checking
every row, and for the apply writing the volunteers, their skills, domains and weekly windows
and the import's audit, in one transaction (a re-import of the same file follows: nothing changes;
then `wenming export` writes the roster to an XLSX file, streaming).
The database holds Pizhou's units and skills (loaded with no volunteers) before each phase; the
loader's figure is its insert of a whole generated Pizhou with as many volunteers (about nine rows
per volunteer: details, teams, orders), per volunteer and per row.
Target: at least 5,000 rows/s apply on PostgreSQL with peak RSS under 1 GB.

    python -m benchmarks.import_bench [--volunteers 150000] [--backends postgresql,sqlite]
        [--format csv|xlsx] [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.measure import run_measured
from db import models
from db.enums import UnitLevel
from db.identity import check_char
from db.migrate import upgrade
from db.models import Role
from db.session import make_engine
from examples.generate import generate_city
from examples.load import insert_dataset, load_city_into
from resolvers.accounts.mutations import create_account
from resolvers.imports import VOLUNTEERS
from resolvers.imports.files import write_xlsx

DAY = date(2026, 12, 1)
KEY = "benchmark-key"
ACTOR = "bench-admin"
TARGET_ROWS_S = 5_000.0
TARGET_RSS_MB = 1024.0
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
#: Chinese provinces' region codes for generated ID numbers (a known province, any county)
_REGIONS = ("320382", "320381", "110105", "310104", "440305")


def roster(volunteers: int, stations: list[str], skills: list[str], seed: int = 1) -> Iterator[list[str]]:
    """Rows of a valid roster in the template's column order, header first (deterministic)."""
    rng = random.Random(f"roster:{seed}")
    yield [c.header for c in VOLUNTEERS.columns]
    for serial in range(1, volunteers + 1):
        # a distinct ID number per serial: the birth date carries its thousands, the sequence the rest
        birth = date.fromordinal(date(1950, 1, 1).toordinal() + serial // 1000)
        body = f"{_REGIONS[serial % len(_REGIONS)]}{birth:%Y%m%d}{serial % 1000:03d}"
        chosen = rng.sample(skills, k=min(len(skills), rng.randint(0, 3)))
        yield [
            f"BENCH-V{serial:07d}", f"志愿者{serial}", body + check_char(body), f"13{serial:09d}",
            rng.choice(stations), f"{34.2 + rng.random() * 0.3:.5f}", f"{117.8 + rng.random() * 0.3:.5f}",
            ";".join(f"{code}:{rng.randint(1, 5)}" for code in chosen),
            rng.choice(["HEALTH", "EDUCATION;CULTURE", "WELFARE", ""]),
            rng.choice(["周六 08:00-12:00;周日 14:00-18:00", "周三 19:00-21:00", ""]),
            "2027-06-30", str(rng.choice([5, 10, 20])), "2", "240",
        ]


@contextmanager
def fresh_database(backend: str, directory: Path, postgres_url: str) -> Iterator[str]:
    """A migrated, empty database of `backend`, dropped afterwards (PostgreSQL)."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}"
        upgrade(url)
        yield url
        return
    admin = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"wenming_import_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str) -> tuple[list[str], list[str]]:
    """Pizhou's units and skills (no volunteers) and the importing account: (station codes, skill codes)."""
    engine = make_engine(url)
    try:
        load_city_into(engine, "pizhou", volunteers=0, day=DAY, secret_key=KEY)
        with Session(engine) as session:
            create_account(session, ACTOR, None, [(Role.PLATFORM_ADMIN, {})])
            session.commit()
            stations = list(session.scalars(select(models.Unit.code).where(models.Unit.level == UnitLevel.STATION)))
            skills = list(session.scalars(select(models.Skill.code)))
        return stations, skills
    finally:
        engine.dispose()


def write_roster(path: Path, rows: Iterator[list[str]]) -> None:
    if path.suffix == ".xlsx":
        write_xlsx(path, [("volunteers", rows)])
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)


def _phase(args: argparse.Namespace) -> int:
    """The child: one import (`--dry-run` or apply), printing its figures as one JSON line."""
    from wenming.import_cli import import_file

    started, cpu = time.perf_counter(), time.process_time()
    report = import_file(args.url, KEY, Path(args.file), "volunteers", ACTOR, dry_run=args.dry_run)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    Path(args.out).write_text(json.dumps({"seconds": seconds, "cpu_s": cpu, "rows": report.rows,
                                          "errors": len(report.errors), "applied": report.applied, **report.outcomes}))
    return 0 if not report.errors else 1


def _export_phase(args: argparse.Namespace) -> int:
    """The child: `wenming export --kind volunteers` of what was imported, to an XLSX file."""
    from wenming.export_cli import export_file

    started, cpu = time.perf_counter(), time.process_time()
    rows = export_file(args.url, Path(args.file), "volunteers", ACTOR)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    Path(args.out).write_text(json.dumps({"seconds": seconds, "cpu_s": cpu, "rows": rows}))
    return 0


def _loader_phase(args: argparse.Namespace) -> int:
    """The child: the example loader's bulk insert of Pizhou's volunteers (rows generated first)."""
    engine = make_engine(args.url)
    try:
        dataset = generate_city("pizhou", volunteers=args.volunteers, day=DAY, secret_key=KEY)
        volunteers = len(dataset.rows("volunteers"))
        started, cpu = time.perf_counter(), time.process_time()
        with engine.begin() as conn:
            insert_dataset(conn, dataset)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()
    Path(args.out).write_text(json.dumps({"seconds": seconds, "cpu_s": cpu, "rows": volunteers,
                                          "all_rows": dataset.total_rows}))
    return 0


def _run_child(arguments: list[str], directory: Path) -> dict[str, Any]:
    """Run a phase in a child process: its figures (written to a file) and its peak RSS."""
    out = directory / f"{uuid.uuid4().hex}.json"
    measured = run_measured([sys.executable, "-m", "benchmarks.import_bench", *arguments, "--out", str(out)])
    if measured.returncode != 0:
        raise RuntimeError(f"phase {arguments[0]} failed ({measured.returncode}): {measured.stderr}")
    return {**json.loads(out.read_text()), "wall_s": measured.wall_s, "peak_rss_mb": measured.tree_peak_mb}


def bench_backend(backend: str, volunteers: int, fmt: str, directory: Path, postgres_url: str) -> dict[str, Any]:
    with fresh_database(backend, directory, postgres_url) as url:
        stations, skills = prepare(url)
        path = directory / f"roster-{backend}.{fmt}"
        started = time.perf_counter()
        write_roster(path, roster(volunteers, stations, skills))
        written = time.perf_counter() - started
        dry = _run_child(["phase", "--url", url, "--file", str(path), "--dry-run"], directory)
        apply = _run_child(["phase", "--url", url, "--file", str(path)], directory)
        again = _run_child(["phase", "--url", url, "--file", str(path)], directory)
        exported = _run_child(["export", "--url", url, "--file", str(directory / f"export-{backend}.xlsx")],
                              directory)
    with fresh_database(backend, directory, postgres_url) as url:  # the loader writes the whole city
        loader = _run_child(["loader", "--url", url, "--volunteers", str(volunteers)], directory)
    return {"backend": backend, "volunteers": volunteers, "format": fmt, "write_file_s": written,
            "dry_run": dry, "apply": apply, "reimport": again, "export": exported, "loader": loader}


def report(figures: dict[str, Any]) -> None:
    n = figures["volunteers"]
    print(f"\n{figures['backend']}: {n:,} volunteers ({figures['format']} file written in "
          f"{figures['write_file_s']:.1f} s)")
    loader_rate = figures["loader"]["rows"] / figures["loader"]["seconds"]
    for label, key in (("dry run", "dry_run"), ("apply", "apply"), ("re-import", "reimport")):
        phase = figures[key]
        rate = phase["rows"] / phase["seconds"]
        print(f"  import {label:<10} {phase['seconds']:7.1f} s  {rate:>9,.0f} rows/s  peak RSS "
              f"{phase['peak_rss_mb']:>6,.0f} MB  CPU {phase['cpu_s']:6.1f} s  (created {phase['created']:,}, "
              f"updated {phase['updated']:,}, unchanged {phase['unchanged']:,}, errors {phase['errors']:,})")
    exported = figures["export"]
    print(f"  export (XLSX)     {exported['seconds']:7.1f} s  {exported['rows'] / exported['seconds']:>9,.0f} rows/s  "
          f"peak RSS {exported['peak_rss_mb']:>6,.0f} MB  CPU {exported['cpu_s']:6.1f} s  ({exported['rows']:,} rows)")
    loader = figures["loader"]
    print(f"  loader insert     {loader['seconds']:7.1f} s  {loader_rate:>9,.0f} volunteers/s  peak RSS "
          f"{loader['peak_rss_mb']:>6,.0f} MB  CPU {loader['cpu_s']:6.1f} s  ({loader['all_rows']:,} rows of a whole "
          f"city: {loader['all_rows'] / loader['seconds']:,.0f} rows/s)")
    apply_rate = figures["apply"]["rows"] / figures["apply"]["seconds"]
    print(f"  loader / import apply: {loader_rate / apply_rate:.1f}x; "
          f"apply / dry run time: {figures['apply']['seconds'] / figures['dry_run']['seconds']:.1f}x")
    if figures["backend"] == "postgresql":
        ok = apply_rate >= TARGET_ROWS_S and figures["apply"]["peak_rss_mb"] < TARGET_RSS_MB
        print(f"  target (>= {TARGET_ROWS_S:,.0f} rows/s apply, peak RSS < {TARGET_RSS_MB:,.0f} MB): "
              f"{'met' if ok else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("phase", "export", "loader"):
        parser = argparse.ArgumentParser()
        parser.add_argument("what")
        parser.add_argument("--url", required=True)
        parser.add_argument("--file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--volunteers", type=int, default=0)
        parser.add_argument("--out")
        args = parser.parse_args(argv)
        return {"phase": _phase, "export": _export_phase, "loader": _loader_phase}[args.what](args)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    results = []
    print("load average of the machine at the start: {:.1f} {:.1f} {:.1f} (CPU: this process's own time; "
          "the wall time includes the database server's and waiting for a busy machine)".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            figures = bench_backend(backend.strip(), args.volunteers, args.format, Path(tmp), args.postgres_url)
            report(figures)
            results.append(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
