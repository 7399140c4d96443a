"""Apply a scenario's `[[changes]]` to a dataset, in order, each a pure function.

Every change draws its random choices from `numpy.random.default_rng([scenario seed, index])`,
so a scenario file and its seed always make the same problem. Names are checked against the
dataset: an institute, station, team, domain or skill that does not exist is a `ScenarioError`
naming `changes[i].<key>`. Each change returns a one-line log of what it did (shown in reports).

- add_volunteers     copy `count` (or `share` x pool) volunteers drawn with replacement from the
                     pool (institute/team/skill filter; county-wide without one); copies get new
                     ids `<id>+a<i>.<k>`, homes moved by ~300 m, no pins or forbids
- remove_volunteers  drop `count` (or `share` x pool) volunteers drawn without replacement
- change_skill_mix   `share` of the pool's holders of `from_skill` gain `to_skill` (at `level`,
                     default their `from_skill` level) and lose `from_skill` unless `keep_old`
                     (volunteers with pinned tasks are left out, so no pin loses its skill)
- scale_demand       requests matching domain/town/station/priority/date: factor < 1 drops a
                     share 1-factor; factor > 1 adds round((factor-1) x n) copies `<id>+d<i>.<k>`
- surge_day          scale_demand limited to requests whose service starts on `date`
- engine_settings    caps (`max_travel_km`, `tasks_per_day`, `minutes_per_day`: each volunteer's
                     own value or the cap, whichever is smaller) and settings (weights, speed, detour);
                     volunteers with pinned tasks keep their own limits, because a pin is a
                     commitment already made and a cap under it would make the whole day infeasible
- remove_team        nobody belongs to `team` any more (its requests keep asking for it) and its
                     members' pins are released; `remove_members = true` also drops its members
Removing a volunteer or request also removes the pins, forbids and overrides naming it.
An institute, station or team may be named by its key (`yunhe`, a unit or team code of a
database base) or by its display name (`运河街道`, a unit or team name), see `_canonical`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Set
from typing import Any

import numpy as np

from matching.problem import Limits, Problem, Request, SkillLevel, Volunteer, day_of
from matching.scenarios.dataset import Dataset
from matching.scenarios.spec import MAX_REQUESTS, MAX_VOLUNTEERS, Scenario

_JITTER_DEG = 0.003  # about 300 m


def apply_changes(scenario: Scenario, ds: Dataset) -> tuple[Dataset, list[str]]:
    """The dataset after every change of the scenario, and one log line per change."""
    log = []
    for i, change in enumerate(scenario.changes):
        rng = np.random.default_rng([scenario.seed, i])
        change = _canonical(change, ds)
        ctx = _Ctx(scenario, i, change, rng)
        ds, line = _APPLY[change["type"]](ctx, ds)
        log.append(f"changes[{i}] {change['type']}: {line}")
        sizes = (("volunteers", len(ds.problem.volunteers), MAX_VOLUNTEERS),
                 ("requests", len(ds.problem.requests), MAX_REQUESTS))
        for what, size, top in sizes:  # checked before the next change and before any solving
            if size > top:
                raise ctx.fail(None, f"leaves {size:,} {what}; a scenario solves at most {top:,}")
    return ds, log


def _canonical(change: dict[str, Any], ds: Dataset) -> dict[str, Any]:
    """The change with institutes, stations and teams named by display name replaced by their
    keys (when the name belongs to exactly one); unknown names are left for `check_names`."""
    out = dict(change)
    names = {"town": {k: p.name for k, p in ds.towns.items()},
             "station": {k: p.name for k, p in ds.stations.items()}, "team": ds.team_names}
    for key, known in names.items():
        value = out.get(key)
        if value is None or value in known:
            continue
        keys = [k for k, name in known.items() if name == value]
        if len(keys) == 1:
            out[key] = keys[0]
    return out


class _Ctx:
    def __init__(self, scenario: Scenario, index: int, change: dict[str, Any], rng: np.random.Generator) -> None:
        self.scenario, self.index, self.change, self.rng = scenario, index, change, rng

    def fail(self, key: str | None, message: str) -> Exception:
        path: tuple[str | int, ...] = ("changes", self.index) + ((key,) if key else ())
        return self.scenario.error(path, message)

    def check_names(self, ds: Dataset) -> None:
        ch = self.change
        checks = (("town", ds.towns), ("station", ds.stations), ("team", ds.teams()), ("domain", ds.domains()))
        for key, known in checks:
            if key in ch and ch[key] not in known:
                sample = ", ".join(sorted(known)[:40]) + (", ..." if len(known) > 40 else "")
                raise self.fail(key, f"unknown {'institute' if key == 'town' else key} {ch[key]!r}; known: {sample}")
        skills = _skills(ds.problem)
        for key in ("skill", "from_skill", "to_skill"):
            if key in ch and ch[key] not in skills:
                raise self.fail(key, f"unknown skill {ch[key]!r}; known: {', '.join(sorted(skills))}")


def _skills(problem: Problem) -> set[str]:
    out = set(problem.skills)
    for v in problem.volunteers:
        out.update(s.skill for s in v.skills)
    for r in problem.requests:
        out.update(s.skill for s in r.skills)
    return out


def _pool(ctx: _Ctx, ds: Dataset) -> list[int]:
    """Indices of volunteers matching the change's town/team/skill filter."""
    ch = ctx.change
    town, team, skill = ch.get("town"), ch.get("team"), ch.get("skill") or ch.get("from_skill")
    return [i for i, v in enumerate(ds.problem.volunteers)
            if (town is None or ds.volunteer_town[v.id] == town) and (team is None or team in v.teams)
            and (skill is None or any(s.skill == skill for s in v.skills))]


def _how_many(ctx: _Ctx, pool: int) -> int:
    ch = ctx.change
    if "count" in ch:
        return int(ch["count"])
    return int(round(ch["share"] * pool))


def _where(ch: dict[str, Any]) -> str:
    parts = [f"{k}={ch[k]}" for k in ("town", "station", "team", "skill", "domain", "priority", "date") if k in ch]
    return " in " + ", ".join(parts) if parts else " county-wide"


def _drop(ds: Dataset, volunteers: Set[str] = frozenset(), requests: Set[str] = frozenset()) -> Dataset:
    """The dataset without these volunteers and requests, and without references to them."""
    p = ds.problem
    vols = []
    for v in p.volunteers:
        if v.id in volunteers:
            continue
        if requests and (set(v.pinned) & requests or set(v.forbidden) & requests):
            v = dataclasses.replace(v, pinned=tuple(x for x in v.pinned if x not in requests),
                                    forbidden=tuple(x for x in v.forbidden if x not in requests))
        vols.append(v)
    settings = dataclasses.replace(p.settings, overrides=tuple(
        o for o in p.settings.overrides if o.volunteer not in volunteers and o.request not in requests))
    problem = dataclasses.replace(p, volunteers=tuple(vols), settings=settings,
                                  requests=tuple(r for r in p.requests if r.id not in requests))
    return dataclasses.replace(
        ds, problem=problem,
        volunteer_town={k: t for k, t in ds.volunteer_town.items() if k not in volunteers},
        request_town={k: t for k, t in ds.request_town.items() if k not in requests},
        request_station={k: t for k, t in ds.request_station.items() if k not in requests},
        request_domain={k: t for k, t in ds.request_domain.items() if k not in requests})


def _add_volunteers(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    ctx.check_names(ds)
    pool = _pool(ctx, ds)
    if not pool:
        raise ctx.fail(None, f"no volunteer{_where(ctx.change)} to copy")
    n = _how_many(ctx, len(pool))
    picks = ctx.rng.choice(len(pool), size=n, replace=True) if n else np.array([], dtype=int)
    jitter = ctx.rng.normal(0.0, _JITTER_DEG, size=(n, 2))
    vols = list(ds.problem.volunteers)
    towns = dict(ds.volunteer_town)
    for k, pick in enumerate(picks):
        src = vols[pool[int(pick)]]
        new = dataclasses.replace(src, id=f"{src.id}+a{ctx.index}.{k}", pinned=(), forbidden=(),
                                  lat=round(min(90.0, max(-90.0, src.lat + jitter[k, 0])), 6),
                                  lon=round(min(180.0, max(-180.0, src.lon + jitter[k, 1])), 6))
        vols.append(new)
        towns[new.id] = towns[src.id]
    problem = dataclasses.replace(ds.problem, volunteers=tuple(vols))
    return dataclasses.replace(ds, problem=problem, volunteer_town=towns), f"added {n} volunteers{_where(ctx.change)}"


def _remove_volunteers(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    ctx.check_names(ds)
    pool = _pool(ctx, ds)
    n = _how_many(ctx, len(pool))
    if n > len(pool):
        raise ctx.fail("count", f"asks to remove {n} volunteers but only {len(pool)} are{_where(ctx.change)}")
    picks: list[int] = [int(k) for k in ctx.rng.choice(len(pool), size=n, replace=False)] if n else []
    gone = {ds.problem.volunteers[pool[int(k)]].id for k in picks}
    return _drop(ds, volunteers=gone), f"removed {n} of {len(pool)} volunteers{_where(ctx.change)}"


def _change_skill_mix(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    ctx.check_names(ds)
    ch = ctx.change
    pool = [i for i in _pool(ctx, ds) if not ds.problem.volunteers[i].pinned]
    n = round(ch["share"] * len(pool))
    picks = {pool[int(k)] for k in ctx.rng.choice(len(pool), size=n, replace=False)} if n else set()
    vols = list(ds.problem.volunteers)
    for i in picks:
        v = vols[i]
        old = next(s for s in v.skills if s.skill == ch["from_skill"])
        level = ch.get("level", old.level)
        kept = [s for s in v.skills
                if s.skill != ch["to_skill"] and (ch.get("keep_old") or s.skill != ch["from_skill"])]
        prior = next((s.level for s in v.skills if s.skill == ch["to_skill"]), 0)
        kept.append(SkillLevel(ch["to_skill"], max(level, prior), old.expires))
        vols[i] = dataclasses.replace(v, skills=tuple(kept))
    problem = dataclasses.replace(ds.problem, volunteers=tuple(vols))
    verb = "also hold" if ch.get("keep_old") else "switched to"
    return (dataclasses.replace(ds, problem=problem),
            f"{n} of {len(pool)} {ch['from_skill']} holders{_where(ch)} {verb} {ch['to_skill']}")


def _service_date(problem: Problem, r: Request) -> str:
    return (problem.date_from + dt.timedelta(days=day_of(r.time.earliest_start))).isoformat()


def _scale_demand(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    ctx.check_names(ds)
    ch, p = ctx.change, ds.problem
    if "date" in ch and not p.date_from.isoformat() <= ch["date"] <= p.date_to.isoformat():
        raise ctx.fail("date", f"{ch['date']} is outside the base period {p.date_from} .. {p.date_to}")
    prios = ch.get("priority")
    match = [r for r in p.requests
             if ("domain" not in ch or ds.request_domain[r.id] == ch["domain"])
             and ("town" not in ch or ds.request_town[r.id] == ch["town"])
             and ("station" not in ch or ds.request_station[r.id] == ch["station"])
             and (prios is None or r.priority in prios)
             and ("date" not in ch or _service_date(p, r) == ch["date"])]
    factor = ch["factor"]
    if factor < 1:
        n = round((1 - factor) * len(match))
        gone = {match[int(k)].id for k in ctx.rng.choice(len(match), size=n, replace=False)} if n else set()
        return _drop(ds, requests=gone), f"removed {n} of {len(match)} requests{_where(ch)}"
    extra = round((factor - 1) * len(match))
    whole, rest = divmod(extra, len(match)) if match else (0, 0)
    bonus = {int(k) for k in ctx.rng.choice(len(match), size=rest, replace=False)} if rest else set()
    reqs = list(p.requests)
    town, station, domain = dict(ds.request_town), dict(ds.request_station), dict(ds.request_domain)
    for j, src in enumerate(match):
        for k in range(whole + (1 if j in bonus else 0)):
            new = dataclasses.replace(src, id=f"{src.id}+d{ctx.index}.{k}")
            reqs.append(new)
            town[new.id], station[new.id], domain[new.id] = town[src.id], station[src.id], domain[src.id]
    problem = dataclasses.replace(p, requests=tuple(reqs))
    return (dataclasses.replace(ds, problem=problem, request_town=town, request_station=station,
                                request_domain=domain),
            f"added {extra} requests to {len(match)}{_where(ch)} (x{factor:g})")


def _engine_settings(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    ch, p = ctx.change, ds.problem
    settings = p.settings
    if "priority_weights" in ch:
        weights = {**settings.priority_weights, **ch["priority_weights"]}
        settings = dataclasses.replace(settings, priority_weights=weights)
    if "speed_kmh" in ch:
        settings = dataclasses.replace(settings, speed_kmh=float(ch["speed_kmh"]))
    if "detour_factor" in ch:
        settings = dataclasses.replace(settings, detour_factor=float(ch["detour_factor"]))
    if "staffing" in ch:
        settings = dataclasses.replace(settings, staffing=ch["staffing"])
    vols: tuple[Volunteer, ...] = p.volunteers
    line = ", ".join(f"{k}={v}" for k, v in ch.items() if k != "type")
    if any(k in ch for k in ("max_travel_km", "tasks_per_day", "minutes_per_day")):
        vols = tuple(v if v.pinned else _capped(v, ch) for v in vols)
        exempt = sum(1 for v in vols if v.pinned)
        line += f" ({exempt} volunteers with pinned tasks keep their own limits)" if exempt else ""
    problem = dataclasses.replace(p, settings=settings, volunteers=vols)
    return dataclasses.replace(ds, problem=problem), line


def _capped(v: Volunteer, ch: dict[str, Any]) -> Volunteer:
    def cap(own: float | None, limit: float | None) -> Any:
        return own if limit is None else (limit if own is None else min(own, limit))

    limits = Limits(cap(v.limits.tasks_per_day, ch.get("tasks_per_day")),
                    cap(v.limits.minutes_per_day, ch.get("minutes_per_day")),
                    v.limits.tasks_per_period, v.limits.minutes_per_period)
    return dataclasses.replace(v, max_travel_km=cap(v.max_travel_km, ch.get("max_travel_km")), limits=limits)


def _remove_team(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    ctx.check_names(ds)
    team = ctx.change["team"]
    members = {v.id for v in ds.problem.volunteers if team in v.teams}
    if ctx.change.get("remove_members"):
        return _drop(ds, volunteers=members), f"team {team} dissolved, its {len(members)} members removed"
    vols = tuple(dataclasses.replace(v, teams=tuple(t for t in v.teams if t != team), pinned=())
                 if v.id in members else v for v in ds.problem.volunteers)
    released = sum(len(v.pinned) for v in ds.problem.volunteers if v.id in members)
    return (dataclasses.replace(ds, problem=dataclasses.replace(ds.problem, volunteers=vols)),
            f"team {team} dissolved, its {len(members)} members stay without it ({released} pins released)")


def _surge_day(ctx: _Ctx, ds: Dataset) -> tuple[Dataset, str]:
    return _scale_demand(ctx, ds)


_APPLY = {
    "add_volunteers": _add_volunteers, "remove_volunteers": _remove_volunteers,
    "change_skill_mix": _change_skill_mix, "scale_demand": _scale_demand, "surge_day": _surge_day,
    "engine_settings": _engine_settings, "remove_team": _remove_team,
}
