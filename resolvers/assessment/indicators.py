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
  the credit plus honour minutes of those records;
- a project (db/models/projects.py) counts at its unit: it *ran* in the quarter when its first
  RUNNING event is before the quarter's end and it has no CLOSED event before the quarter's start;
  it is *graded* in the quarter when its evaluation is dated within it, weighted by its grade
  (`GRADE_WEIGHTS`: A 1, B 0.7, C 0.4, no grade 0).

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

from sqlalchemy import CTE, Connection, Select, case, func, literal, or_, select, text, union_all

from db import models
from db.enums import OrderStatus, UnitLevel, VolunteerStatus
from db.localtime import local_days
from db.models.dispatch import AssignmentStatus
from db.models.projects import ProjectGrade, ProjectState
from db.tree import PARENT_LEVEL

Facts = dict[str, float | None]

#: The earliest and latest year a quarter may name.
MIN_YEAR, MAX_YEAR = 2000, 2100
SERVED = (OrderStatus.COMPLETED, OrderStatus.RATED)
#: what an evaluated project adds to "projects run and graded", by grade (no grade: 0)
GRADE_WEIGHTS: dict[ProjectGrade, float] = {ProjectGrade.A: 1.0, ProjectGrade.B: 0.7, ProjectGrade.C: 0.4}


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
        return local_days(self.start, self.end - dt.timedelta(days=1))


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


def _count(*names: str) -> Callable[[Facts], float | None]:
    return lambda facts: float(sum(facts.get(name) or 0 for name in names))


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
    Indicator("projects", "projects run and graded (项目实施与评估)", "projects", True,
              _count("projects_running", "projects_graded")),
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


def _in_scope(column: Any, w: Window) -> Any:
    """`column` (a unit id) names a unit of the scope."""
    return column.in_(select(models.Unit.id).where(models.Unit.path.like(w.path + "%")))


def _rolled_up(conn: Connection, w: Window, per_unit: Any, sums: list[str]) -> dict[int, dict[str, float]]:
    """Sums of the per-unit rows `per_unit` (a subquery with `unit_id` and the columns `sums`) over
    each unit's subtree: the unit rows joined to the ancestry, a few thousand rows whatever the data."""
    anc = ancestry(w.path)
    rows = conn.execute(select(anc.c.ancestor_id, *(func.sum(per_unit.c[name]) for name in sums))
                        .select_from(per_unit.join(anc, anc.c.unit_id == per_unit.c.unit_id))
                        .group_by(anc.c.ancestor_id))
    return {int(row[0]): {name: float(row[i + 1] or 0) for i, name in enumerate(sums)} for row in rows}


def _quarter_orders(w: Window, postgres: bool) -> tuple[Any, Any]:
    """The quarter's orders of the scope, each with its first DISPATCHED and COMPLETED times and its
    rating: (the orders CTE, the per-order subquery). Materialised on PostgreSQL, so the events are
    grouped once."""
    o, e, r = models.Order.__table__, models.OrderEvent.__table__, models.Rating.__table__
    orders = (select(o.c.id, o.c.unit_id, o.c.status, o.c.created_at)
              .where(o.c.created_at >= w.start, o.c.created_at < w.end, _in_scope(o.c.unit_id, w))
              .cte("quarter_orders"))
    if postgres:
        orders = orders.prefix_with("MATERIALIZED")
    firsts = (select(e.c.order_id,
                     func.min(case((e.c.to_status == OrderStatus.DISPATCHED, e.c.at))).label("dispatched_at"),
                     func.min(case((e.c.to_status == OrderStatus.COMPLETED, e.c.at))).label("completed_at"))
              .join(orders, orders.c.id == e.c.order_id)
              .where(e.c.to_status.in_((OrderStatus.DISPATCHED, OrderStatus.COMPLETED)))
              .group_by(e.c.order_id).subquery("firsts"))
    per_order = (select(orders.c.unit_id, orders.c.created_at, firsts.c.dispatched_at, firsts.c.completed_at,
                        case((orders.c.status.in_(SERVED), 1), else_=0).label("served"), r.c.score)
                 .select_from(orders.outerjoin(firsts, firsts.c.order_id == orders.c.id)
                              .outerjoin(r, r.c.order_id == orders.c.id)))
    return orders, per_order


def _order_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """received, served, mean_rating, median dispatch and completion minutes per ancestor."""
    postgres = conn.dialect.name == "postgresql"
    _, per_order = _quarter_orders(w, postgres)
    if postgres:
        # one statement: per-order rows once, counts rolled up per unit, medians over each subtree
        base = per_order.add_columns(
            func.date_part("epoch", per_order.selected_columns.dispatched_at
                           - per_order.selected_columns.created_at).label("to_dispatch"),
            func.date_part("epoch", per_order.selected_columns.completed_at
                           - per_order.selected_columns.created_at).label("to_complete")).cte("per_order")
        base = base.prefix_with("MATERIALIZED")
        anc = ancestry(w.path)
        medians = (select(anc.c.ancestor_id,
                          func.count().label("received"), func.sum(base.c.served).label("served"),
                          func.avg(base.c.score).label("rating"),
                          func.percentile_cont(0.5).within_group(base.c.to_dispatch).label("dispatch"),
                          func.percentile_cont(0.5).within_group(base.c.to_complete).label("complete"))
                   .select_from(base.join(anc, anc.c.unit_id == base.c.unit_id)).group_by(anc.c.ancestor_id))
        out: dict[int, Facts] = {}
        for row in conn.execute(medians):
            out[int(row.ancestor_id)] = {
                "received": float(row.received), "served": float(row.served or 0),
                "mean_rating": None if row.rating is None else float(row.rating),
                "median_dispatch_minutes": None if row.dispatch is None else float(row.dispatch) / 60,
                "median_completion_minutes": None if row.complete is None else float(row.complete) / 60}
        return out
    # SQLite has no percentile_cont: one fetch of the scope's per-order rows, grouped here over the
    # tree (the same interpolated median: the mean of the two middle values of an even count)
    units = {int(uid): path for uid, path in conn.execute(
        select(models.Unit.id, models.Unit.path).where(models.Unit.path.like(w.path + "%")))}
    rows = conn.execute(per_order).all()  # unit_id, created_at, dispatched_at, completed_at, served, score
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        for ancestor in (int(p) for p in units[int(row[0])].strip("/").split("/")):
            if ancestor in units:
                groups[ancestor].append(row)
    found: dict[int, Facts] = {}
    for ancestor, members in groups.items():
        to_dispatch = [(d - c).total_seconds() for _, c, d, _, _, _ in members if d is not None]
        to_complete = [(f - c).total_seconds() for _, c, _, f, _, _ in members if f is not None]
        scores = [m[5] for m in members if m[5] is not None]
        found[ancestor] = {
            "received": float(len(members)), "served": float(sum(m[4] for m in members)),
            "mean_rating": sum(scores) / len(scores) if scores else None,
            "median_dispatch_minutes": statistics.median(to_dispatch) / 60 if to_dispatch else None,
            "median_completion_minutes": statistics.median(to_complete) / 60 if to_complete else None}
    return found


def _task_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """Tasks due (COMPLETED or NO_SHOW) and no-shows on the quarter's orders, per ancestor."""
    o, a = models.Order.__table__, models.Assignment.__table__
    per_unit = (select(o.c.unit_id, func.count(a.c.id).label("tasks_due"),
                       func.sum(case((a.c.status == AssignmentStatus.NO_SHOW, 1), else_=0)).label("no_shows"))
                .select_from(a.join(o, o.c.id == a.c.order_id))
                .where(o.c.created_at >= w.start, o.c.created_at < w.end, _in_scope(o.c.unit_id, w),
                       a.c.status.in_((AssignmentStatus.COMPLETED, AssignmentStatus.NO_SHOW)))
                .group_by(o.c.unit_id).subquery("tasks"))
    return {unit: dict(f) for unit, f in _rolled_up(conn, w, per_unit, ["tasks_due", "no_shows"]).items()}


def _volunteer_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """Registered volunteers, those active in the quarter and their approved hours, per ancestor."""
    v, sr = models.Volunteer.__table__, models.ServiceRecord.__table__
    served = (select(sr.c.volunteer_id,
                     func.sum(func.coalesce(sr.c.credit_minutes, 0) + sr.c.honour_minutes).label("minutes"))
              .where(sr.c.checked_in_at >= w.start, sr.c.checked_in_at < w.end, sr.c.checked_out_at.is_not(None))
              .group_by(sr.c.volunteer_id).subquery("served"))
    per_unit = (select(v.c.unit_id, func.count(v.c.id).label("registered"),
                       func.count(served.c.volunteer_id).label("active"),
                       func.sum(served.c.minutes).label("minutes"))
                .select_from(v.outerjoin(served, served.c.volunteer_id == v.c.id))
                .where(v.c.status != VolunteerStatus.LEFT, _in_scope(v.c.unit_id, w))
                .group_by(v.c.unit_id).subquery("people"))
    rolled = _rolled_up(conn, w, per_unit, ["registered", "active", "minutes"])
    return {unit: {"registered": f["registered"], "active": f["active"], "approved_hours": f["minutes"] / 60}
            for unit, f in rolled.items()}


def _project_facts(conn: Connection, w: Window) -> dict[int, Facts]:
    """Projects that ran in the quarter and the grade weights of those evaluated in it, per ancestor
    (one statement: both per-unit counts in one union, rolled up over the tree)."""
    p, e, ev = models.Project.__table__, models.ProjectEvent.__table__, models.ProjectEvaluation.__table__
    steps = (select(e.c.project_id,
                    func.min(case((e.c.to_state == ProjectState.RUNNING, e.c.at))).label("started_at"),
                    func.min(case((e.c.to_state == ProjectState.CLOSED, e.c.at))).label("closed_at"))
             .where(e.c.to_state.in_((ProjectState.RUNNING, ProjectState.CLOSED)))
             .group_by(e.c.project_id).subquery("steps"))
    running = (select(p.c.unit_id, literal(1).label("running"), literal(0.0).label("graded"))
               .select_from(p.join(steps, steps.c.project_id == p.c.id))
               .where(_in_scope(p.c.unit_id, w), steps.c.started_at < w.end,
                      or_(steps.c.closed_at.is_(None), steps.c.closed_at >= w.start)))
    weight = case(*((ev.c.grade == grade, value) for grade, value in GRADE_WEIGHTS.items()), else_=0.0)
    graded = (select(p.c.unit_id, literal(0).label("running"), weight.label("graded"))
              .select_from(ev.join(p, p.c.id == ev.c.project_id))
              .where(_in_scope(p.c.unit_id, w), ev.c.at >= w.start, ev.c.at < w.end))
    per_unit = union_all(running, graded).subquery("projects")
    rolled = _rolled_up(conn, w, per_unit, ["running", "graded"])
    return {unit: {"projects_running": f["running"], "projects_graded": f["graded"]} for unit, f in rolled.items()}


#: The statements that count facts; each returns {unit id: facts} over the whole scope.
FACT_SOURCES: tuple[Callable[[Connection, Window], dict[int, Facts]], ...] = (
    _order_facts, _task_facts, _volunteer_facts, _project_facts,
)


def unit_facts(conn: Connection, units: list[ScopeUnit], quarter: Quarter) -> dict[int, Facts]:
    """The facts of every unit of `units` (a scope, root first) in `quarter`: len(FACT_SOURCES)
    statements, whatever the number of units."""
    if not units:
        return {}
    start, end = quarter.utc_bounds()
    window = Window(units[0].path, start, end)
    facts: dict[int, Facts] = {u.id: {} for u in units}
    if conn.dialect.name == "postgresql":
        # these few large aggregates gain nothing from JIT compilation, which costs them seconds
        conn.execute(text("SET LOCAL jit = off"))
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


