"""Export (批量导出) as XLSX or CSV, streaming: the volunteer roster in the import template's columns,
service records in the fields of the national volunteer service record (志愿服务记录), and each
volunteer's hours totals; records and totals over a period of local days (`Period`), if given.

Rows are read through the caller's restricted session (the access policy: a town's unit admin
exports his subtree), optionally confined further to one unit's subtree (`scope`), `YIELD_ROWS`
at a time (`yield_per`), and written as they come (openpyxl's write-only workbook, or a CSV
writer), so 150,000 rows never sit in memory. Both kinds name volunteers, and the roster holds
their whole phones: a caller whose roles may not see volunteers' personal data (an analyst, a
resident) is refused the export as a whole, rather than given a masked file that would import
masked values back. Each batch of whole phones exported is audit-logged as the API's full reads
are (resolvers/access/personal_data.py).

The roster round-trips: importing an exported file changes nothing. ID numbers are not stored
(only a fingerprint and the last four characters), so the roster's ID number column holds the
masked form (`**************123X`), which the import accepts for the volunteer registered under
the row's number when its last four characters match.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.identity import mask_id_number
from db.localtime import LOCAL_TZ, local_midnight
from resolvers.access.auth import Caller
from resolvers.access.personal_data import VOLUNTEER_PHONE_ROLES, audit
from resolvers.imports.files import write_xlsx
from resolvers.imports.framework import among
from resolvers.imports.volunteers import VOLUNTEERS

#: rows fetched (and their details read, their phones audited) at a time
YIELD_ROWS = 1000
_WEEKDAY_NAMES = "一二三四五六日"


class ExportRefused(Exception):
    """The export cannot be made for this caller or file; the message says why."""


@dataclass(frozen=True)
class Period:
    """Local days, both included; either end may be open."""

    first: date | None = None
    last: date | None = None

    def bounds(self, column: Any) -> list[Any]:
        """Conditions keeping `column` (a timestamp) within the period's local days."""
        where = []
        if self.first is not None:
            where.append(column >= local_midnight(self.first))
        if self.last is not None:
            where.append(column < local_midnight(self.last + timedelta(days=1)))
        return where


@dataclass(frozen=True)
class ExportKind:
    name: str
    header: Sequence[str]
    #: (session, caller, scope unit, period) -> rows
    rows: Callable[[Session, Caller, Any, Period], Iterator[list[Any]]]


def _minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _volunteer_rows(session: Session, caller: Caller, scope: Any, _: Period) -> Iterator[list[Any]]:
    """The roster in the template's columns, each cell as the import parses it back (as it is now:
    a period does not apply)."""
    v = models.Volunteer
    skills = {pk: code for pk, code in session.execute(select(models.Skill.id, models.Skill.code))}
    statement = (select(v.id, v.volunteer_number, v.name, v.id_number_tail, v.phone, models.Unit.code, v.home_lat,
                        v.home_lon, v.insurance_valid_until, v.max_travel_km, v.max_tasks_per_day,
                        v.max_minutes_per_day)
                 .join(models.Unit, models.Unit.id == v.unit_id).order_by(v.id))
    if scope is not None:
        statement = statement.where(models.Unit.path.startswith(scope.path))
    result = session.execute(statement.execution_options(yield_per=YIELD_ROWS))
    for batch in result.partitions():
        ids = [row.id for row in batch]
        details = _details(session, ids)
        audit(session, caller.account_id, "Volunteer", "phone", ids)
        for row in batch:
            yield _roster_row(row, details, skills)


def _details(session: Session, ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """Each volunteer's skills, domains and weekly windows as the template writes them."""
    out: dict[str, dict[int, list[Any]]] = {"skills": {}, "domains": {}, "weekly": {}}
    s, d, w = models.VolunteerSkill, models.VolunteerDomain, models.AvailabilityWindow
    for owner, skill, level, until in session.execute(
            select(s.volunteer_id, s.skill_id, s.level, s.certified_until).where(among(session, s.volunteer_id, ids))
            .order_by(s.volunteer_id, s.id)):
        out["skills"].setdefault(owner, []).append((skill, level, until))
    for owner, domain in session.execute(select(d.volunteer_id, d.domain).where(among(session, d.volunteer_id, ids))
                                         .order_by(d.volunteer_id, d.id)):
        out["domains"].setdefault(owner, []).append(domain)
    for owner, weekday, start, end in session.execute(
            select(w.volunteer_id, w.weekday, w.start_minute, w.end_minute).where(among(session, w.volunteer_id, ids))
            .order_by(w.volunteer_id, w.weekday, w.start_minute)):
        out["weekly"].setdefault(owner, []).append((weekday, start, end))
    return out


def _roster_row(row: Any, details: dict[str, dict[int, list[Any]]], skill_codes: dict[int, str]) -> list[Any]:
    skills = ";".join(f"{skill_codes[skill]}:{level}" + (f":{until.isoformat()}" if until else "")
                      for skill, level, until in details["skills"].get(row.id, []))
    domains = ";".join(str(domain.name) for domain in details["domains"].get(row.id, []))
    weekly = ";".join(f"周{_WEEKDAY_NAMES[day]} {_minutes(start)}-{_minutes(end)}"
                      for day, start, end in details["weekly"].get(row.id, []))
    until = row.insurance_valid_until
    cells = {
        "volunteer_number": row.volunteer_number, "name": row.name, "id_number": mask_id_number(row.id_number_tail),
        "phone": row.phone, "unit": row.code, "lat": _number(row.home_lat), "lon": _number(row.home_lon),
        "skills": skills, "domains": domains, "weekly": weekly,
        "insurance_valid_until": until.isoformat() if isinstance(until, date) else "",
        "max_travel_km": _number(row.max_travel_km),
        "max_tasks_per_day": "" if row.max_tasks_per_day is None else str(row.max_tasks_per_day),
        "max_minutes_per_day": "" if row.max_minutes_per_day is None else str(row.max_minutes_per_day),
    }
    return [cells[column.key] for column in VOLUNTEERS.columns]


#: the national record's fields (志愿服务记录): who, what (and in which project), when, how long
#: (service time, and honour time recognised on it), recorded by whom
RECORD_HEADER = ("志愿者编号", "姓名", "服务内容", "所属项目", "服务日期", "服务时长（小时）", "荣誉时长（小时）",
                 "记录单位")
#: each volunteer's totals over the period
HOURS_HEADER = ("志愿者编号", "姓名", "注册单位", "服务次数", "服务时长（小时）", "荣誉时长（小时）")


def _hours(minutes: int | None) -> float | int:
    """Hours to two decimals, a whole number written without its `.0`."""
    hours = round((minutes or 0) / 60, 2)
    return int(hours) if hours.is_integer() else hours


def _record_rows(session: Session, caller: Caller, scope: Any, period: Period) -> Iterator[list[Any]]:
    """Completed service records, oldest first: service hours are the credit minutes (server-stamped
    check-in and check-out, approved time claims), honour hours those recognised on the record;
    the recording unit is the order's, the project the order's (empty when none)."""
    r, v, o = models.ServiceRecord, models.Volunteer, models.Order
    statement = (select(v.volunteer_number, v.name, models.ServiceItem.name, models.Project.name, r.checked_in_at,
                        r.credit_minutes, r.honour_minutes, models.Unit.name)
                 .select_from(r).join(v, v.id == r.volunteer_id).join(o, o.id == r.order_id)
                 .join(models.ServiceItem, models.ServiceItem.id == o.item_id)
                 .join(models.Unit, models.Unit.id == o.unit_id)
                 .outerjoin(models.Project, models.Project.id == o.project_id)
                 .where(r.checked_out_at.is_not(None), *period.bounds(r.checked_in_at)).order_by(r.checked_in_at, r.id))
    if scope is not None:
        statement = statement.where(models.Unit.path.startswith(scope.path))
    for number, name, content, project, checked_in, credit, honour, recorder in session.execute(
            statement.execution_options(yield_per=YIELD_ROWS)):
        yield [number, name, content, project or "", checked_in.astimezone(LOCAL_TZ).date().isoformat(),
               _hours(credit), _hours(honour), recorder]


def _hours_rows(session: Session, caller: Caller, scope: Any, period: Period) -> Iterator[list[Any]]:
    """Per volunteer with a completed record in the period (on orders of `scope`'s subtree): the
    records, service hours and honour hours, by volunteer number; one grouped statement."""
    r, v, o = models.ServiceRecord, models.Volunteer, models.Order
    home = models.Unit.__table__.alias("home")
    served = models.Unit.__table__.alias("served")
    statement = (select(v.volunteer_number, v.name, home.c.name, func.count(r.id), func.sum(r.credit_minutes),
                        func.sum(r.honour_minutes))
                 .select_from(r).join(v, v.id == r.volunteer_id).join(home, home.c.id == v.unit_id)
                 .join(o, o.id == r.order_id).join(served, served.c.id == o.unit_id)
                 .where(r.checked_out_at.is_not(None), *period.bounds(r.checked_in_at))
                 .group_by(v.id, v.volunteer_number, v.name, home.c.name).order_by(v.volunteer_number))
    if scope is not None:
        statement = statement.where(served.c.path.startswith(scope.path))
    for number, name, unit, records, credit, honour in session.execute(
            statement.execution_options(yield_per=YIELD_ROWS)):
        yield [number, name, unit, int(records), _hours(credit), _hours(honour)]


EXPORT_KINDS: dict[str, ExportKind] = {kind.name: kind for kind in (
    ExportKind("volunteers", tuple(c.header for c in VOLUNTEERS.columns), _volunteer_rows),
    ExportKind("service-records", RECORD_HEADER, _record_rows),
    ExportKind("hours", HOURS_HEADER, _hours_rows),
)}


def may_export(caller: Caller | None) -> bool:
    """Whether the caller may see the volunteers' personal data the exports hold (full phones,
    names per volunteer): the roles that read whole volunteer phones, never an analyst."""
    return caller is not None and bool(caller.roles & VOLUNTEER_PHONE_ROLES) and not caller.deidentified


def run_export(session: Session, caller: Caller | None, kind_name: str, path: Path, scope: Any = None,
               period: Period | None = None) -> int:
    """Write `kind_name`'s rows (those the caller's restricted `session` reads, within `scope`) to
    `path` (.xlsx or .csv: UTF-8 with a BOM, CRLF, as office software opens it); the rows written."""
    kind = EXPORT_KINDS.get(kind_name)
    if kind is None:
        raise ExportRefused(f"unknown kind {kind_name!r}: one of {', '.join(EXPORT_KINDS)}")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ExportRefused("export to a .xlsx or a .csv file")
    if caller is None or not may_export(caller):
        raise ExportRefused("your roles may not see volunteers' personal data, which this export holds: "
                            "nothing was exported")
    counted = [0]

    def rows() -> Iterable[Sequence[Any]]:
        yield list(kind.header)
        for row in kind.rows(session, caller, scope, period or Period()):
            counted[0] += 1
            yield row

    try:
        if suffix == ".xlsx":
            write_xlsx(path, [(kind.name, rows())])
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as out:
                csv.writer(out, lineterminator="\r\n").writerows(rows())
    finally:
        session.rollback()  # a read-only transaction (the audit is committed on its own)
    return counted[0]
