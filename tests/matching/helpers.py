"""Small builders for matching tests: problem documents in the JSON format, and hand-built results.

Problems are built as JSON documents and loaded through `load_problem`, so every test also
exercises the public format. Places are given as kilometres north/east of a base point in
Pizhou (synthetic), so a reader sees distances at a glance. `DAY` is a Thursday (weekday 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from matching.jsonio import load_problem
from matching.options import SolveOptions
from matching.problem import Problem
from matching.result import Assignment, Missing, Objective, OpenRequest, Result, Status
from matching.validate import objective, pair_distance_km, pair_travel_minutes

DAY = "2026-03-05"
NEXT_DAY = "2026-03-06"
BASE_LAT, BASE_LON = 34.33, 117.96
#: the wall-clock limit of a test solve: a guard far beyond what any search here is budgeted
WALL_GUARD = 300.0


def proving(deterministic: float = 10.0, *, seed: int = 7, **more: Any) -> SolveOptions:
    """Options of a solve whose outcome a test may assert (OPTIMAL, a proven gap, a repeat):
    one worker, every CP-SAT search bounded by `deterministic` seconds of deterministic time and
    the wall clock only a distant guard, so what gets proven does not depend on the machine's load."""
    return SolveOptions(time_limit=WALL_GUARD, workers=1, seed=seed, deterministic_time=deterministic, **more)


def place(north_km: float = 0.0, east_km: float = 0.0) -> dict[str, float]:
    """A location `north_km` north and `east_km` east of the base point (flat-earth offset)."""
    lat = BASE_LAT + north_km / 110.95
    lon = BASE_LON + east_km / (111.32 * math.cos(math.radians(BASE_LAT)))
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def at(clock: str, day: str = DAY) -> str:
    """`2026-03-05T09:00` from `09:00`."""
    return f"{day}T{clock}"


def volunteer(vid: str, *, skills: dict[str, int] | None = None, east_km: float = 0.0,
              north_km: float = 0.0, **extra: Any) -> dict[str, Any]:
    """A volunteer document; `skills` maps skill -> level (default: helper at level 1)."""
    held = skills if skills is not None else {"helper": 1}
    doc: dict[str, Any] = {
        "id": vid,
        "home": place(north_km, east_km),
        "skills": [{"skill": s, "level": lvl} for s, lvl in held.items()],
    }
    doc.update(extra)
    return doc


def request(rid: str, *, needs: Sequence[tuple[str, int, int]] = (("helper", 1, 1),),
            start: str = "09:00", duration: int = 60, day: str = DAY, east_km: float = 0.0,
            north_km: float = 0.0, **extra: Any) -> dict[str, Any]:
    """A request document at a fixed time; `needs` holds (skill, count, min_level) triples."""
    doc: dict[str, Any] = {
        "id": rid,
        "location": place(north_km, east_km),
        "time": {"start": at(start, day), "duration": duration},
        "skills": [{"skill": s, "count": c, "min_level": m} for s, c, m in needs],
    }
    doc.update(extra)
    return doc


def document(volunteers: Iterable[dict[str, Any]], requests: Iterable[dict[str, Any]], *,
             date_from: str = DAY, date_to: str | None = None, **extra: Any) -> dict[str, Any]:
    """A whole problem document (format `wenming.matching/problem` v1)."""
    doc: dict[str, Any] = {
        "format": "wenming.matching/problem",
        "version": 1,
        "date_from": date_from,
        "date_to": date_to or date_from,
        "volunteers": list(volunteers),
        "requests": list(requests),
    }
    doc.update(extra)
    return doc


def build(volunteers: Iterable[dict[str, Any]], requests: Iterable[dict[str, Any]], **extra: Any) -> Problem:
    """`load_problem` of `document(...)`."""
    return load_problem(document(volunteers, requests, **extra))


def assign(problem: Problem, vid: str, rid: str, skill: str | None = None,
           start: str | None = None) -> Assignment:
    """A hand-built assignment of `vid` to `rid` at the request's (earliest) start with exact figures."""
    v = next(x for x in problem.volunteers if x.id == vid)
    r = next(x for x in problem.requests if x.id == rid)
    begin = problem.minute(start) if start else r.time.earliest_start
    return Assignment(
        request=rid, volunteer=vid, skill=skill or r.skills[0].skill,
        start=problem.iso(begin), end=problem.iso(begin + r.time.duration),
        distance_km=round(pair_distance_km(problem, v, r), 3),
        travel_minutes=pair_travel_minutes(problem, v, r),
    )


def result_of(problem: Problem, assignments: Iterable[Assignment],
              status: Status = Status.FEASIBLE) -> Result:
    """A result holding `assignments`, with a consistent objective and open list, so that the
    only violations a checker can find are those of the assignments themselves."""
    chosen = tuple(assignments)
    draft = Result(status=status, objective=Objective(), assignments=chosen)
    opened = []
    for r in problem.requests:
        missing = tuple(
            Missing(n.skill, n.count - got) for n in r.skills
            if (got := sum(1 for a in chosen if a.request == r.id and a.skill == n.skill)) < n.count
        )
        if missing:
            opened.append(OpenRequest(request=r.id, missing=missing, reason="NO_QUALIFIED_VOLUNTEER"))
    return Result(status=status, objective=Objective(**objective(problem, draft)), assignments=chosen,
                  open=tuple(opened))


def pairs(result: Result) -> set[tuple[str, str]]:
    """The (volunteer, request) pairs of a result."""
    return {(a.volunteer, a.request) for a in result.assignments}


def rules(violations: Iterable[Any]) -> list[str]:
    """The rule codes of a list of violations, in order."""
    return [v.rule for v in violations]
