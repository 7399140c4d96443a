"""An approved batch as tables for payment (CSV or XLSX): one row per volunteer with his number,
name and amounts by kind (fen and yuan), and, in the workbook, a second sheet of every line with
what earned it. Only approved lines count; a pending adjustment waits for its approval.

Personal data (the whole phone, the ID number's last four characters; no more is stored) is
added only when asked for and only for a caller who may see volunteers' personal data
(resolvers/access/personal_data.py `caller_may`), and each such export is audit-logged. An
account that reads de-identified (an ANALYST grant) exports nothing: a payment list names people.
The batch and its volunteers are read through the caller's restricted session.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.models.subsidies import BatchState, LineKind
from resolvers.access.personal_data import VOLUNTEER_PHONE_ROLES, audit, caller_may
from resolvers.imports.files import write_xlsx

KINDS = (LineKind.TRANSPORT, LineKind.LIVING, LineKind.CAP, LineKind.ADJUSTMENT)
FORMATS = ("csv", "xlsx")


class ExportError(Exception):
    """The batch cannot be exported; the message says why."""


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


@dataclass
class Tables:
    """The summary (a row per volunteer) and the lines of one batch, header rows first."""

    summary: list[list[Any]]
    lines: list[list[Any]]
    total_fen: int


def tables(session: Session, caller: Any, batch: models.SubsidyBatch, *, personal: bool) -> Tables:
    """The batch's tables (see the module docstring); ExportError unless it is approved, or when
    personal data is asked for by a caller who may not see it."""
    if batch.state != BatchState.APPROVED:
        raise ExportError("the batch is not approved: only an approved batch is paid")
    if caller.deidentified:
        raise ExportError("an account with an ANALYST grant reads de-identified: it exports no payment list")
    if personal and not caller_may(caller, VOLUNTEER_PHONE_ROLES):
        raise ExportError("your roles do not show volunteers' personal data: export without it")
    L, V = models.SubsidyLine, models.Volunteer
    lines = list(session.scalars(select(L).where(L.batch_id == batch.id, L.approved_at.isnot(None)).order_by(L.id)))
    people = {v.id: v for v in session.scalars(select(V).where(V.id.in_({x.volunteer_id for x in lines})))}
    if len(people) < len({x.volunteer_id for x in lines}):
        raise ExportError("the batch pays volunteers you may not read")
    by: dict[int, dict[LineKind, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for x in lines:
        by[x.volunteer_id][x.kind] += x.amount_fen
    order = sorted(by, key=lambda v: people[v].volunteer_number)
    extra = ["phone", "id_number_tail"] if personal else []
    summary: list[list[Any]] = [["volunteer_number", "name", *extra,
                                 *(f"{k.value.lower()}_fen" for k in KINDS), "total_fen", "total_yuan"]]
    for vid in order:
        v, amounts = people[vid], by[vid]
        total = sum(amounts.values())
        summary.append([v.volunteer_number, v.name, *([v.phone, v.id_number_tail] if personal else []),
                        *(amounts[k] for k in KINDS), total, yuan(total)])
    detail: list[list[Any]] = [["volunteer_number", "name", "kind", "amount_fen", "amount_yuan", "day", "basis"]]
    for x in lines:
        v = people[x.volunteer_id]
        detail.append([v.volunteer_number, v.name, x.kind.value, x.amount_fen, yuan(x.amount_fen),
                       x.day.isoformat() if x.day else "", x.basis])
    if personal:
        audit(session, caller.account_id, "Volunteer", "phone", order)
    return Tables(summary, detail, sum(x.amount_fen for x in lines))


def write(path: Path, result: Tables) -> None:
    """CSV (UTF-8 with a BOM, as spreadsheet software opens it; the summary only) or XLSX (both sheets)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"write a .csv or .xlsx file, not {path.name!r}")
    if suffix == "xlsx":
        write_xlsx(path, [("summary", result.summary), ("lines", result.lines)])
        return
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[str(c) for c in row] for row in result.summary])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
