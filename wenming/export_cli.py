"""`wenming export --kind volunteers|service-records|hours --as USERNAME [--scope UNIT_CODE] [--from DAY]
[--to DAY] -o FILE.xlsx|FILE.csv`.

The export reads as the account named by `--as` (its session is restricted by the access policy
exactly as that account's API requests are: a town's unit admin exports his subtree); `--scope`
confines it further to one unit's subtree. `--from`/`--to` (local days, both included) bound the
service records and the hours totals (each volunteer's records and hours). The roster holds
volunteers' whole phones: an account whose roles may not see them is refused (nothing is
written), and each batch exported is audit-logged. Rows stream from the database to the file, never all in memory.

Exit codes: 0 written, 2 refused or an argument that cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from resolvers.imports.exports import EXPORT_KINDS, ExportRefused, Period, run_export
from wenming.import_cli import ImportCliError, session_as
from wenming.settings import read_settings


def export_file(database_url: str, path: Path, kind_name: str, username: str, scope_code: str | None = None,
                period: Period | None = None) -> int:
    """Export `kind_name` as account `username` to `path`; the rows written. ExportRefused or
    ImportCliError when it cannot be made."""
    with session_as(database_url, username, scope_code) as (session, caller, scope):
        return run_export(session, caller, kind_name, path, scope, period)


def _day(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ExportRefused(f"{name} {value!r}: write a day as YYYY-MM-DD") from None


def _run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    try:
        period = Period(_day(args.first, "--from"), _day(args.last, "--to"))
        if period.first and period.last and period.last < period.first:
            raise ExportRefused("--to is before --from")
        rows = export_file(read_settings().database_url, output, args.kind, args.actor, args.scope, period)
    except (ExportRefused, ImportCliError, OSError) as exc:
        print(f"wenming export: {exc}", file=sys.stderr)
        return 2
    print(f"{rows} rows of {args.kind} written to {output}")
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("export", help="export volunteers, service records or hours totals to an XLSX or CSV file",
                            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=sorted(EXPORT_KINDS), required=True)
    parser.add_argument("--as", dest="actor", metavar="USERNAME", required=True, help="the account the export runs as")
    parser.add_argument("--scope", metavar="UNIT_CODE", help="only rows of this unit's subtree")
    parser.add_argument("--from", dest="first", metavar="DAY", help="service records and hours from this local day")
    parser.add_argument("--to", dest="last", metavar="DAY", help="... to this local day (included)")
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="the .xlsx or .csv file to write")
    parser.set_defaults(func=_run)
