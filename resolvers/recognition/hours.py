"""Hours totals (信用时长 and 荣誉时长) per volunteer, team or unit in a period: the sums of the
server-stamped service records (credit minutes: check-in/out and approved time claims; honour
minutes: staff corrections), one grouped statement (resolvers/dispatch/queries.py `minutes_by`,
which volunteerStats and teamStats use too) and one more for the names.

The request's restricted session decides whose records count: a volunteer's own, a team leader's
team, staff their subtree; analysts read every record but only the totals per team and unit (a
row per volunteer names him, so they are refused it).

A record belongs to the period in which it was checked in; a volunteer to the unit he is
registered with; a team's total counts its members' records (a volunteer in two teams counts in
both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from db import models
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import page_of_list
from resolvers.dispatch.queries import minutes_by

if TYPE_CHECKING:
    from resolvers.core.context import Info


class HoursGroup(StrEnum):
    """What one row of `serviceHours` totals."""

    VOLUNTEER = "VOLUNTEER"
    TEAM = "TEAM"
    UNIT = "UNIT"


#: the longest period one query may total (a volunteer's whole career fits in it)
MAX_PERIOD = dt.timedelta(days=366 * 50)


@dataclass(frozen=True)
class HoursTotal:
    """One row of `serviceHours` (the schema's ServiceHours presents it as it is)."""

    group: HoursGroup
    key: int
    global_id: str
    name: str
    credit_minutes: int
    honour_minutes: int

    @property
    def credit_hours(self) -> float:
        return round(self.credit_minutes / 60, 2)

    @property
    def honour_hours(self) -> float:
        return round(self.honour_minutes / 60, 2)


_KEYS: dict[HoursGroup, tuple[Any, Any, str]] = {
    HoursGroup.VOLUNTEER: (models.ServiceRecord.volunteer_id, models.Volunteer, "Volunteer"),
    HoursGroup.TEAM: (models.TeamMembership.team_id, models.Team, "Team"),
    HoursGroup.UNIT: (models.Volunteer.unit_id, models.Unit, "Unit"),
}


def _utc(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ClientError(f"{field}: give a time with its offset (e.g. 2026-01-01T00:00:00+08:00)",
                          ErrorCode.INVALID, (field,))
    return value.astimezone(dt.UTC)


def service_hours(info: Info, unit: str | None, start: dt.datetime | None, end: dt.datetime | None,
                  group_by: HoursGroup, first: int | None, after: str | None) -> Any:
    """Totals of `group_by` over the records checked in within [from, to) of the volunteers
    registered in `unit`'s subtree (default: every volunteer the caller sees), largest credit first."""
    caller = info.context.auth.caller
    if group_by == HoursGroup.VOLUNTEER and caller is not None and caller.deidentified:
        raise ClientError("groupBy: analysts read totals per TEAM or UNIT, not per volunteer",
                          ErrorCode.FORBIDDEN, ("groupBy",))
    start_utc, end_utc = _utc(start, "from"), _utc(end, "to")
    if start_utc is not None and end_utc is not None and not start_utc < end_utc <= start_utc + MAX_PERIOD:
        raise ClientError("to: must be after `from`, at most 50 years later", ErrorCode.OUT_OF_RANGE, ("to",))
    session = info.context.session
    sr = models.ServiceRecord
    where: list[Any] = []
    if unit is not None:
        pk = globalid.decode_as(unit, "Unit", ("unit",))
        scope = session.get(models.Unit, pk)
        if scope is None:
            raise ClientError("unit: no Unit has this ID", ErrorCode.NOT_FOUND, ("unit",))
        where.append(models.Volunteer.unit_id.in_(select(models.Unit.id).where(models.Unit.path.like(f"{scope.path}%"))))
    if start_utc is not None:
        where.append(sr.checked_in_at >= start_utc)
    if end_utc is not None:
        where.append(sr.checked_in_at < end_utc)
    key, model, type_name = _KEYS[group_by]
    if group_by == HoursGroup.TEAM:
        where.append(models.TeamMembership.volunteer_id == sr.volunteer_id)
    totals = minutes_by(session, key, *where)
    keys = [k for k, _, _ in totals]
    names: dict[int, str] = {k: n for k, n in session.execute(
        select(model.id, model.name).where(model.id.in_(keys)))} if keys else {}
    present = info.context.present.service_hours
    rows = [present(HoursTotal(group_by, k, globalid.encode(type_name, k), names.get(k, ""), credit, honour))
            for k, credit, honour in totals]
    return page_of_list(info.context, rows, first, after)
