"""The indicators of the quarterly assessment (季度考核), computed from data per unit and quarter.

One registry, `INDICATORS`: each indicator has a key (what WENMING_ASSESSMENT_WEIGHTS names), a
label, its unit, whether higher or lower is better, and a formula over the unit's *facts*. Facts
are counted by a few set-based statements (`FACT_SOURCES`), each grouping the rows of the whole
scope by ancestor in the tree, so the number of statements does not depend on the number of units.
A unit's facts cover its subtree: an institute's orders are those of its stations and its own.

The tree is walked with its parent links and materialised path (db/tree.py): `ancestry(path)` pairs
every unit of the scope with each of its ancestors in the scope (itself included), a few
thousand pairs for a county, joined by equality to the orders, tasks and volunteers.

The quarter's rows:
- an order belongs to the quarter it was received in (`created_at`, local time Asia/Shanghai);
  it is *served* when COMPLETED or RATED; its dispatch and completion times are the first
  DISPATCHED and COMPLETED events of its history, measured from `created_at`;
- tasks (COMPLETED, NO_SHOW) and ratings belong to their order's quarter;
- a *registered* volunteer is one not LEFT, at his registration unit; he is *active* in the
  quarter when he has a service record checked in within it and checked out; approved hours are
  the credit plus honour minutes of those records.

To add an indicator: its facts (a new source, or a sum of existing ones), one `Indicator` in
INDICATORS, and a weight in the settings (an indicator with no weight is shown and not counted).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Connection, Select, case, extract, func, select, union_all

from db import models
from db.enums import OrderStatus, UnitLevel, VolunteerStatus
from db.localtime import LOCAL_TZ
from db.models.dispatch import AssignmentStatus
from db.tree import PARENT_LEVEL

Facts = dict[str, float | None]

#: The earliest and latest year a quarter may name.
MIN_YEAR, MAX_YEAR = 2000, 2100
SERVED = (OrderStatus.COMPLETED, OrderStatus.RATED)


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, e.g. 2026Q4: local days `start` (first) to `end` (first of the next)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """"2026Q4" (or "2026-Q4") -> Quarter; ValueError saying what to write otherwise."""
        raw = text.strip().upper().replace("-", "")
        year, sep, number = raw.partition("Q")
        if not (sep and year.isdigit() and number in ("1", "2", "3", "4") and MIN_YEAR <= int(year) <= MAX_YEAR):
            raise ValueError(f"{text[:20]!r} is not a quarter: write YEARQn, e.g. 2026Q4 "
                             f"(years {MIN_YEAR}..{MAX_YEAR})")
        return cls(int(year), int(number))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year + 1, 1, 1) if self.number == 4 else dt.date(self.year, 3 * self.number + 1, 1)

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as UTC instants of local midnights."""
        def utc(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ).astimezone(dt.UTC)
        return utc(self.start), utc(self.end)


@dataclass(frozen=True)
class Indicator:
    """One indicator: `value(facts)` is None when the unit has nothing to measure (no orders, ...)."""

    key: str
    label: str
    unit: str
    higher_is_better: bool
    value: Callable[[Facts], float | None]


def _ratio(top: str, bottom: str) -> Callable[[Facts], float | None]:
    def value(facts: Facts) -> float | None:
        den = facts.get(bottom) or 0
        return None if not den else float(facts.get(top) or 0) / float(den)
    return value


def _fact(name: str) -> Callable[[Facts], float | None]:
    def value(facts: Facts) -> float | None:
        found = facts.get(name)
        return None if found is None else float(found)
    return value


def _count(name: str) -> Callable[[Facts], float | None]:
    return lambda facts: float(facts.get(name) or 0)


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("orders_received", "orders received (受理点单)", "orders", True, _count("received")),
    Indicator("orders_served", "orders served (完成点单)", "orders", True, _count("served")),
    Indicator("median_dispatch_minutes", "median time from order to dispatch (派单用时中位数)", "minutes", False,
              _fact("median_dispatch_minutes")),
    Indicator("median_completion_minutes", "median time from order to completion (完成用时中位数)", "minutes",
              False, _fact("median_completion_minutes")),
    Indicator("completion_rate", "orders served / orders received (完成率)", "share", True,
              _ratio("served", "received")),
    Indicator("no_show_rate", "tasks not shown up / tasks due (爽约率)", "share", False,
              _ratio("no_shows", "tasks_due")),
    Indicator("mean_rating", "mean rating of the orders (平均评分)", "score 1-5", True, _fact("mean_rating")),
    Indicator("hours_per_volunteer", "approved hours per registered volunteer (人均服务时长)", "hours", True,
              _ratio("approved_hours", "registered")),
    Indicator("active_share", "share of registered volunteers active in the quarter (活跃志愿者占比)", "share",
              True, _ratio("active", "registered")),
    Indicator("activities_per_station", "orders served per station (站均活动数)", "activities", True,
              _ratio("served", "stations")),
)}


@dataclass(frozen=True)
class ScopeUnit:
    id: int
    code: str
    name: str
    level: UnitLevel
    path: str
    parent_id: int | None


def scope_units(conn: Connection, path: str) -> list[ScopeUnit]:
    """The units of the subtree at `path`, parents first (one statement)."""
    u = models.Unit
    return [ScopeUnit(r.id, r.code, r.name, UnitLevel(r.level), r.path, r.parent_id) for r in conn.execute(
        select(u.id, u.code, u.name, u.level, u.path, u.parent_id).where(u.path.like(path + "%"))
        .order_by(u.path))]


def ancestry(path: str) -> CTE:
    """(unit_id, ancestor_id) for every unit of the subtree at `path` and each ancestor in it, itself
    included: the unit, its parent, its grandparent (the tree has three levels, db/tree.py), each an
    equality join on `parent_id`, kept inside the scope by depth."""
    units = models.Unit.__table__
    root_depth = path.count("/") - 2
    u = units.alias("u")
    parts: list[Select[Any]] = [select(u.c.id.label("unit_id"), u.c.id.label("ancestor_id"))
                                .where(u.c.path.like(path + "%"))]
    for distance in range(1, len(PARENT_LEVEL)):
        chain: Any = u
        step = u
        for k in range(1, distance):
            above = units.alias(f"up{distance}_{k}")
            chain = chain.join(above, above.c.id == step.c.parent_id)
            step = above
        parts.append(select(u.c.id, step.c.parent_id).select_from(chain)
                     .where(u.c.path.like(path + "%"), u.c.depth >= root_depth + distance))
    return union_all(*parts).cte("ancestry")


@dataclass(frozen=True)
class Window:
    path: str
    start: dt.datetime
    end: dt.datetime


def _seconds(later: Any, earlier: Any) -> Any:
    return extract("epoch", later - earlier)


def _order_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """received, served, mean_rating, median dispatch and completion minutes per ancestor."""
    o, e, r = models.Order.__table__, models.OrderEvent.__table__, models.Rating.__table__
    anc = ancestry(w.path)
    received = (o.c.created_at >= w.start, o.c.created_at < w.end)
    events = (select(e.c.order_id,
                     func.min(case((e.c.to_status == OrderStatus.DISPATCHED, e.c.at))).label("dispatched_at"),
                     func.min(case((e.c.to_status == OrderStatus.COMPLETED, e.c.at))).label("completed_at"))
              .join(o, o.c.id == e.c.order_id).where(*received)
              .where(e.c.to_status.in_((OrderStatus.DISPATCHED, OrderStatus.COMPLETED)))
              .group_by(e.c.order_id).subquery("firsts"))
    joined = (o.join(anc, anc.c.unit_id == o.c.unit_id).outerjoin(events, events.c.order_id == o.c.id)
              .outerjoin(r, r.c.order_id == o.c.id))
    columns: list[Any] = [anc.c.ancestor_id, func.count(o.c.id),
                          func.sum(case((o.c.status.in_(SERVED), 1), else_=0)), func.avg(r.c.score)]
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        columns += [func.percentile_cont(0.5).within_group(_seconds(events.c.dispatched_at, o.c.created_at)),
                    func.percentile_cont(0.5).within_group(_seconds(events.c.completed_at, o.c.created_at))]
    out: dict[int, Facts] = {}
    for row in conn.execute(select(*columns).select_from(joined).where(*received).group_by(anc.c.ancestor_id)):
        facts: Facts = {"received": float(row[1]), "served": float(row[2] or 0),
                        "mean_rating": None if row[3] is None else float(row[3])}
        if postgres:
            facts["median_dispatch_minutes"] = None if row[4] is None else float(row[4]) / 60
            facts["median_completion_minutes"] = None if row[5] is None else float(row[5]) / 60
        out[int(row[0])] = facts
    if not postgres:
        # SQLite has no percentile_cont: one grouped fetch of the durations, medians here (the same
        # interpolated median: the mean of the two middle values of an even count).
        spans: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
        for ancestor, created, dispatched, completed in conn.execute(
                select(anc.c.ancestor_id, o.c.created_at, events.c.dispatched_at, events.c.completed_at)
                .select_from(joined).where(*received)
                .where((events.c.dispatched_at.is_not(None)) | (events.c.completed_at.is_not(None)))):
            to_dispatch, to_complete = spans[int(ancestor)]
            if dispatched is not None:
                to_dispatch.append((dispatched - created).total_seconds())
            if completed is not None:
                to_complete.append((completed - created).total_seconds())
        for ancestor, facts in out.items():
            to_dispatch, to_complete = spans.get(ancestor, ([], []))
            facts["median_dispatch_minutes"] = statistics.median(to_dispatch) / 60 if to_dispatch else None
            facts["median_completion_minutes"] = statistics.median(to_complete) / 60 if to_complete else None
    return out


def _task_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """Tasks due (COMPLETED or NO_SHOW) and no-shows on the quarter's orders, per ancestor."""
    o, a = models.Order.__table__, models.Assignment.__table__
    anc = ancestry(w.path)
    rows = conn.execute(
        select(anc.c.ancestor_id, func.count(a.c.id),
               func.sum(case((a.c.status == AssignmentStatus.NO_SHOW, 1), else_=0)))
        .select_from(a.join(o, o.c.id == a.c.order_id).join(anc, anc.c.unit_id == o.c.unit_id))
        .where(o.c.created_at >= w.start, o.c.created_at < w.end,
               a.c.status.in_((AssignmentStatus.COMPLETED, AssignmentStatus.NO_SHOW)))
        .group_by(anc.c.ancestor_id))
    return {int(r[0]): {"tasks_due": float(r[1]), "no_shows": float(r[2] or 0)} for r in rows}


def _volunteer_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """Registered volunteers, those active in the quarter and their approved hours, per ancestor."""
    v, sr = models.Volunteer.__table__, models.ServiceRecord.__table__
    anc = ancestry(w.path)
    served = (select(sr.c.volunteer_id,
                     func.sum(func.coalesce(sr.c.credit_minutes, 0) + sr.c.honour_minutes).label("minutes"))
              .where(sr.c.checked_in_at >= w.start, sr.c.checked_in_at < w.end, sr.c.checked_out_at.is_not(None))
              .group_by(sr.c.volunteer_id).subquery("served"))
    rows = conn.execute(
        select(anc.c.ancestor_id, func.count(v.c.id), func.count(served.c.volunteer_id), func.sum(served.c.minutes))
        .select_from(v.join(anc, anc.c.unit_id == v.c.unit_id).outerjoin(served, served.c.volunteer_id == v.c.id))
        .where(v.c.status != VolunteerStatus.LEFT)
        .group_by(anc.c.ancestor_id))
    return {int(r[0]): {"registered": float(r[1]), "active": float(r[2]),
                        "approved_hours": float(r[3] or 0) / 60} for r in rows}


#: The statements that count facts; each returns {unit id: facts} over the whole scope.
FACT_SOURCES: tuple[Callable[[Connection, Window], dict[int, Facts]], ...] = (
    _order_facts, _task_facts, _volunteer_facts,
)


def unit_facts(conn: Connection, units: list[ScopeUnit], quarter: Quarter) -> dict[int, Facts]:
    """The facts of every unit of `units` (a scope, root first) in `quarter`: len(FACT_SOURCES)
    statements, whatever the number of units."""
    if not units:
        return {}
    start, end = quarter.utc_bounds()
    window = Window(units[0].path, start, end)
    facts: dict[int, Facts] = {u.id: {} for u in units}
    for source in FACT_SOURCES:
        for unit_id, found in source(conn, window).items():
            if unit_id in facts:
                facts[unit_id].update(found)
    ids = {u.id for u in units}
    for u in units:  # stations per subtree, from the paths already read
        if u.level == UnitLevel.STATION:
            for ancestor in (int(p) for p in u.path.strip("/").split("/")):
                if ancestor in ids:
                    facts[ancestor]["stations"] = (facts[ancestor].get("stations") or 0) + 1
    return facts


def indicator_values(facts: Mapping[str, float | None]) -> dict[str, float | None]:
    """Every indicator's value for one unit's facts."""
    return {key: indicator.value(dict(facts)) for key, indicator in INDICATORS.items()}


def weight_problems(weights: Mapping[str, float]) -> list[tuple[str | None, str]]:
    """What is wrong with `weights` (indicator key -> weight): (the key at fault or None, message)."""
    problems: list[tuple[str | None, str]] = []
    for key, weight in weights.items():
        if key not in INDICATORS:
            problems.append((key, f"{key!r} is not an indicator: use one of {', '.join(INDICATORS)}"))
        elif not 0 <= weight <= 1:
            problems.append((key, f"the weight of {key} is {weight}: give a number from 0 to 1"))
    total = sum(weights.values())
    if not problems and abs(total - 1) > 1e-9:
        problems.append((None, f"the weights sum to {total:g}: they must sum to 1"))
    return problems


