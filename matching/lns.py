"""Large parts: CP-SAT on neighbourhoods where the relaxed answer had to change.

A county-sized part has tens of thousands of candidate rows; one CP-SAT model of all of them
is slow to build and to search. But the relaxation (flow or LP) is already right almost
everywhere: only requests touched by the repair (rows lost or added) and the requests sharing
candidates with them need a real search. `improve` cuts such a neighbourhood out as a sub-part
-- every other assignment stays fixed and is folded in as reduced limits and blocked start
minutes of the volunteers it uses -- solves it lexicographically warm-started with the current
rows, pastes the answer back, and moves on to the next dirty requests until all were visited
or the time is up. The result is never worse than the repaired solution.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

import numpy as np

from matching.cpsat import solve_lexicographic
from matching.options import Budget
from matching.parts import Part

#: candidate rows a neighbourhood may hold
NEIGHBOURHOOD_ROWS = 12_000
#: rows a neighbourhood may hold per second left (model building and search)
ROWS_PER_SECOND = 1_500
#: rows of a neighbourhood that only optimises travel (staffing held): small and quick to prove
TRAVEL_NEIGHBOURHOOD_ROWS = 4_000
#: dirty requests that seed one neighbourhood
SEEDS_PER_ROUND = 12
#: the least time worth starting a neighbourhood with
MIN_ROUND_SECONDS = 0.3
#: passes over the dirty requests (each with neighbourhoods twice as large as the one before)
MAX_PASSES = 4


def neighbourhood(part: Part, dirty: set[int], limit: int = NEIGHBOURHOOD_ROWS) -> list[int]:
    """Dirty requests, then requests sharing a candidate with them (breadth first), until the
    row budget is used."""
    reqs_of_vol, vols_of_req, rows_of_req = _graph(part)
    chosen: list[int] = []
    seen: set[int] = set()
    frontier = sorted(dirty)
    budget = limit
    while frontier and budget > 0:
        nxt: set[int] = set()
        for r in frontier:
            if r in seen or rows_of_req[r] > budget:
                continue
            seen.add(r)
            chosen.append(r)
            budget -= int(rows_of_req[r])
            for v in vols_of_req[r]:
                nxt.update(reqs_of_vol[v])
        frontier = sorted(nxt - seen)
    return sorted(chosen)


def _graph(part: Part) -> tuple[dict[int, set[int]], dict[int, set[int]], np.ndarray]:
    """Requests per volunteer, volunteers per request, rows per request, and the site-to-site
    minutes of clashing request pairs (built once per part)."""
    cached = part.__dict__.get("_lns_graph")
    if cached is None:
        reqs_of_vol: dict[int, set[int]] = defaultdict(set)
        for v, r in zip(part.rv.tolist(), part.rr.tolist()):
            reqs_of_vol[v].add(r)
        vols_of_req: dict[int, set[int]] = defaultdict(set)
        for v, rs in reqs_of_vol.items():
            for r in rs:
                vols_of_req[r].add(v)
        cached = (reqs_of_vol, vols_of_req, np.bincount(part.rr, minlength=part.nr))
        part.__dict__["_lns_graph"] = cached
    return cached


def _site_minutes(part: Part) -> dict[tuple[int, int], int]:
    """Site-to-site minutes of the part's possibly clashing request pairs, both ways (cached)."""
    site = part.__dict__.get("_lns_site")
    if site is None:
        site = {}
        for a, b, t, _ in part.conflicts:
            site[a, b] = site[b, a] = t
        part.__dict__["_lns_site"] = site
    return site


def improve(part: Part, relaxed: np.ndarray, keep: np.ndarray, starts: np.ndarray, budget: Budget,
            seed: int, workers: int, staffing_proven: bool = False) -> tuple[np.ndarray, np.ndarray, bool]:
    """A solution at least as good as (keep, starts); True when every neighbourhood searched
    had its levels proven (the rest of the part unchanged).

    Neighbourhoods are cut around the dirty requests (where the relaxed answer and the
    solution differ, or a pin is not kept) in turn until all were visited; while time is left
    and a pass improved the solution, the requests still dirty are visited again in
    neighbourhoods twice as large. With `staffing_proven` (the part's staffing already equals
    its bound) a neighbourhood only optimises travel with its staffing held, a smaller search."""
    all_proven = True
    det_left = budget.deterministic
    rows_cap = TRAVEL_NEIGHBOURHOOD_ROWS if staffing_proven else NEIGHBOURHOOD_ROWS
    for _ in range(MAX_PASSES):
        todo = _dirty(part, relaxed, keep)
        if not todo:
            return keep, starts, all_proven
        before = (int(part.weight[part.rr[keep]].sum()), -int(part.metres[keep].sum()))
        while todo:
            # sized by deterministic time when the run is reproducible, by the clock otherwise
            left = det_left if det_left is not None else budget.deadline - time.time()
            if left < MIN_ROUND_SECONDS or budget.wall_out():
                return keep, starts, False
            # building the model costs time too: the neighbourhood shrinks with the time left
            inside = neighbourhood(part, set(todo[:SEEDS_PER_ROUND]), min(rows_cap, int(ROWS_PER_SECOND * left)))
            taken = set(inside)
            todo = [r for r in todo if r not in taken]
            sub, rows = _subpart(part, inside, keep, starts)
            # the time left is shared evenly among the neighbourhoods still to come in this pass
            share = 1 + len(todo) // SEEDS_PER_ROUND
            if det_left is not None:
                round_budget = Budget(budget.deadline, det_left / share)
                det_left -= det_left / share
            else:
                round_budget = Budget(min(budget.deadline, time.time() + max(left / share, MIN_ROUND_SECONDS)))
            # a neighbourhood rarely proves its staffing: travel gets half the time, not what is left
            cp = solve_lexicographic(sub, keep[rows], starts[np.asarray(inside, np.int64)], round_budget, seed,
                                     workers, travel_only=staffing_proven, level_share=0.5)
            if cp.status not in ("OPTIMAL", "FEASIBLE"):
                all_proven = False
                continue
            keep, starts = keep.copy(), starts.copy()
            keep[rows] = cp.x
            for local, r in enumerate(inside):
                starts[r] = cp.starts[local]
            all_proven = all_proven and cp.status == "OPTIMAL"
        after = (int(part.weight[part.rr[keep]].sum()), -int(part.metres[keep].sum()))
        if after <= before or det_left is not None:
            break
        rows_cap = min(2 * rows_cap, NEIGHBOURHOOD_ROWS)
    return keep, starts, all_proven


def _dirty(part: Part, relaxed: np.ndarray, keep: np.ndarray) -> list[int]:
    """Requests whose rows differ between the relaxed answer (values in [0, 1]) and the
    solution, or with a pin not kept: those travelling most beyond the relaxed answer first."""
    delta = keep.astype(np.float64) - relaxed.astype(np.float64)
    differ = (np.abs(delta) > 1e-6) | (part.pinned & ~keep)
    requests = np.unique(part.rr[differ])
    excess = np.bincount(part.rr, weights=part.metres * delta, minlength=part.nr)
    worst_first: list[int] = requests[np.argsort(-excess[requests], kind="stable")].tolist()
    return worst_first


def _subpart(part: Part, inside: list[int], keep: np.ndarray, starts: np.ndarray) -> tuple[Part, np.ndarray]:
    """The part restricted to requests `inside`, with every outside assignment fixed: its
    volunteers' limits reduced by what it uses and clashing starts removed from their rows."""
    inside_arr = np.asarray(inside, np.int64)
    local_r = np.full(part.nr, -1, np.int64)
    local_r[inside_arr] = np.arange(len(inside))
    site = _site_minutes(part)
    # what the volunteers of the neighbourhood do outside it stays fixed
    involved = np.zeros(part.nv, bool)
    involved[part.rv[local_r[part.rr] >= 0]] = True
    fixed_tasks: dict[int, list[tuple[int, int]]] = defaultdict(list)   # v -> [(request, start)]
    used_minutes: dict[int, int] = defaultdict(int)
    for i in np.nonzero(keep & (local_r[part.rr] < 0) & involved[part.rv])[0].tolist():
        r, v = int(part.rr[i]), int(part.rv[i])
        fixed_tasks[v].append((r, int(starts[r])))
        used_minutes[v] += int(part.duration[r] + part.minutes[i])
    rows: list[int] = []
    domains: dict[int, tuple[tuple[int, int], ...]] = {}
    for i in np.nonzero(local_r[part.rr] >= 0)[0].tolist():
        v, r = int(part.rv[i]), int(part.rr[i])
        lo, hi = int(part.earliest[r]), int(part.latest_end[r] - part.duration[r])
        pieces: list[tuple[int, int]] = list(part.domains.get(i, ((lo, hi),)))
        for r2, s2 in fixed_tasks.get(v, ()):
            gap = site.get((r, r2))
            if gap is None:
                continue
            # starts s of r clashing with the fixed task: s + d + t > s2 and s2 + d2 + t > s
            cut0, cut1 = s2 - int(part.duration[r]) - gap + 1, s2 + int(part.duration[r2]) + gap - 1
            pieces = [q for a, b in pieces for q in ((a, min(b, cut0 - 1)), (max(a, cut1 + 1), b)) if q[0] <= q[1]]
        if not pieces:
            continue
        if i in part.domains or len(pieces) != 1 or pieces[0] != (lo, hi):
            domains[len(rows)] = tuple(pieces)
        rows.append(i)
    rows_arr = np.asarray(rows, np.int64)
    vols, rv = np.unique(part.rv[rows_arr], return_inverse=True)
    n_out = np.zeros(part.nv, np.int64)
    for v, tasks in fixed_tasks.items():
        n_out[v] = len(tasks)
    minutes_out = np.zeros(part.nv, np.int64)
    for v, m in used_minutes.items():
        minutes_out[v] = m
    inside_set = set(inside)
    conflicts = tuple((int(local_r[a]), int(local_r[b]), t, c) for a, b, t, c in part.conflicts
                      if a in inside_set and b in inside_set)
    sub = replace(
        part, req=part.req[inside_arr], vol=part.vol[vols],
        counts=tuple(part.counts[r] for r in inside), weight=part.weight[inside_arr],
        partial=part.partial[inside_arr], earliest=part.earliest[inside_arr],
        latest_end=part.latest_end[inside_arr], duration=part.duration[inside_arr], fixed=part.fixed[inside_arr],
        # conservative on days: what a volunteer does outside counts against every day's limit
        tasks_day=np.maximum(part.tasks_day[vols] - n_out[vols], 0),
        minutes_day=np.maximum(part.minutes_day[vols] - minutes_out[vols], 0),
        tasks_period=np.maximum(part.tasks_period[vols] - n_out[vols], 0),
        minutes_period=np.maximum(part.minutes_period[vols] - minutes_out[vols], 0), teams=part.teams[vols],
        rv=rv.astype(np.int64), rr=local_r[part.rr[rows_arr]], rk=part.rk[rows_arr],
        metres=part.metres[rows_arr], minutes=part.minutes[rows_arr], pinned=part.pinned[rows_arr],
        grows=part.grows[rows_arr], domains=domains, conflicts=conflicts,
        prefer=None if part.prefer is None else part.prefer[rows_arr], hint=None, flow=None)
    return sub, rows_arr
