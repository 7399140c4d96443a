"""What the checker reads: a result's assignments in minutes, and the exact travel figures.

The validator half of every rule (`check_*` in `matching/rules/<name>.py`) and `validate` build
on these helpers only: distances are recomputed with geopy's exact `geodesic`, availability is
rebuilt from the data classes, nothing is taken from the solver's arrays.

Tolerance: the contract lets bulk computation use a vectorised distance within 0.5 % of the
exact geodesic, so where a rule compares an engine-computed figure (distance, travel minutes,
site-to-site minutes) with a limit, a violation is reported only when even the figure 0.5 %
below the exact one breaks it (`lenient_*`). Per-pair overrides are taken as given.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from geopy.distance import geodesic

from matching.problem import MINUTES_PER_DAY, Problem, Request, Volunteer, parse_minute
from matching.result import Result

#: Relative agreement the contract allows between a vectorised distance and the exact one.
DISTANCE_TOLERANCE = 0.005


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: its code (e.g. ``H1_SKILL``), a one-line message, and who/what it concerns."""

    rule: str
    message: str
    volunteer: str | None = None
    request: str | None = None


@dataclass(frozen=True, slots=True)
class Task:
    """An assignment as the checker reads it: minutes since `date_from` 00:00."""

    volunteer: str
    request: str
    skill: str
    start: int
    end: int
    distance_km: float | None
    travel_minutes: int | None


# ----------------------------------------------------------------------------- travel figures

@lru_cache(maxsize=65536)
def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Exact WGS-84 geodesic distance in km (geopy), cached: the checker asks for a pair many times."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).km)


def minutes_for(distance_km: float, problem: Problem) -> int:
    """Travel minutes of a distance: ceil(distance / speed * 60)."""
    return math.ceil(distance_km / problem.settings.speed_kmh * 60)


def _override(problem: Problem, volunteer: str, request: str) -> tuple[float | None, int | None]:
    for o in problem.settings.overrides:
        if o.volunteer == volunteer and o.request == request:
            return o.distance_km, o.travel_minutes
    return None, None


def pair_distance_km(problem: Problem, v: Volunteer, r: Request) -> float:
    """Exact `distance_km(v, r)`: the override if any, else geodesic home -> site x detour factor."""
    distance, _ = _override(problem, v.id, r.id)
    if distance is not None:
        return float(distance)
    return geodesic_km(v.lat, v.lon, r.lat, r.lon) * problem.settings.detour_factor


def pair_travel_minutes(problem: Problem, v: Volunteer, r: Request) -> int:
    """Exact `travel_minutes(v, r)`: the override if any, else ceil(distance / speed * 60)."""
    _, minutes = _override(problem, v.id, r.id)
    if minutes is not None:
        return int(minutes)
    return minutes_for(pair_distance_km(problem, v, r), problem)


def lenient_distance(problem: Problem, v: Volunteer, r: Request) -> float:
    """The smallest distance the engine may legitimately have used for the pair."""
    distance, _ = _override(problem, v.id, r.id)
    exact = pair_distance_km(problem, v, r)
    return exact if distance is not None else exact * (1 - DISTANCE_TOLERANCE)


def lenient_minutes(problem: Problem, v: Volunteer, r: Request) -> int:
    """The smallest travel minutes the engine may legitimately have used for the pair."""
    _, minutes = _override(problem, v.id, r.id)
    if minutes is not None:
        return int(minutes)
    return minutes_for(lenient_distance(problem, v, r), problem)


def site_minutes_lenient(problem: Problem, a: Request, b: Request) -> int:
    """Site-to-site minutes (no override applies), lenient by the distance tolerance."""
    km = geodesic_km(a.lat, a.lon, b.lat, b.lon) * problem.settings.detour_factor
    return minutes_for(km * (1 - DISTANCE_TOLERANCE), problem)


# ----------------------------------------------------------------------------- reading a result

def tasks(problem: Problem, result: Result) -> list[Task]:
    """Every assignment of the result, in minutes."""
    return [Task(a.volunteer, a.request, a.skill, parse_minute(a.start, problem.date_from),
                 parse_minute(a.end, problem.date_from), a.distance_km, a.travel_minutes)
            for a in result.assignments]


def service_date(problem: Problem, task: Task) -> dt.date:
    """The day the task's service starts on."""
    return problem.date_from + dt.timedelta(days=task.start // MINUTES_PER_DAY)


def known(problem: Problem, result: Result) -> list[tuple[Task, Volunteer, Request]]:
    """The assignments naming a volunteer and a request of the problem, with both."""
    vols = {v.id: v for v in problem.volunteers}
    reqs = {r.id: r for r in problem.requests}
    return [(t, vols[t.volunteer], reqs[t.request]) for t in tasks(problem, result)
            if t.volunteer in vols and t.request in reqs]


def violation(rule: str, task: Task, text: str) -> Violation:
    """A violation about one assignment: "V1 on R1: <text>"."""
    return Violation(rule, f"{task.volunteer} on {task.request}: {text}", task.volunteer, task.request)


def status_of(result: Result) -> str:
    """The result's status as text (a loaded or hand-built result may carry either form)."""
    status = getattr(result, "status", "")
    return str(getattr(status, "value", status))
