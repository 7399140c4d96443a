"""`wenming import FILE --kind volunteers --as USERNAME [--scope UNIT_CODE] [--dry-run | --skip-bad-rows]`,
`wenming import template KIND -o FILE`, and the decision on an imported batch of historic hours:
`wenming import approve BATCH --as USERNAME` or `wenming import decline BATCH --as USERNAME --reason TEXT`
(by an account other than the importer).

The import runs as the account named by `--as`: its session is restricted by the access policy
exactly as that account's API requests are, so a town's unit admin writes only into his subtree,
refused row by row. `--scope` confines the rows further to one unit's subtree. The JSON summary
goes to stdout (or `--summary`); `--report` writes the original rows with an error column.
Nothing is logged: the report names rows and columns, never a cell's value.

Exit codes: 0 a clean dry run, an applied import or a decision, 1 rows with errors (nothing
written unless `--skip-bad-rows`) or a decision refused (its coded error on stderr), 2 a file or
argument that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Account, Unit
from db.session import lock_for_write, make_engine, session_factory
from resolvers.access.auth import Caller, load_caller
from resolvers.access.policy import AuthHolder, restrict_session
from resolvers.core.errors import MutationAborted
from resolvers.core.settings import PointsSettings
from resolvers.imports import KINDS
from resolvers.imports.files import ImportFileError
from resolvers.imports.framework import ImportContext, Report, run_import, write_template
from resolvers.recognition import backfill
from wenming.settings import read_settings


class ImportCliError(Exception):
    """The import cannot start; the message says why."""


def import_file(database_url: str, secret_key: str, path: Path, kind_name: str, username: str,
                scope_code: str | None = None, *, dry_run: bool, skip_bad_rows: bool = False,
                show_progress: bool = False) -> Report:
    """Import `path` as account `username` (see the module docstring); ImportCliError or
    ImportFileError when it cannot start."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ImportCliError(f"unknown kind {kind_name!r}: one of {', '.join(KINDS)}")
    with session_as(database_url, username, scope_code) as (session, caller, scope):
        context = ImportContext(session, caller, secret_key, scope)
        if not show_progress:
            return run_import(context, kind, path, dry_run=dry_run, skip_bad_rows=skip_bad_rows)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:  # stdout: the summary
            task = bar.add_task("dry run" if dry_run else "import", total=None)
            return run_import(context, kind, path, dry_run=dry_run, skip_bad_rows=skip_bad_rows,
                              progress=lambda done, total: bar.update(task, completed=done, total=total))


@contextmanager
def session_as(database_url: str, username: str, scope_code: str | None = None
               ) -> Iterator[tuple[Session, Caller, Unit | None]]:
    """A session restricted by the access policy as account `username`'s API requests are, the
    caller, and the unit `scope_code` names (None without one); ImportCliError when either is
    unknown. The command-line tools that act for an account (import, export, subsidies) open it."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            account_id = session.scalar(select(Account.id).where(Account.username == username))
            caller = load_caller(session, account_id) if account_id is not None else None
            if caller is None:
                raise ImportCliError(f"no active account {username!r}")
            session.rollback()
            holder = AuthHolder()
            holder.set(caller)
            restrict_session(session, holder)
            scope = None
            if scope_code is not None:
                scope = session.scalar(select(Unit).where(Unit.code == scope_code))
                if scope is None:
                    raise ImportCliError(f"no unit has the code {scope_code!r}")
            yield session, caller, scope
    finally:
        engine.dispose()


def decide_backfill(database_url: str, batch: int, username: str, rules: PointsSettings, *, approve: bool,
                    reason: str | None = None) -> int:
    """Approve (returning the points earned) or decline backfill batch `batch` as account
    `username`, in one transaction; MutationAborted (nothing written) when refused."""
    with session_as(database_url, username) as (session, caller, _):
        try:
            lock_for_write(session)
            earned = 0
            if approve:
                earned = backfill.approve(session, caller, batch, rules)
            else:
                backfill.decline(session, caller, batch, reason)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return earned


def _decide(args: argparse.Namespace) -> int:
    if args.actor is None or not (args.kind_name or "").isdigit():
        print(f"usage: wenming import {args.target} BATCH --as USERNAME", file=sys.stderr)
        return 2
    settings = read_settings()
    try:
        earned = decide_backfill(settings.database_url, int(args.kind_name), args.actor, settings.points,
                                 approve=args.target == "approve", reason=args.reason)
    except ImportCliError as exc:
        print(f"wenming import: {exc}", file=sys.stderr)
        return 2
    except MutationAborted as exc:
        for problem in exc.problems:
            print(f"wenming import {args.target}: {problem.code.value}: {problem.message}", file=sys.stderr)
        return 1
    outcome = {"batch": int(args.kind_name), "state": "APPROVED" if args.target == "approve" else "DECLINED"}
    print(json.dumps({**outcome, "pointsEarned": earned} if args.target == "approve" else outcome))
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.target in ("approve", "decline"):
        return _decide(args)
    if args.target == "template":
        kind = KINDS.get(args.kind_name or "")
        if kind is None or args.output is None:
            print(f"usage: wenming import template {{{','.join(KINDS)}}} -o FILE.xlsx", file=sys.stderr)
            return 2
        write_template(kind, Path(args.output))
        print(f"template for {kind.name} written to {args.output}")
        return 0
    if args.kind is None or args.actor is None:
        print("wenming import: --kind and --as are required", file=sys.stderr)
        return 2
    settings = read_settings()
    try:
        report = import_file(settings.database_url, settings.secret_key, Path(args.target), args.kind, args.actor,
                             args.scope, dry_run=args.dry_run, skip_bad_rows=args.skip_bad_rows,
                             show_progress=sys.stderr.isatty())
    except (ImportCliError, ImportFileError, OSError) as exc:
        print(f"wenming import: {exc}", file=sys.stderr)
        return 2
    summary = json.dumps(report.summary(), ensure_ascii=False, indent=2)
    if args.summary:
        Path(args.summary).write_text(summary + "\n", encoding="utf-8")
    else:
        print(summary)
    if args.report:
        report.write_xlsx(Path(args.report))
    return 0 if not report.errors else 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("import", help="import an XLSX or CSV file (or `import template KIND -o FILE`)",
                            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", metavar="FILE", help="the .xlsx or .csv file, or `template`, `approve`, `decline`")
    parser.add_argument("kind_name", nargs="?", metavar="KIND", help="with `template`: the kind; with `approve` or "
                        "`decline`: the backfill batch's number")
    parser.add_argument("-o", "--output", help="with `template`: the file to write")
    parser.add_argument("--kind", choices=sorted(KINDS))
    parser.add_argument("--as", dest="actor", metavar="USERNAME", help="the account the import runs as")
    parser.add_argument("--scope", metavar="UNIT_CODE", help="only rows of this unit's subtree")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="validate every row, write nothing")
    mode.add_argument("--skip-bad-rows", action="store_true", help="write the valid rows, report the others")
    parser.add_argument("--reason", help="with `decline`: why the batch is declined")
    parser.add_argument("--report", metavar="FILE.xlsx", help="write the rows with an error column")
    parser.add_argument("--summary", metavar="FILE.json", help="write the JSON summary here (default: stdout)")
    parser.set_defaults(func=_run)
