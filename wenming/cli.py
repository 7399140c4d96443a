"""The `wenming` command: serve, worker, db, examples, match, scenario, account, points, training,
import, export, subsidies, assessment.

Each subcommand parses its own arguments and delegates to the module that owns the work; this
file only wires them together. Exit codes: 0 success, 2 bad input (usage, unreadable or invalid
files), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import sys

from wenming.settings import parse_weights, read_settings


def _serve(args: argparse.Namespace) -> int:
    from wenming.server import serve  # strawberry, uvicorn and ortools load only when serving

    if args.workers < 1:
        print("wenming serve: --workers must be at least 1", file=sys.stderr)
        return 2
    return serve(host=args.host, port=args.port, demo=args.demo, workers=args.workers)


def _worker(_: argparse.Namespace) -> int:
    from wenming.worker import main  # the engine and the resolvers load only for a worker

    return main()


def _db(args: argparse.Namespace) -> int:
    from db.migrate import upgrade  # alembic loads only for `db`

    upgrade(read_settings().database_url, revision=args.revision)
    return 0


def _examples(args: argparse.Namespace) -> int:
    from examples.load import ExampleLoadError, load_city  # alembic and the catalogues load only for `examples`

    settings = read_settings()
    try:
        report = load_city(
            settings.database_url, args.city, volunteers=args.volunteers, seed=args.seed,
            secret_key=settings.secret_key,
        )
    except (ExampleLoadError, ValueError) as exc:
        print(f"wenming examples load: {exc}", file=sys.stderr)
        return 2
    print(f"{report.city}: {report.total_rows} rows in {report.seconds:.1f} s (center id {report.center_id})")
    return 0


def _points(args: argparse.Namespace) -> int:
    """`wenming points expire`: move the points unspent past WENMING_POINTS_VALID_DAYS to expiry
    (a daily task for cron or a timer; safe to repeat)."""
    from db.session import make_engine, session_factory
    from resolvers.recognition.ledger import expire

    settings = read_settings()
    if settings.points.valid_days is None:
        print("points never expire here: set WENMING_POINTS_VALID_DAYS to the days points stay valid")
        return 2
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            expired = expire(session, settings.points.valid_days, actor_account_id=None)
            session.commit()
    finally:
        engine.dispose()
    print(f"expired the unspent points of {len(expired)} volunteer(s)")
    return 0


def _training(args: argparse.Namespace) -> int:
    """`wenming training notify`: queue the expiry notices due today (a daily task for cron or a
    timer; safe to repeat: each certificate and threshold is notified once)."""
    import datetime as dt

    from db.session import make_engine, session_factory
    from resolvers.training.notices import send_expiry_notices

    settings = read_settings()
    try:
        today = dt.date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(f"wenming training notify: --today {args.today!r}: write a date as YYYY-MM-DD", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            notified = send_expiry_notices(session, settings.training.notice_days, today)
            session.commit()
    finally:
        engine.dispose()
    print(f"notified the holders of {notified} certificate(s) expiring within "
          f"{', '.join(map(str, settings.training.notice_days))} days")
    return 0


def _assessment(args: argparse.Namespace) -> int:
    """`wenming assessment QUARTER [--scope CODE] [--csv FILE|-] [--html FILE [--weights K:W,...]
    [--unit CODE]]`: the quarter's assessment of a center's tree (every indicator per unit), as the
    analysts' CSV table, their HTML report (with a what-if ranking under `--weights`) or a summary."""
    from sqlalchemy import select

    from db.enums import UnitLevel
    from db.models import Unit
    from db.session import make_engine
    from resolvers.assessment.indicators import Quarter
    from resolvers.assessment.scoring import assess
    from resolvers.assessment.table import write_csv

    settings = read_settings()
    try:
        quarter = Quarter.parse(args.quarter)
        what_if = parse_weights(args.weights, "--weights") if args.weights else None
        if what_if and not args.html:
            raise ValueError("--weights: give --html FILE too (the what-if ranking is shown in the report)")
    except ValueError as exc:
        print(f"wenming assessment: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            where = Unit.code == args.scope if args.scope else Unit.level == UnitLevel.CENTER
            scopes = conn.execute(select(Unit.id, Unit.path, Unit.code).where(where)).all()
            if len(scopes) != 1:
                print("wenming assessment: " + (f"no unit has the code {args.scope!r}" if args.scope else
                      "name the center with --scope CODE (the database holds "
                      f"{len(scopes)} centers)"), file=sys.stderr)
                return 2
            unit_id, path, code = scopes[0]
            config = settings.assessment
            result = assess(conn, path, unit_id, quarter, config.weights, config.normalisation)
            other = assess(conn, path, unit_id, quarter, what_if, config.normalisation) if what_if else None
    finally:
        engine.dispose()
    if args.unit and not any(u.code == args.unit for u in result.units):
        print(f"wenming assessment: --unit: no unit of {code}'s subtree has the code {args.unit[:40]!r}",
              file=sys.stderr)
        return 2
    if args.html:
        from resolvers.assessment.report import assessment_report  # matplotlib loads only for the report

        with open(args.html, "w", encoding="utf-8") as out:
            out.write(assessment_report(result, code, other, args.unit))
        print(f"{code} {quarter.label}: the report of {len(result.units)} units written to {args.html}",
              file=sys.stderr if args.csv == "-" else sys.stdout)
    if args.csv == "-":
        write_csv(result, sys.stdout)
    elif args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as out:
            count = write_csv(result, out)
        print(f"{code} {quarter.label}: {count} units written to {args.csv}")
    if not (args.csv or args.html):
        for unit in (u for u in result.units if u.rank <= 3):  # the top three of each level
            print(f"{unit.level.value:<9} {unit.rank:>3}/{unit.ranked:<3} {unit.score:7.2f}  {unit.code} {unit.name}")
    return 0


def _match(args: argparse.Namespace) -> int:
    from matching.cli import main as match_main  # ortools and numpy load only for `match`

    return match_main(args.rest)


def _scenario(args: argparse.Namespace) -> int:
    from examples.problems.scenario_base import register as register_generated  # ortools loads only for `scenario`
    from matching.scenarios.cli import main as scenario_main  # ortools and matplotlib load only for `scenario`
    from resolvers.scenarios.base import register  # ortools and sqlalchemy load only for `scenario`

    # `kind = "database"` bases: a snapshot of WENMING_DATABASE_URL (or the file's url)
    register(lambda: read_settings().database_url)
    register_generated()  # `kind = "generated"` bases

    return scenario_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wenming", description="Wenming Dispatch")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the GraphQL API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true",
                       help="fresh SQLite file with Pizhou and Kunshan loaded, GraphiQL on")
    serve.add_argument("--workers", type=int, default=1, help="API processes on the one port (default 1)")
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="take dispatch and scenario runs from the database and solve them "
                                           "(with WENMING_RUN_EXECUTOR=workers)")
    worker.set_defaults(func=_worker)

    db = sub.add_parser("db", help="database schema (Alembic migrations)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations up to REVISION (default head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_db)

    ex = sub.add_parser("examples", help="example datasets")
    ex_sub = ex.add_subparsers(dest="examples_command", required=True)
    load = ex_sub.add_parser("load", help="load a city into the configured database")
    load.add_argument("city", choices=["pizhou", "kunshan"])
    load.add_argument("--volunteers", type=int, default=5000)
    load.add_argument("--seed", type=int, default=1)
    load.set_defaults(func=_examples)

    match = sub.add_parser("match", help="solve a matching problem JSON", add_help=False)
    match.add_argument("rest", nargs=argparse.REMAINDER)
    match.set_defaults(func=_match)

    scenario = sub.add_parser("scenario", help="what-if scenarios: run, compare, sweep", add_help=False)
    scenario.add_argument("rest", nargs=argparse.REMAINDER)
    scenario.set_defaults(func=_scenario)

    points = sub.add_parser("points", help="the points ledger")
    points_sub = points.add_subparsers(dest="points_command", required=True)
    points_sub.add_parser("expire", help="expire the points unspent past WENMING_POINTS_VALID_DAYS").set_defaults(
        func=_points)

    training = sub.add_parser("training", help="training certificates")
    training_sub = training.add_subparsers(dest="training_command", required=True)
    notify = training_sub.add_parser("notify", help="notify holders and their team leaders of certificates "
                                                        "expiring within WENMING_CERTIFICATE_NOTICE_DAYS")
    notify.add_argument("--today", help="the day to count from (YYYY-MM-DD; default: today, local)")
    notify.set_defaults(func=_training)
    assessment = sub.add_parser("assessment", help="the quarterly assessment of a center's tree")
    assessment.add_argument("quarter", help="e.g. 2026Q3")
    assessment.add_argument("--scope", help="the code of the unit whose subtree is assessed (default: the center)")
    assessment.add_argument("--csv", metavar="FILE", help="write every indicator per unit as CSV (- for stdout)")
    assessment.add_argument("--html", metavar="FILE", help="write the analysts' offline HTML report (charts)")
    assessment.add_argument("--weights", metavar="INDICATOR:W,...",
                            help="what-if weights summing to 1: the report ranks under both")
    assessment.add_argument("--unit", metavar="CODE", help="the unit whose contributions the report tables")
    assessment.set_defaults(func=_assessment)

    from wenming.accounts_cli import add_parser as add_account_parser  # strawberry: not for `match`, `scenario`

    add_account_parser(sub)
    from wenming.import_cli import add_parser as add_import_parser

    add_import_parser(sub)
    from wenming.subsidies_cli import add_parser as add_subsidies_parser

    add_subsidies_parser(sub)
    from wenming.export_cli import add_parser as add_export_parser

    add_export_parser(sub)
    return parser


#: Subcommands with a parser of their own: everything after their name is theirs, `--help` included
#: (argparse's REMAINDER does not take a leading option such as `--help`).
_DELEGATED = {"match": _match, "scenario": _scenario}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _DELEGATED:
        return int(_DELEGATED[argv[0]](argparse.Namespace(rest=argv[1:])) or 0)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
