"""Benchmark of issue 16's quarterly assessment: a quarter of Pizhou on PostgreSQL.

Loads Pizhou (1 center, 25 institutes, 490 stations; 150,000 volunteers by default) and a quarter
of order history (examples/history.py: one order per 50 volunteers a day, through the whole loop),
and Kunshan (76 units) with a smaller quarter, into a fresh database. Then assesses each center's
tree for the quarter (resolvers/assessment/scoring.py) and prints the wall time and the SQL
statements sent, which must be the same for both trees; and, as the baseline in the same run, the
same indicators counted unit by unit (a few statements per unit, as a per-unit loop would), with
the ratios.

    python benchmarks/assessment_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/]
        [--volunteers 150000] [--small-volunteers 20000] [--days 92] [--orders-per-day N]

`--url` is a server (a fresh database `wenming_assessment_bench` is made there; `--reuse` measures
the one an earlier run loaded) or a sqlite:/// URL of a new file (the smoke test's tiny run).
Target: the Pizhou quarter in a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, text
from sqlalchemy.engine import make_url

from db.migrate import upgrade
from db.models.base import UTCDateTime
from db.session import make_engine
from examples.history import load_history_into
from examples.load import load_city_into
from examples.orders import VOLUNTEERS_PER_ORDER
from resolvers.assessment.indicators import Quarter
from resolvers.assessment.scoring import Assessment, assess
from resolvers.core.settings import DEFAULT_ASSESSMENT_WEIGHTS

QUARTER = Quarter(2026, 3)
KEY = "benchmark-key"
DATABASE = "wenming_assessment_bench"
TARGET_SECONDS = 10.0


def fresh_database(url: str, reuse: bool = False) -> str:
    """The URL of an empty, migrated database: a new PostgreSQL database on the server, or the SQLite
    file; with `reuse`, the benchmark's PostgreSQL database as an earlier run left it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and reuse:
        return parsed.set(database=DATABASE).render_as_string(hide_password=False)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE}"))
            conn.execute(text(f"CREATE DATABASE {DATABASE}"))
        admin.dispose()
        url = parsed.set(database=DATABASE).render_as_string(hide_password=False)
    upgrade(url)
    return url


@contextmanager
def counting(engine: Engine) -> Iterator[list[int]]:
    count = [0]

    def on_execute(*_: Any) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def load(engine: Engine, city: str, volunteers: int, days: int, per_day: int | None) -> tuple[int, int]:
    """Load `city` with a quarter of history; (center id, orders of the history)."""
    report = load_city_into(engine, city, volunteers=volunteers, seed=1, day=dt.date(2026, 6, 1), secret_key=KEY)
    with engine.begin() as conn:
        counts = load_history_into(conn, report.center_id, QUARTER.start, days=days,
                                   orders_per_day=per_day or max(1, volunteers // VOLUNTEERS_PER_ORDER))
    return report.center_id, counts["orders"]


def per_unit_baseline(conn: Connection, path: str) -> int:
    """The indicators' facts counted unit by unit (subtree filters): returns the statements sent."""
    start, end = QUARTER.utc_bounds()
    lo_hi = (bindparam("lo", type_=UTCDateTime()), bindparam("hi", type_=UTCDateTime()))
    orders = ("FROM orders o JOIN units u ON u.id = o.unit_id LEFT JOIN ratings r ON r.order_id = o.id "
              "WHERE u.path LIKE :p AND o.created_at >= :lo AND o.created_at < :hi")
    spans = ("SELECT o.created_at AS c, MIN(CASE WHEN e.to_status = 'DISPATCHED' THEN e.at END) AS d, "
             "MIN(CASE WHEN e.to_status = 'COMPLETED' THEN e.at END) AS f FROM orders o JOIN units u ON "
             "u.id = o.unit_id JOIN order_events e ON e.order_id = o.id WHERE u.path LIKE :p AND "
             "o.created_at >= :lo AND o.created_at < :hi GROUP BY o.id, o.created_at")
    tasks = ("SELECT COUNT(*), SUM(CASE WHEN a.status = 'NO_SHOW' THEN 1 ELSE 0 END) FROM assignments a JOIN "
             "orders o ON o.id = a.order_id JOIN units u ON u.id = o.unit_id WHERE u.path LIKE :p AND "
             "o.created_at >= :lo AND o.created_at < :hi AND a.status IN ('COMPLETED', 'NO_SHOW')")
    people = ("SELECT COUNT(DISTINCT v.id), COUNT(DISTINCT s.volunteer_id), SUM(s.credit_minutes) FROM volunteers v "
              "JOIN units u ON u.id = v.unit_id LEFT JOIN service_records s ON s.volunteer_id = v.id AND "
              "s.checked_in_at >= :lo AND s.checked_in_at < :hi AND s.checked_out_at IS NOT NULL "
              "WHERE u.path LIKE :p AND v.status <> 'LEFT'")
    projects = ("SELECT (SELECT COUNT(*) FROM projects p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE :p "
                "AND EXISTS (SELECT 1 FROM project_events e WHERE e.project_id = p.id AND e.to_state = 'RUNNING' "
                "AND e.at < :hi) AND NOT EXISTS (SELECT 1 FROM project_events e WHERE e.project_id = p.id "
                "AND e.to_state = 'CLOSED' AND e.at < :lo)), (SELECT SUM(CASE ev.grade WHEN 'A' THEN 1.0 "
                "WHEN 'B' THEN 0.7 WHEN 'C' THEN 0.4 ELSE 0 END) FROM project_evaluations ev JOIN projects p "
                "ON p.id = ev.project_id JOIN units u ON u.id = p.unit_id WHERE u.path LIKE :p "
                "AND ev.at >= :lo AND ev.at < :hi)")
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL jit = off"))  # as the assessment does: the same footing
    sent = 2 if conn.dialect.name == "postgresql" else 1
    paths = list(conn.execute(text("SELECT path FROM units WHERE path LIKE :p"), {"p": path + "%"}).scalars())
    for unit_path in paths:
        args = {"p": unit_path + "%", "lo": start, "hi": end}
        conn.execute(text(f"SELECT COUNT(*), AVG(r.score) {orders}").bindparams(*lo_hi), args).all()
        rows = conn.execute(text(spans).bindparams(*lo_hi).columns(c=UTCDateTime(), d=UTCDateTime(),
                                                                    f=UTCDateTime()), args).all()
        durations = [(d - c).total_seconds() for c, d, _ in rows if d is not None]
        _ = statistics.median(durations) if durations else None
        conn.execute(text(tasks).bindparams(*lo_hi), args).all()
        conn.execute(text(people).bindparams(*lo_hi), args).all()
        conn.execute(text(projects).bindparams(*lo_hi), args).all()
        sent += 5
    return sent


def measure(engine: Engine, center: int) -> tuple[Assessment, float, int]:
    with engine.connect() as conn, counting(engine) as count:
        path = conn.execute(text("SELECT path FROM units WHERE id = :i"), {"i": center}).scalar_one()
        count[0] = 0
        started = time.perf_counter()
        result = assess(conn, path, center, QUARTER, DEFAULT_ASSESSMENT_WEIGHTS, "minmax")
        return result, time.perf_counter() - started, count[0]


def baseline(engine: Engine, center: int) -> tuple[float, int]:
    with engine.connect() as conn:
        path = conn.execute(text("SELECT path FROM units WHERE id = :i"), {"i": center}).scalar_one()
        started = time.perf_counter()
        sent = per_unit_baseline(conn, path)
        return time.perf_counter() - started, sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/")
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--small-volunteers", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=92)
    parser.add_argument("--orders-per-day", type=int, default=None, help="default: one per 50 volunteers")
    parser.add_argument("--reuse", action="store_true", help="measure the database an earlier run loaded")
    args = parser.parse_args(argv)

    url = fresh_database(args.url, args.reuse)
    engine = make_engine(url)
    try:
        if args.reuse:
            with engine.connect() as conn:
                centers = dict(conn.execute(text("SELECT code, id FROM units WHERE level = 'CENTER'")).all())
                pizhou, kunshan = centers["PZ-C"], centers["KS-C"]
                big_orders, small_orders = (conn.execute(text(
                    "SELECT COUNT(*) FROM orders o JOIN units u ON u.id = o.unit_id WHERE u.path LIKE :p AND "
                    "o.code LIKE 'H%'"), {"p": f"/{c}/%"}).scalar_one() for c in (pizhou, kunshan))
            print(f"reused {DATABASE}: pizhou {big_orders:,} orders, kunshan {small_orders:,} orders")
        else:
            started = time.perf_counter()
            pizhou, big_orders = load(engine, "pizhou", args.volunteers, args.days, args.orders_per_day)
            kunshan, small_orders = load(engine, "kunshan", args.small_volunteers, args.days,
                                         args.orders_per_day and max(1, args.orders_per_day // 5))
            print(f"loaded in {time.perf_counter() - started:.0f} s: pizhou {args.volunteers:,} volunteers, "
                  f"{big_orders:,} orders; kunshan {args.small_volunteers:,} volunteers, {small_orders:,} orders "
                  f"({engine.dialect.name})")
        figures: dict[str, tuple[int, int]] = {}
        for name, center in (("pizhou", pizhou), ("kunshan", kunshan)):
            measure(engine, center)  # warm the caches once, as a served database is
            result, seconds, statements = measure(engine, center)
            base_seconds, base_statements = baseline(engine, center)
            figures[name] = (statements, len(result.units))
            print(f"{name:8} {len(result.units):4} units  set-based {seconds:6.2f} s, {statements} statements  |  "
                  f"per-unit baseline {base_seconds:6.2f} s, {base_statements} statements  |  "
                  f"time x{base_seconds / seconds:.1f}, statements x{base_statements / statements:.0f}")
    finally:
        engine.dispose()
    (big, big_units), (small, small_units) = figures["pizhou"], figures["kunshan"]
    same = big == small
    print(f"statements per assessment: {big} for {big_units} units, {small} for {small_units} units: "
          f"{'independent of the number of units' if same else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
