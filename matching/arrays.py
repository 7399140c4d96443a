"""The problem as numpy arrays: what the solver's hot path reads instead of the dataclasses.

Built once per solve in O(volunteers + requests). Volunteers are rows 0..nv-1 and requests rows
0..nr-1 in input order (stable orderings make solves deterministic). "No limit" is `NO_LIMIT`,
"never expires" is `NEVER`, "no insurance" is `-NEVER` (day numbers relative to `date_from`).
Team membership is a bitset per volunteer and per request, so "shares a team" is one `&`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np
from scipy.spatial import cKDTree

from matching.geo import unit_vectors
from matching.problem import Problem, available_intervals

NO_LIMIT = 1 << 40
NEVER = 1 << 30
T = TypeVar("T")


@dataclass
class SkillPool:
    """Holders of one skill: volunteer rows, their level and last valid day."""

    vidx: np.ndarray
    level: np.ndarray
    last_day: np.ndarray
    tree: object = None

    def kdtree(self, vxyz: np.ndarray) -> Any:
        if self.tree is None:
            self.tree = cKDTree(vxyz[self.vidx], leafsize=32, balanced_tree=False, compact_nodes=False)
        return self.tree


@dataclass
class Arrays:
    nv: int
    nr: int
    vlat: np.ndarray
    vlon: np.ndarray
    vxyz: np.ndarray
    v_always: np.ndarray            # bool: available at any time
    av_ptr: np.ndarray              # CSR of availability pieces per volunteer
    av_start: np.ndarray
    av_end: np.ndarray
    tasks_day: np.ndarray
    minutes_day: np.ndarray
    tasks_period: np.ndarray
    minutes_period: np.ndarray
    max_km: np.ndarray
    insured_until: np.ndarray       # last insured day number, -NEVER when uninsured
    v_teams: np.ndarray             # (nv, words) uint64 bitsets
    r_teams: np.ndarray             # (nr, words) uint64 bitsets; all zero = any team
    rlat: np.ndarray
    rlon: np.ndarray
    r_earliest: np.ndarray
    r_latest_end: np.ndarray
    r_duration: np.ndarray
    r_fixed: np.ndarray
    r_weight: np.ndarray
    r_partial: np.ndarray
    r_insurance: np.ndarray
    r_needs: list[tuple[tuple[str, int, int], ...]]   # per request: (skill, count, min_level)
    skills: dict[str, SkillPool]
    forbidden: set[tuple[int, int]]
    pins: list[tuple[int, int]]
    overrides: dict[tuple[int, int], tuple[float | None, int | None]]
    speed_kmh: float
    detour: float
    problem: Problem                # the data classes the arrays were built from (for rules reading more)
    vol_index: dict[str, int] = field(default_factory=dict)
    req_index: dict[str, int] = field(default_factory=dict)
    cache: dict[object, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: object, build: Callable[[], T]) -> T:
        """A figure derived from the arrays, built on first use and kept for this solve; `key`
        names who derives it and what (e.g. ``("H3", "piece keys")``)."""
        if key not in self.cache:
            self.cache[key] = build()
        value: T = self.cache[key]
        return value

    def pair_keys(self, name: str) -> np.ndarray:
        """Sorted keys volunteer * nr + request of the pairs `self.<name>` ("forbidden",
        "overrides"), built once: membership of many pairs is then one `member` call."""
        def build() -> np.ndarray:
            pairs = getattr(self, name)
            return np.sort(np.fromiter((v * self.nr + r for v, r in pairs), np.int64, len(pairs)))
        return self.memo(("pair keys", name), build)


def build_arrays(problem: Problem) -> Arrays:
    """Turn the dataclasses into arrays (one pass over volunteers, one over requests)."""
    vols, reqs = problem.volunteers, problem.requests
    nv, nr = len(vols), len(reqs)
    vol_index = {v.id: i for i, v in enumerate(vols)}
    req_index = {r.id: i for i, r in enumerate(reqs)}
    # volunteers loaded from JSON share their team, availability, limit and skill objects: each
    # distinct one is turned into arrays once, and each volunteer takes the row of its own
    team_sets: dict[tuple[str, ...], int] = {}
    t_of = np.fromiter((team_sets.setdefault(v.teams, len(team_sets)) for v in vols), np.int64, nv)
    team_ids: dict[str, int] = {}
    for teams in team_sets:
        for t in teams:
            team_ids.setdefault(t, len(team_ids))
    for r in reqs:
        for t in r.eligible_teams:
            team_ids.setdefault(t, len(team_ids))
    words = max(1, (len(team_ids) + 63) // 64)

    def bits(teams: tuple[str, ...], out: np.ndarray) -> None:
        for t in teams:
            i = team_ids[t]
            out[i // 64] |= np.uint64(1) << np.uint64(i % 64)

    team_rows = np.zeros((len(team_sets), words), np.uint64)
    for teams, j in team_sets.items():
        bits(teams, team_rows[j])
    v_teams = team_rows[t_of]
    vlat = np.fromiter((v.lat for v in vols), float, nv)
    vlon = np.fromiter((v.lon for v in vols), float, nv)
    d0, d1 = problem.date_from, problem.date_to
    a_of, a_first = _shared(vols, "availability")
    u_pieces = [available_intervals(vols[i], d0, d1) for i in a_first.tolist()]
    u_always = np.fromiter((p is None for p in u_pieces), bool, len(u_pieces))
    u_count = np.fromiter((len(p or ()) for p in u_pieces), np.int64, len(u_pieces))
    u_ptr = _offsets(u_count)
    u_start = np.fromiter((s for p in u_pieces for s, _ in p or ()), np.int64, int(u_ptr[-1]))
    u_end = np.fromiter((e for p in u_pieces for _, e in p or ()), np.int64, int(u_ptr[-1]))
    v_always = u_always[a_of]
    count = u_count[a_of]
    ptr = _offsets(count)
    piece = np.repeat(u_ptr[a_of] - ptr[:-1], count) + np.arange(int(ptr[-1]))
    l_of, l_first = _shared(vols, "limits")
    u_lim = np.array([[NO_LIMIT if x is None else x for x in (
        lm.tasks_per_day, lm.minutes_per_day, lm.tasks_per_period, lm.minutes_per_period)]
        for lm in (vols[i].limits for i in l_first.tolist())], np.int64).reshape(-1, 4)
    lim = u_lim[l_of].T
    max_km = np.fromiter((np.inf if v.max_travel_km is None else v.max_travel_km for v in vols), float, nv)
    days: dict[dt.date | None, int] = {None: -NEVER}      # day numbers of the distinct insurance dates

    def insured_day(d: dt.date | None) -> int:
        if d not in days:
            days[d] = problem.day_index(d) if d is not None else -NEVER
        return days[d]

    insured = np.fromiter((insured_day(v.insurance_valid_until) for v in vols), np.int64, nv)
    s_of, s_first = _shared(vols, "skills")
    skill_ids: dict[str, int] = {}
    u_skills = [[(skill_ids.setdefault(h.skill, len(skill_ids)), h.level,
                  problem.day_index(h.expires) if h.expires else NEVER) for h in vols[i].skills]
                for i in s_first.tolist()]
    s_count = np.fromiter((len(u) for u in u_skills), np.int64, len(u_skills))
    s_ptr = _offsets(s_count)
    held = np.array([h for u in u_skills for h in u], np.int64).reshape(-1, 3)
    count = s_count[s_of]
    owner = np.repeat(np.arange(nv, dtype=np.int64), count)
    entry = held[np.repeat(s_ptr[s_of] - _offsets(count)[:-1], count) + np.arange(len(owner))]
    # per skill, its holders in volunteer order; skills in order of first appearance
    order = np.argsort(entry[:, 0], kind="stable")
    bounds = _offsets(np.bincount(entry[:, 0], minlength=len(skill_ids)))
    first_seen = np.unique(entry[:, 0], return_index=True)[1]
    pools: dict[str, SkillPool] = {}
    for skill, j in sorted(skill_ids.items(), key=lambda item: int(first_seen[item[1]])):
        rows = order[bounds[j]:bounds[j + 1]]
        pools[skill] = SkillPool(owner[rows], entry[rows, 1], entry[rows, 2])
    r_teams = np.zeros((nr, words), np.uint64)
    for j, r in enumerate(reqs):
        if r.eligible_teams:
            bits(r.eligible_teams, r_teams[j])
    forbidden = {(i, req_index[rid]) for i, v in enumerate(vols) for rid in v.forbidden}
    pins = sorted((i, req_index[rid]) for i, v in enumerate(vols) for rid in v.pinned)
    overrides = {(vol_index[o.volunteer], req_index[o.request]): (o.distance_km, o.travel_minutes)
                 for o in problem.settings.overrides}
    settings = problem.settings
    return Arrays(
        nv=nv, nr=nr, vlat=vlat, vlon=vlon, vxyz=unit_vectors(vlat, vlon), v_always=v_always,
        av_ptr=ptr, av_start=u_start[piece], av_end=u_end[piece],
        tasks_day=lim[0], minutes_day=lim[1], tasks_period=lim[2], minutes_period=lim[3],
        max_km=max_km, insured_until=insured, v_teams=v_teams, r_teams=r_teams,
        rlat=np.fromiter((r.lat for r in reqs), float, nr), rlon=np.fromiter((r.lon for r in reqs), float, nr),
        r_earliest=np.fromiter((r.time.earliest_start for r in reqs), np.int64, nr),
        r_latest_end=np.fromiter((r.time.latest_end for r in reqs), np.int64, nr),
        r_duration=np.fromiter((r.time.duration for r in reqs), np.int64, nr),
        r_fixed=np.fromiter((r.time.fixed or r.time.latest_start == r.time.earliest_start for r in reqs), bool, nr),
        r_weight=np.asarray(problem.staffing_weights(), np.int64).reshape(nr),
        r_partial=np.fromiter((r.allow_partial for r in reqs), bool, nr),
        r_insurance=np.fromiter((r.requires_insurance for r in reqs), bool, nr),
        r_needs=[tuple((n.skill, n.count, n.min_level) for n in r.skills) for r in reqs],
        skills=pools,
        forbidden=forbidden, pins=pins, overrides=overrides,
        speed_kmh=settings.speed_kmh, detour=settings.detour_factor, problem=problem,
        vol_index=vol_index, req_index=req_index)


def _shared(vols: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """For attribute `name` of each volunteer: the number of its object among the distinct
    objects (by identity) and the position of each distinct object's first appearance."""
    ids = np.fromiter(map(id, map(attrgetter(name), vols)), np.int64, len(vols))
    _, first, of = np.unique(ids, return_index=True, return_inverse=True)
    return of.reshape(-1), first


def _offsets(counts: np.ndarray) -> np.ndarray:
    """CSR pointers of consecutive groups of the given sizes."""
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def allowed_starts(arr: Arrays, v: int, r: int, travel: int, last_day: int) -> list[tuple[int, int]]:
    """Start minutes [lo, hi] (inclusive pieces) at which volunteer v can serve request r:
    inside r's window, [start - travel, start + duration] available (H3), and the service day
    not after `last_day` (skill expiry, insurance)."""
    lo = int(arr.r_earliest[r])
    hi = min(int(arr.r_latest_end[r] - arr.r_duration[r]), (last_day + 1) * 1440 - 1)
    if hi < lo:
        return []
    if arr.v_always[v]:
        return [(lo, hi)]
    d = int(arr.r_duration[r])
    out = []
    for k in range(arr.av_ptr[v], arr.av_ptr[v + 1]):
        a, b = int(arr.av_start[k]) + travel, int(arr.av_end[k]) - d
        a, b = max(a, lo), min(b, hi)
        if a <= b:
            out.append((a, b))
    return out
