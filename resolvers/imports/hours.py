"""The import of historic hours (历史时长补录, kind `hours`): hours served before the platform, as
the old system or a paper register recorded them, with their source and a reason.

An applied import writes a PENDING backfill batch (db/models/hours.py) of the rows that are new;
nothing counts until an account other than the importer approves the batch
(resolvers/recognition/backfill.py). All backfilled hours are honour hours (荣誉时长): credit
hours (信用时长) come only from the platform's server-stamped check-in/out and approved time
claims (志愿服务记录与证明出具办法: a record shows how the time was recorded), so a row of kind
`credit` is refused at its column.

A row names its volunteer by number; the caller must administer the volunteer's unit (a town's
unit admin: his subtree; `--scope`: that unit's subtree too), else the row is refused. The natural
key is volunteer + day + source + content: a row already imported in a pending or approved batch
with the same hours is unchanged (re-importing a file adds nothing); with other hours it is a
CONFLICT (hours change only through an approved correction); a declined row may be filed again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert, select

from db import models
from db.enums import RequestState
from db.localtime import local_midnight
from db.models.base import utcnow
from resolvers.access.rules import UNIT_ADMIN, Check
from resolvers.core.errors import ErrorCode, Problem
from resolvers.imports.framework import (
    CREATED,
    UNCHANGED,
    CellError,
    Column,
    ImportContext,
    Kind,
    Written,
    among,
    refused,
)
from resolvers.imports.volunteers import parse_date

#: the earliest day a historic row may name, and the most hours of one row (one day)
EARLIEST = date(1980, 1, 1)
MAX_HOURS = Decimal(24)
HONOUR = "HONOUR"
_KINDS = {"honour": HONOUR, "荣誉": HONOUR, "荣誉时长": HONOUR}
_CREDIT = {"credit", "信用", "信用时长"}


def parse_hours(text: str) -> int:
    """Decimal hours (at most two places), > 0 and at most 24 -> whole minutes."""
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise CellError("is not a number of hours: write it as 2.5") from None
    if not hours.is_finite() or hours.as_tuple().exponent < -2:  # type: ignore[operator]
        raise CellError("is not a number of hours with at most two decimals: write it as 2.5")
    if not Decimal(0) < hours <= MAX_HOURS:
        raise CellError("must be more than 0 and at most 24 hours (one row is one day)", ErrorCode.OUT_OF_RANGE)
    minutes = int((hours * 60).to_integral_value())
    if minutes < 1:
        raise CellError("must be at least one minute", ErrorCode.OUT_OF_RANGE)
    return minutes


def parse_day(text: str) -> date:
    day = parse_date(text)
    if not EARLIEST <= day <= utcnow().date():
        raise CellError(f"must lie between {EARLIEST.isoformat()} and today", ErrorCode.OUT_OF_RANGE)
    return day


def parse_kind(text: str) -> str:
    name = text.strip().lower()
    if name in _CREDIT:
        raise CellError("credit hours come only from the platform's check-in/out: historic hours are honour hours")
    if name not in _KINDS:
        raise CellError("is honour (荣誉)")
    return _KINDS[name]


def _text(limit: int) -> Any:
    def parse(text: str) -> str:
        value = text.strip()
        if len(value) > limit:
            raise CellError(f"is longer than {limit} characters")
        return value
    return parse


COLUMNS = (
    Column("volunteer_number", "志愿者编号", True, fields=("volunteerNumber",), note="统一志愿者编号 of a registered "
           "volunteer", example="PZ-V000123"),
    Column("served_on", "服务日期", True, parse_day, ("servedOn",), note="the day served, 2019-05-01",
           example="2019-05-01"),
    Column("hours", "时长小时", True, parse_hours, ("hours",), note="decimal hours, > 0, at most 24 per row",
           example="2.5"),
    Column("kind", "时长类型", False, parse_kind, ("kind",), note="honour (荣誉, the default): historic hours are "
           "honour hours; credit hours come only from check-in/out", example="荣誉"),
    Column("content", "服务内容", True, _text(200), ("content",), note="what was done", example="社区助老"),
    Column("source", "来源", True, _text(200), ("source",), note="where the hours were recorded: the old system's "
           "name or a paper register", example="志愿江苏 2019 台账"),
    Column("reason", "补录原因", True, _text(500), ("reason",), note="why the hours are backfilled",
           example="平台上线前的服务"),
)

_rows, _batches = models.HoursBackfillRow.__table__, models.HoursBackfill.__table__


def _key(volunteer_id: int, v: dict[str, Any]) -> tuple[Any, ...]:
    return (volunteer_id, v["served_on"], v["source"], v["content"])


def _batch(context: ImportContext) -> int:
    """The run's PENDING batch, created with its first new row (a savepoint rolled back takes it)."""
    connection = context.session.connection()
    batch = context.cache.get("batch")
    if batch is None or connection.execute(select(_batches.c.id).where(_batches.c.id == batch)).scalar() is None:
        batch = connection.execute(insert(models.HoursBackfill).values(
            run_id=context.run_id, imported_by_account_id=context.caller.account_id, imported_at=utcnow(),
            file_name=context.file_name, state=RequestState.PENDING.value,
        ).returning(models.HoursBackfill.id)).scalar_one()
        context.cache["batch"] = batch
    return int(batch)


def write(context: ImportContext, rows: list[tuple[int, dict[str, Any]]]) -> dict[int, Written]:
    """A chunk: the volunteers it names are read at once (and locked, so two imports of the same
    rows do not both add them), then the rows already on record, then the new rows are inserted."""
    session, caller = context.session, context.caller
    connection = session.connection()
    v = models.Volunteer
    numbers = {values["volunteer_number"] for _, values in rows}
    visible = set(session.scalars(select(v.volunteer_number).where(among(session, v.volunteer_number, numbers))))
    registered = {number: (pk, unit) for number, pk, unit in connection.execute(
        select(v.volunteer_number, v.id, v.unit_id).where(among(session, v.volunteer_number, numbers))
        .with_for_update())}
    units = {unit for _, unit in registered.values()}
    paths = dict(connection.execute(select(models.Unit.id, models.Unit.path).where(
        among(session, models.Unit.id, units))).all()) if units else {}
    ids = [pk for pk, _ in registered.values()]
    on_record: dict[tuple[Any, ...], tuple[int, int]] = {}
    if ids:
        for key0, key1, key2, key3, minutes, batch in connection.execute(
                select(_rows.c.volunteer_id, _rows.c.served_on, _rows.c.source, _rows.c.content, _rows.c.minutes,
                       _rows.c.batch_id).join(_batches, _batches.c.id == _rows.c.batch_id)
                .where(among(session, _rows.c.volunteer_id, ids),
                       _batches.c.state != RequestState.DECLINED.value)):
            on_record[(key0, key1, key2, key3)] = (minutes, batch)
    check = Check(session, caller)
    staff = caller.is_admin or bool(caller.grants_of(*UNIT_ADMIN))
    seen: dict[tuple[Any, ...], int] = context.cache.setdefault("seen", {})
    out: dict[int, Written] = {}
    new: list[tuple[int, dict[str, Any]]] = []
    for number, values in rows:
        found = registered.get(values["volunteer_number"])
        if found is None:
            out[number] = refused(Problem(("input", "volunteerNumber"), "no registered volunteer has this number",
                                          ErrorCode.NOT_FOUND))
            continue
        pk, unit = found
        path = paths.get(unit)
        inside = path is not None and (caller.is_admin or check.in_subtree(UNIT_ADMIN, path)) and (
            context.scope is None or path.startswith(context.scope.path))
        if not staff or values["volunteer_number"] not in visible or not inside:
            out[number] = refused(Problem(("input", "volunteerNumber"), "hours backfill: the volunteer is outside "
                                          "the units you administer", ErrorCode.FORBIDDEN))
            continue
        key = _key(pk, values)
        first = seen.setdefault(key, number)
        if first != number:
            out[number] = refused(Problem(("input", "content"), f"the same volunteer, day, source and content as row "
                                          f"{first}", ErrorCode.DUPLICATE))
            continue
        if key in on_record:
            minutes, batch = on_record[key]
            if minutes == values["hours"]:
                out[number] = Written(UNCHANGED)
            else:
                out[number] = refused(Problem(("input", "hours"), f"imported already in backfill batch {batch} with "
                                              "other hours: hours change only through a correction another account "
                                              "approves", ErrorCode.CONFLICT))
            continue
        new.append((number, {"volunteer_id": pk, **values}))
    if not new or context.run_id is None:
        out.update({number: Written(CREATED) for number, _ in new})
        return out
    batch = _batch(context)
    adding = insert(models.HoursBackfillRow).returning(models.HoursBackfillRow.id, sort_by_parameter_order=True)
    ids_written = connection.execute(adding, [
        {"batch_id": batch, "row": number, "volunteer_id": values["volunteer_id"], "served_on": values["served_on"],
         "served_at": local_midnight(values["served_on"]),
         "minutes": values["hours"], "kind": values["kind"] or HONOUR, "content": values["content"],
         "source": values["source"], "reason": values["reason"]} for number, values in new]).scalars().all()
    for (number, _), pk in zip(new, ids_written, strict=True):
        out[number] = Written(CREATED, subject_id=pk, fields=["minutes"])
    return out


HOURS = Kind(
    name="hours",
    columns=COLUMNS,
    key="volunteer_number",
    unique={},
    write=write,
    refusal_column="volunteer_number",
    subject_type="HoursBackfillRow",
)
