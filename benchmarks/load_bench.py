"""Benchmark (a) of issue 2: load Pizhou with N volunteers (default 150,000) into a fresh SQLite file.

Measures the path `wenming examples load` takes (migrate, generate rows, Core `insert()`
executemany in chunks, one transaction) and, as the baseline in the same run, the ORM path
(model instances, `Session.add_all`, commit) over the same rows for a smaller city, printing rows
per second of both and their ratio. Target: the full load in at most 60 s.

    python benchmarks/load_bench.py [--volunteers 150000] [--baseline-volunteers 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import Base
from db.session import make_engine
from examples.generate import Dataset, generate_city
from examples.load import insert_dataset, load_city
from examples.rows import TABLE_ORDER

DAY = date(2026, 12, 1)
KEY = "benchmark-key"
TARGET_SECONDS = 60.0


def _fresh_url(directory: Path, name: str) -> str:
    url = f"sqlite:///{directory / name}"
    upgrade(url)
    return url


def core_insert(url: str, dataset: Dataset) -> float:
    """Seconds to insert `dataset` with the loader's Core path."""
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with engine.begin() as conn:
            insert_dataset(conn, dataset)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def orm_insert(url: str, dataset: Dataset) -> float:
    """Seconds to insert `dataset` as ORM objects with Session.add_all (the baseline)."""
    classes = {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with Session(engine) as session:
            for name in TABLE_ORDER:
                model = classes[name]
                session.add_all([model(**row) for row in dataset.rows(name)])
                session.flush()
            session.commit()
        return time.perf_counter() - started
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--baseline-volunteers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)

        print(f"Pizhou, {args.volunteers} volunteers, fresh SQLite file (migrate + generate + insert):")
        started, cpu_started = time.perf_counter(), time.process_time()
        report = load_city(
            f"sqlite:///{directory / 'full.db'}",
            "pizhou",
            volunteers=args.volunteers,
            seed=args.seed,
            day=DAY,
            secret_key=KEY,
            progress=False,
        )
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        size_mb = (directory / "full.db").stat().st_size / 1e6
        verdict = "within" if total <= TARGET_SECONDS else "OVER"
        print(
            f"  {report.total_rows:,} rows in {total:.1f} s = {report.total_rows / total:,.0f} rows/s "
            f"({verdict} the {TARGET_SECONDS:.0f} s target); file {size_mb:.0f} MB"
        )
        print(f"  CPU time of this process {cpu:.1f} s (wall time above includes waiting for a busy machine)")

        print(f"\nBaseline, same rows for {args.baseline_volunteers} volunteers (insert only):")
        generated = time.perf_counter()
        subset = generate_city(
            "pizhou", volunteers=args.baseline_volunteers, seed=args.seed, day=DAY, secret_key=KEY
        )
        generate_s = time.perf_counter() - generated
        core_s = core_insert(_fresh_url(directory, "core.db"), subset)
        orm_s = orm_insert(_fresh_url(directory, "orm.db"), subset)
        rows = subset.total_rows
        print(f"  generate rows      {generate_s:6.2f} s  {rows / generate_s:>10,.0f} rows/s")
        print(f"  Core executemany   {core_s:6.2f} s  {rows / core_s:>10,.0f} rows/s")
        print(f"  ORM add_all        {orm_s:6.2f} s  {rows / orm_s:>10,.0f} rows/s")
        print(f"  Core / ORM speed-up: {orm_s / core_s:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
