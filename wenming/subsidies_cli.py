"""`wenming subsidies export --unit UNIT_CODE --month YYYY-MM --as USERNAME -o FILE.(csv|xlsx) [--personal-data]`.

Writes an approved subsidy batch for payment (resolvers/subsidies/export.py): a row per volunteer
with his number, name and amounts; the workbook adds every line with what earned it. The export
runs as the account named by `--as`, through a session the access policy restricts as that
account's API requests are: a unit admin exports his own subtree's batches only.
`--personal-data` adds the whole phone and the ID number's last four characters, for an account
that may see them, and audit-logs the read. The file's path and the totals go to stdout, never a
cell's value.

Exit codes: 0 written, 2 a batch, file or argument that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy import select

from db.models import SubsidyBatch, Unit
from resolvers.subsidies.batches import MONTH_FORMAT, parse_month
from resolvers.subsidies.export import ExportError, tables, write
from wenming.import_cli import ImportCliError, session_as
from wenming.settings import read_settings


def export_batch(database_url: str, unit_code: str, month: str, username: str, path: Path, *,
                 personal: bool = False) -> dict[str, object]:
    """Write the batch (see the module docstring); ExportError or ImportCliError when it cannot."""
    first = parse_month(month)
    if first is None:
        raise ExportError(f"--month: {MONTH_FORMAT}")
    with session_as(database_url, username) as (session, caller, _):
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        batch = None if unit is None else session.scalar(
            select(SubsidyBatch).where(SubsidyBatch.unit_id == unit.id, SubsidyBatch.month == first))
        if batch is None:
            raise ExportError(f"no subsidy batch of {unit_code!r} for {month} that you may read")
        result = tables(session, caller, batch, personal=personal)
        write(path, result)
        return {"file": str(path), "volunteers": len(result.summary) - 1, "lines": len(result.lines) - 1,
                "total_fen": result.total_fen}


def _run(args: argparse.Namespace) -> int:
    try:
        summary = export_batch(read_settings().database_url, args.unit, args.month, args.actor, Path(args.output),
                               personal=args.personal_data)
    except (ExportError, ImportCliError, OSError) as exc:
        print(f"wenming subsidies export: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("subsidies", help="subsidies and allowances: export an approved batch for payment",
                            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="subsidies_command", required=True)
    export = commands.add_parser("export", help="write an approved batch as CSV or XLSX")
    export.add_argument("--unit", required=True, metavar="UNIT_CODE")
    export.add_argument("--month", required=True, metavar="YYYY-MM")
    export.add_argument("--as", dest="actor", required=True, metavar="USERNAME", help="the account it runs as")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="a .csv or .xlsx file")
    export.add_argument("--personal-data", action="store_true", help="add phones and ID number tails (audited)")
    export.set_defaults(func=_run)
