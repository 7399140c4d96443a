"""Hard rules and result building shared by the two baselines (greedy and naive CP-SAT).

Plain, independent code written from matching/README.md: it reads the public `Problem` types and
produces a public `Result`, and shares nothing with the engine's model. Decisions are
conservative: a distance used to decide a rule is a fast ellipsoidal estimate raised by 0.5 %
(the contract's tolerance for bulk figures), so a baseline may, rarely, turn down a pair that
sits right at a limit but never accepts a pair that breaks one. Figures written into the result
(distance, travel minutes, objective) use geopy's exact geodesic, as the contract asks.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from geopy.distance import geodesic

from matching import (
    Assignment,
    Missing,
    Objective,
    OpenRequest,
    Problem,
    Reason,
    Request,
    Result,
    Status,
    Volunteer,
    available_intervals,
)

_A = 6378.137  # WGS-84 semi-major axis, km
_E2 = 0.00669437999014  # WGS-84 first eccentricity squared
SAFETY = 1.005  # estimate -> upper bound on the exact geodesic, at county scale


def approx_km(lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float,
              lon2: np.ndarray | float) -> np.ndarray:
    """Straight-line km on the WGS-84 ellipsoid by local radii of curvature (vectorised; < 0.1 %
    from the geodesic below 100 km)."""
    phi = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    w = 1 - _E2 * np.sin(phi) ** 2
    meridian = _A * (1 - _E2) / w**1.5
    normal = _A / np.sqrt(w)
    dy = meridian * np.radians(np.asarray(lat2) - np.asarray(lat1))
    dx = normal * np.cos(phi) * np.radians(np.asarray(lon2) - np.asarray(lon1))
    return np.hypot(dx, dy)


@lru_cache(maxsize=1 << 18)
def exact_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic km between two points (geopy, WGS-84), the contract's exact figure."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).km)


class Travel:
    """Pair and site-to-site travel of one problem: overrides first, then the formula."""

    def __init__(self, problem: Problem) -> None:
        s = problem.settings
        self.detour, self.speed = s.detour_factor, s.speed_kmh
        self.overrides = {(o.volunteer, o.request): o for o in s.overrides}

    def minutes(self, km: float) -> int:
        return math.ceil(km / self.speed * 60)

    def pair_upper(self, v: Volunteer, r: Request) -> tuple[float, int]:
        """(distance_km, travel_minutes) of the pair, never below the exact figures."""
        o = self.overrides.get((v.id, r.id))
        km = None if o is None else o.distance_km
        if km is None:
            straight = float(approx_km(v.lat, v.lon, r.lat, r.lon))
            km = (straight * SAFETY if straight < 200 else exact_km(v.lat, v.lon, r.lat, r.lon)) * self.detour
        minutes = o.travel_minutes if o is not None and o.travel_minutes is not None else self.minutes(km)
        return km, minutes

    def pair_exact(self, v: Volunteer, r: Request) -> tuple[float, int]:
        """(distance_km, travel_minutes) exactly as the contract defines them."""
        o = self.overrides.get((v.id, r.id))
        km = None if o is None else o.distance_km
        if km is None:
            km = exact_km(v.lat, v.lon, r.lat, r.lon) * self.detour
        minutes = o.travel_minutes if o is not None and o.travel_minutes is not None else self.minutes(km)
        return km, minutes

    def site_minutes(self, a: Request, b: Request) -> int:
        """Site-to-site minutes (no override applies), never below the exact figure."""
        if a.lat == b.lat and a.lon == b.lon:
            return 0
        straight = float(approx_km(a.lat, a.lon, b.lat, b.lon))
        km = straight * SAFETY if straight < 200 else exact_km(a.lat, a.lon, b.lat, b.lon)
        return self.minutes(km * self.detour)


def service_date(problem: Problem, minute: int) -> dt.date:
    return problem.date_from + dt.timedelta(days=minute // 1440)


def static_ok(v: Volunteer, r: Request, skill: str, min_level: int, date: dt.date) -> bool:
    """H1 skill/level/expiry, H2 team, H7 insurance and H9 forbidden for one slot of a request."""
    if r.id in v.forbidden:
        return False
    if not any(s.skill == skill and s.level >= min_level and (s.expires is None or s.expires >= date)
               for s in v.skills):
        return False
    if r.eligible_teams and not set(r.eligible_teams) & set(v.teams):
        return False
    return not (r.requires_insurance and (v.insurance_valid_until is None or v.insurance_valid_until < date))


def inside(pieces: list[tuple[int, int]] | None, start: int, end: int) -> bool:
    """H3: [start, end] lies inside one available piece (None = always available)."""
    return pieces is None or any(a <= start and end <= b for a, b in pieces)


class Pieces:
    """Available intervals per volunteer, computed on first use."""

    def __init__(self, problem: Problem) -> None:
        self.problem, self.cache = problem, {}  # type: dict[str, list[tuple[int, int]] | None]

    def __call__(self, v: Volunteer) -> list[tuple[int, int]] | None:
        if v.id not in self.cache:
            self.cache[v.id] = available_intervals(v, self.problem.date_from, self.problem.date_to)
        return self.cache[v.id]


def build_result(problem: Problem, picks: Iterable[tuple[str, str, str, int]], status: Status, *,
                 bound: dict[str, float | None] | None = None, gap: float | None = None,
                 timings: dict[str, float] | None = None, message: str = "") -> Result:
    """A `Result` from (request, volunteer, skill, start minute) picks: exact figures, objective and
    open list."""
    vols = {v.id: v for v in problem.volunteers}
    reqs = {r.id: r for r in problem.requests}
    travel = Travel(problem)
    assignments, tasks, on_request = [], defaultdict(int), defaultdict(list)
    staffing = travel_m = 0
    filled: dict[tuple[str, str], int] = defaultdict(int)
    for rid, vid, skill, start in sorted(picks, key=lambda p: (p[0], p[2], p[1])):
        v, r = vols[vid], reqs[rid]
        km, minutes = travel.pair_exact(v, r)
        end = problem.iso(start + r.time.duration)
        assignments.append(Assignment(rid, vid, skill, problem.iso(start), end, round(km, 3), minutes))
        staffing += problem.settings.weight(r.priority)
        travel_m += round(km * 1000)
        tasks[vid] += 1
        on_request[rid].append(vid)
        filled[rid, skill] += 1
    cohesion = sum(1 for people in on_request.values() for i, a in enumerate(people) for b in people[i + 1:]
                   if set(vols[a].teams) & set(vols[b].teams))
    objective = Objective(staffing, travel_m, sum(n * n for n in tasks.values()), cohesion)
    return Result(status, objective, bound or {}, gap, timings or {}, {"count": 1},
                  tuple(assignments), tuple(open_requests(problem, filled)), None, message)


def open_requests(problem: Problem, filled: dict[tuple[str, str], int]) -> list[OpenRequest]:
    """Every request with unfilled slots, with a coarse reason code."""
    best_level: dict[str, int] = defaultdict(int)
    for v in problem.volunteers:
        for s in v.skills:
            best_level[s.skill] = max(best_level[s.skill], s.level)
    out = []
    for r in problem.requests:
        missing = tuple(Missing(n.skill, n.count - filled[r.id, n.skill]) for n in r.skills
                        if filled[r.id, n.skill] < n.count)
        if not missing:
            continue
        if any(best_level[n.skill] < n.min_level for n in r.skills):
            reason = Reason.NO_QUALIFIED_VOLUNTEER
        elif not r.allow_partial:
            reason = Reason.NOT_ENOUGH_FOR_FULL_STAFFING
        else:
            reason = Reason.NONE_AVAILABLE
        out.append(OpenRequest(r.id, missing, reason.value))
    return out
