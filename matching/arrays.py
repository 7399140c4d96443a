"""The problem as numpy arrays: what the solver's hot path reads instead of the dataclasses.

Built once per solve in O(volunteers + requests). Volunteers are rows 0..nv-1 and requests rows
0..nr-1 in input order (stable orderings make solves deterministic). "No limit" is `NO_LIMIT`,
"never expires" is `NEVER`, "no insurance" is `-NEVER` (day numbers relative to `date_from`).
Team membership is a bitset per volunteer and per request, so "shares a team" is one `&`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching.geo import unit_vectors
from matching.problem import Problem, available_intervals

NO_LIMIT = 1 << 40
NEVER = 1 << 30


@dataclass
class SkillPool:
    """Holders of one skill: volunteer rows, their level and last valid day."""

    vidx: np.ndarray
    level: np.ndarray
    last_day: np.ndarray
    tree: object = None

    def kdtree(self, vxyz: np.ndarray) -> Any:
        if self.tree is None:
            from scipy.spatial import cKDTree  # type: ignore[import-untyped]

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
    vol_index: dict[str, int] = field(default_factory=dict)
    req_index: dict[str, int] = field(default_factory=dict)


def build_arrays(problem: Problem) -> Arrays:
    """Turn the dataclasses into arrays (one pass over volunteers, one over requests)."""
    vols, reqs = problem.volunteers, problem.requests
    nv, nr = len(vols), len(reqs)
    vol_index = {v.id: i for i, v in enumerate(vols)}
    req_index = {r.id: i for i, r in enumerate(reqs)}
    team_ids: dict[str, int] = {}
    for v in vols:
        for t in v.teams:
            team_ids.setdefault(t, len(team_ids))
    for r in reqs:
        for t in r.eligible_teams:
            team_ids.setdefault(t, len(team_ids))
    words = max(1, (len(team_ids) + 63) // 64)

    def bits(teams: tuple[str, ...], out: np.ndarray) -> None:
        for t in teams:
            i = team_ids[t]
            out[i // 64] |= np.uint64(1) << np.uint64(i % 64)

    vlat = np.fromiter((v.lat for v in vols), float, nv)
    vlon = np.fromiter((v.lon for v in vols), float, nv)
    v_teams = np.zeros((nv, words), np.uint64)
    v_always = np.zeros(nv, bool)
    ptr = [0]
    starts: list[int] = []
    ends: list[int] = []
    lim = np.full((4, nv), NO_LIMIT, np.int64)
    max_km = np.full(nv, np.inf)
    insured = np.full(nv, -NEVER, np.int64)
    pools: dict[str, tuple[list[int], list[int], list[int]]] = {}
    d0, d1 = problem.date_from, problem.date_to
    # volunteers loaded from JSON share their availability and team objects: compute each once
    pieces_of: dict[int, list[tuple[int, int]] | None] = {}
    bits_of: dict[tuple[str, ...], np.ndarray] = {}
    for i, v in enumerate(vols):
        if v.teams:
            row = bits_of.get(v.teams)
            if row is None:
                row = bits_of[v.teams] = np.zeros(words, np.uint64)
                bits(v.teams, row)
            v_teams[i] = row
        key = id(v.availability)
        if key not in pieces_of:
            pieces_of[key] = available_intervals(v, d0, d1)
        pieces = pieces_of[key]
        if pieces is None:
            v_always[i] = True
        else:
            for s, e in pieces:
                starts.append(s)
                ends.append(e)
        ptr.append(len(starts))
        lm = v.limits
        for k, value in enumerate((lm.tasks_per_day, lm.minutes_per_day, lm.tasks_per_period, lm.minutes_per_period)):
            if value is not None:
                lim[k, i] = value
        if v.max_travel_km is not None:
            max_km[i] = v.max_travel_km
        if v.insurance_valid_until is not None:
            insured[i] = problem.day_index(v.insurance_valid_until)
        for held in v.skills:
            pool = pools.setdefault(held.skill, ([], [], []))
            pool[0].append(i)
            pool[1].append(held.level)
            pool[2].append(problem.day_index(held.expires) if held.expires else NEVER)
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
        av_ptr=np.asarray(ptr, np.int64), av_start=np.asarray(starts, np.int64), av_end=np.asarray(ends, np.int64),
        tasks_day=lim[0], minutes_day=lim[1], tasks_period=lim[2], minutes_period=lim[3],
        max_km=max_km, insured_until=insured, v_teams=v_teams, r_teams=r_teams,
        rlat=np.fromiter((r.lat for r in reqs), float, nr), rlon=np.fromiter((r.lon for r in reqs), float, nr),
        r_earliest=np.fromiter((r.time.earliest_start for r in reqs), np.int64, nr),
        r_latest_end=np.fromiter((r.time.latest_end for r in reqs), np.int64, nr),
        r_duration=np.fromiter((r.time.duration for r in reqs), np.int64, nr),
        r_fixed=np.fromiter((r.time.fixed or r.time.latest_start == r.time.earliest_start for r in reqs), bool, nr),
        r_weight=np.fromiter((settings.weight(r.priority) for r in reqs), np.int64, nr),
        r_partial=np.fromiter((r.allow_partial for r in reqs), bool, nr),
        r_insurance=np.fromiter((r.requires_insurance for r in reqs), bool, nr),
        r_needs=[tuple((n.skill, n.count, n.min_level) for n in r.skills) for r in reqs],
        skills={k: SkillPool(np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(c, np.int64))
                for k, (a, b, c) in pools.items()},
        forbidden=forbidden, pins=pins, overrides=overrides,
        speed_kmh=settings.speed_kmh, detour=settings.detour_factor,
        vol_index=vol_index, req_index=req_index)


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
