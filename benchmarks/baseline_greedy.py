"""Baseline (a): the greedy nearest-qualified dispatcher, i.e. what staff do by hand.

Pins are placed first. Then requests are taken by priority (highest first), then start time;
for each, every skill slot goes to the nearest volunteer (straight line from home) who is
qualified and still free under every hard rule H1-H9. A request that does not allow partial
staffing is taken only when all its slots fill (all or nothing). A flexible window is tried at
its earliest start, then every 30 minutes, then its latest start; the first start that staffs
the request fully wins (for a partial request, the start that staffs most). Nothing is ever
undone, so the result is valid but usually not optimal; it carries no bound.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
from scipy.spatial import cKDTree

from benchmarks.baseline_rules import Pieces, Travel, build_result, inside, service_date, static_ok
from matching import Problem, Request, Result, Status, Volunteer

_STEP = 30


class _Book:
    """What each volunteer already does: tasks, and counts/minutes per day and per period."""

    def __init__(self, problem: Problem) -> None:
        self.problem, self.travel, self.pieces = problem, Travel(problem), Pieces(problem)
        self.tasks: dict[str, list[tuple[int, int, Request]]] = defaultdict(list)
        self.day: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
        self.period: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def fits(self, v: Volunteer, r: Request, skill: str, min_level: int, start: int) -> bool:
        """Whether v can take this slot of r starting at `start`, given what v already does."""
        if not static_ok(v, r, skill, min_level, service_date(self.problem, start)):
            return False
        km, minutes = self.travel.pair_upper(v, r)
        if v.max_travel_km is not None and km > v.max_travel_km:
            return False
        end = start + r.time.duration
        if not inside(self.pieces(v), start - minutes, end):
            return False
        for a0, a1, other in self.tasks[v.id]:
            gap = self.travel.site_minutes(other, r)
            if not (a1 + gap <= start or end + gap <= a0):
                return False
        lim, work = v.limits, r.time.duration + minutes
        day_n, day_m = self.day[v.id, start // 1440]
        per_n, per_m = self.period[v.id]
        return not ((lim.tasks_per_day is not None and day_n + 1 > lim.tasks_per_day)
                    or (lim.minutes_per_day is not None and day_m + work > lim.minutes_per_day)
                    or (lim.tasks_per_period is not None and per_n + 1 > lim.tasks_per_period)
                    or (lim.minutes_per_period is not None and per_m + work > lim.minutes_per_period))

    def take(self, v: Volunteer, r: Request, start: int) -> None:
        work = r.time.duration + self.travel.pair_upper(v, r)[1]
        self.tasks[v.id].append((start, start + r.time.duration, r))
        for bucket in (self.day[v.id, start // 1440], self.period[v.id]):
            bucket[0] += 1
            bucket[1] += work


class _Nearest:
    """Volunteers holding each skill, in a k-d tree over projected home coordinates."""

    def __init__(self, problem: Problem) -> None:
        self.vols = problem.volunteers
        lat = np.array([v.lat for v in self.vols])
        self.lat0 = float(lat.mean()) if len(lat) else 0.0
        holders: dict[str, list[int]] = defaultdict(list)
        for i, v in enumerate(self.vols):
            for s in v.skills:
                holders[s.skill].append(i)
        self.trees = {}
        for skill, idx in holders.items():
            ids = np.array(idx)
            self.trees[skill] = (ids, cKDTree(self._xy(lat[ids], np.array([self.vols[i].lon for i in idx]))))

    def _xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return np.column_stack([lon * 111.32 * np.cos(np.radians(self.lat0)), lat * 110.57])

    def around(self, skill: str, r: Request) -> Iterator[Volunteer]:
        """Holders of `skill` from the nearest outwards (widening queries, all in the end)."""
        if skill not in self.trees:
            return
        ids, tree = self.trees[skill]
        point = self._xy(np.array([r.lat]), np.array([r.lon]))[0]
        seen = 0
        k = 64
        while seen < len(ids):
            k = min(k, len(ids))
            _, found = tree.query(point, k=k)
            for j in np.atleast_1d(found)[seen:]:
                yield self.vols[int(ids[int(j)])]
            seen, k = k, k * 8


def _starts(r: Request) -> list[int]:
    t = r.time
    if t.fixed:
        return [t.earliest_start]
    starts = list(range(t.earliest_start, t.latest_start + 1, _STEP))
    return starts if starts[-1] == t.latest_start else [*starts, t.latest_start]


def _fill(book: _Book, near: _Nearest, r: Request, start: int, have: list[tuple[str, str]]
          ) -> list[tuple[str, Volunteer]]:
    """New picks for r's open slots at `start`, nearest qualified free volunteer each."""
    used = {vid for vid, _ in have}
    picks: list[tuple[str, Volunteer]] = []
    for need in r.skills:
        missing = need.count - sum(1 for _, skill in have if skill == need.skill)
        if missing <= 0:
            continue
        for v in near.around(need.skill, r):
            if v.id not in used and book.fits(v, r, need.skill, need.min_level, start):
                picks.append((need.skill, v))
                used.add(v.id)
                missing -= 1
                if not missing:
                    break
    return picks


def greedy(problem: Problem) -> Result:
    """Dispatch greedily (see the module docstring); a valid `Result` with status FEASIBLE."""
    t0 = time.perf_counter()
    book, near = _Book(problem), _Nearest(problem)
    reqs = {r.id: r for r in problem.requests}
    chosen: dict[str, list[tuple[str, str]]] = defaultdict(list)  # request -> [(volunteer, skill)]
    start_of: dict[str, int] = {}
    for v in problem.volunteers:  # pins first, each in the first slot and start that fits
        for rid in v.pinned:
            r = reqs[rid]
            for start in [start_of[rid]] if rid in start_of else _starts(r):
                need = next((n for n in r.skills if book.fits(v, r, n.skill, n.min_level, start)
                             and sum(1 for _, s in chosen[rid] if s == n.skill) < n.count), None)
                if need is not None:
                    book.take(v, r, start)
                    chosen[rid].append((v.id, need.skill))
                    start_of[rid] = start
                    break
    for r in sorted(problem.requests, key=lambda q: (-q.priority, q.time.earliest_start, q.id)):
        best: tuple[int, list[tuple[str, Volunteer]]] | None = None
        for start in [start_of[r.id]] if r.id in start_of else _starts(r):
            picks = _fill(book, near, r, start, chosen[r.id])
            if len(chosen[r.id]) + len(picks) == r.headcount:
                best = (start, picks)
                break
            if (r.allow_partial or r.id in start_of) and (best is None or len(picks) > len(best[1])):
                best = (start, picks)
        if best is not None:
            start, picks = best
            for skill, v in picks:
                book.take(v, r, start)
                chosen[r.id].append((v.id, skill))
            start_of[r.id] = start
    picks_out = [(rid, vid, skill, start_of[rid]) for rid, people in chosen.items() for vid, skill in people]
    solve_s = time.perf_counter() - t0
    result = build_result(problem, picks_out, Status.FEASIBLE, gap=None,
                          message="greedy nearest-qualified dispatcher (no bound)")
    return replace(result, timings={"solve": round(solve_s, 3), "total": round(time.perf_counter() - t0, 3)})
