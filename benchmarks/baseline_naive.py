"""Baseline (b): one naive CP-SAT model over every candidate pair, solved in one piece.

No decomposition and no spatial pruning beyond the hard filters: every volunteer is tested
against every request slot (skill, level, expiry, team, insurance, forbidden, distance,
availability), and every surviving pair becomes a boolean. Rules: slot counts and
all-or-nothing staffing (H10), pins (H8), one start per flexible request with each pair's
availability as a domain on it (H3), pairwise no-overlap with site-to-site travel (H4), daily
and period limits (H5). A single weighted objective, maximise sum x * (K * weight - metres)
with K larger than any total distance, covers staffing then travel; workload and cohesion
are not modelled (a naive model stops there). A time limit bounds the search.

`ModelTooLarge` is raised before building when the pair test would exceed its budget, or while
building once the model passes its budget of terms, so a benchmark can say why the baseline
was skipped.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from dataclasses import replace

import numpy as np
from ortools.sat.python import cp_model

from benchmarks.baseline_rules import SAFETY, Pieces, Travel, approx_km, build_result, service_date, static_ok
from matching import Problem, Request, Result, Status

MAX_PAIR_TESTS = 30_000_000  # volunteers x requests evaluated in the vectorised filter
MAX_MODEL_TERMS = 4_000_000  # pair booleans + pairwise no-overlap constraints


class ModelTooLarge(RuntimeError):
    """The naive model would exceed its build budget; the message says by how much."""


def _allowed_starts(pieces: list[tuple[int, int]] | None, r: Request, minutes: int) -> list[tuple[int, int]]:
    """Closed ranges of start minutes at which [start - travel, start + duration] is available."""
    t = r.time
    if pieces is None:
        return [(t.earliest_start, t.latest_start)]
    out = []
    for a, b in pieces:
        lo, hi = max(t.earliest_start, a + minutes), min(t.latest_start, b - t.duration)
        if lo <= hi:
            out.append((lo, hi))
    return out


def _candidates(problem: Problem, travel: Travel) -> dict[tuple[int, int], dict]:
    """(volunteer index, request index) -> {slots, metres, minutes, starts} for every pair that
    passes the hard filters; a vectorised pass over all volunteers per request, then the
    per-pair rules in Python."""
    vols = problem.volunteers
    lat, lon = np.array([v.lat for v in vols]), np.array([v.lon for v in vols])
    reach = np.array([v.max_travel_km if v.max_travel_km is not None else np.inf for v in vols])
    holders: dict[str, set[int]] = defaultdict(set)
    for i, v in enumerate(vols):
        for s in v.skills:
            holders[s.skill].add(i)
    pieces, out = Pieces(problem), {}
    for j, r in enumerate(problem.requests):
        km_all = approx_km(lat, lon, r.lat, r.lon) * SAFETY * travel.detour
        near = set(np.flatnonzero(km_all <= reach).tolist())
        date = service_date(problem, r.time.latest_start)
        for k, need in enumerate(r.skills):
            for i in sorted(holders[need.skill] & near):
                v = vols[i]
                if not static_ok(v, r, need.skill, need.min_level, date):
                    continue
                if (i, j) in out:
                    out[i, j]["slots"].append(k)
                    continue
                km, minutes = travel.pair_upper(v, r)
                if v.max_travel_km is not None and km > v.max_travel_km:
                    continue
                starts = _allowed_starts(pieces(v), r, minutes)
                if starts:
                    out[i, j] = {"slots": [k], "metres": round(km * 1000), "minutes": minutes,
                                 "starts": starts}
    return out


def naive_cpsat(problem: Problem, time_limit: float = 60.0, workers: int = 2, seed: int = 0) -> Result:
    """Build and solve the naive model (see the module docstring); raise `ModelTooLarge` if over budget."""
    t0 = time.perf_counter()
    tests = len(problem.volunteers) * len(problem.requests)
    if tests > MAX_PAIR_TESTS:
        raise ModelTooLarge(f"{tests:,} volunteer x request pair tests exceed the budget of "
                            f"{MAX_PAIR_TESTS:,}")
    travel, reqs, vols = Travel(problem), problem.requests, problem.volunteers
    cand = _candidates(problem, travel)
    t_cand = time.perf_counter() - t0
    by_vol: dict[int, list[int]] = defaultdict(list)
    for i, j in cand:
        by_vol[i].append(j)
    terms = len(cand)  # booleans and pairwise no-overlap constraints, checked while building
    m = cp_model.CpModel()
    x = {(i, j, k): m.NewBoolVar(f"x_{i}_{j}_{k}") for (i, j), c in cand.items() for k in c["slots"]}
    z = {}
    for (i, j), c in cand.items():
        if len(c["slots"]) == 1:
            z[i, j] = x[i, j, c["slots"][0]]
        else:
            z[i, j] = m.NewBoolVar(f"z_{i}_{j}")
            m.Add(sum(x[i, j, k] for k in c["slots"]) == z[i, j])
    start = {j: m.NewIntVar(r.time.earliest_start, r.time.latest_start, f"s_{j}") for j, r in enumerate(reqs)}
    # H10 staffing: slot counts, all or nothing unless partial staffing is allowed.
    per_slot: dict[tuple[int, int], list] = defaultdict(list)
    for (_, j, k), var in x.items():
        per_slot[j, k].append(var)
    for j, r in enumerate(reqs):
        full = None if r.allow_partial else m.NewBoolVar(f"full_{j}")
        for k, need in enumerate(r.skills):
            if full is not None:
                m.Add(sum(per_slot[j, k]) == need.count * full)
            elif len(per_slot[j, k]) > need.count:
                m.Add(sum(per_slot[j, k]) <= need.count)
    # H3 availability: the request's start lies where the pair's interval is available.
    for (i, j), c in cand.items():
        t = reqs[j].time
        if c["starts"] != [(t.earliest_start, t.latest_start)]:
            allowed = cp_model.Domain.FromIntervals(c["starts"])
            m.AddLinearExpressionInDomain(start[j], allowed).OnlyEnforceIf(z[i, j])
    # H8 pins: every pinned pair is assigned (a pin without a candidate makes the model infeasible).
    index = {r.id: j for j, r in enumerate(reqs)}
    pins = [(i, index[rid]) for i, v in enumerate(vols) for rid in v.pinned]
    lost = [f"{vols[i].id}->{reqs[j].id}" for i, j in pins if (i, j) not in z]
    if lost:
        result = build_result(problem, [], Status.INFEASIBLE, gap=None,
                              message=f"naive CP-SAT: pinned pairs break a hard rule: {', '.join(lost[:5])}")
        total = round(time.perf_counter() - t0, 3)
        return replace(result, timings={"candidates": round(t_cand, 3), "total": total})
    for i, j in pins:
        m.Add(z[i, j] == 1)
    # H4 one place at a time and H5 limits, per volunteer.
    for i, js in by_vol.items():
        lim = vols[i].limits
        for a, b in itertools.combinations(js, 2):
            ra, rb, gap = reqs[a].time, reqs[b].time, travel.site_minutes(reqs[a], reqs[b])
            if ra.latest_end + gap <= rb.earliest_start or rb.latest_end + gap <= ra.earliest_start:
                continue
            terms += 1
            if terms > MAX_MODEL_TERMS:
                raise ModelTooLarge(f"{len(cand):,} candidate pairs plus pairwise no-overlap constraints "
                                    "exceed "
                                    f"the budget of {MAX_MODEL_TERMS:,} model terms (at volunteer {i:,} of "
                                    f"{len(by_vol):,})")
            if ra.fixed and rb.fixed:
                m.AddBoolOr([z[i, a].Not(), z[i, b].Not()])
                continue
            first = m.NewBoolVar(f"o_{i}_{a}_{b}")
            m.Add(start[a] + ra.duration + gap <= start[b]).OnlyEnforceIf([first, z[i, a], z[i, b]])
            m.Add(start[b] + rb.duration + gap <= start[a]).OnlyEnforceIf([first.Not(), z[i, a], z[i, b]])
        days: dict[int, list[int]] = defaultdict(list)
        for j in js:  # a window spanning midnight counts on both days (conservative)
            for day in {reqs[j].time.earliest_start // 1440, reqs[j].time.latest_start // 1440}:
                days[day].append(j)
        groups = [(lim.tasks_per_day, lim.minutes_per_day, g) for g in days.values()]
        groups.append((lim.tasks_per_period, lim.minutes_per_period, js))
        for tasks, minutes, group in groups:
            if tasks is not None:
                m.Add(sum(z[i, j] for j in group) <= tasks)
            if minutes is not None:
                work = (z[i, j] * (reqs[j].time.duration + cand[i, j]["minutes"]) for j in group)
                m.Add(sum(work) <= minutes)
    # Objective: staffing dominates travel through K > any total of metres.
    d_max = sum(r.headcount for r in reqs) * max((c["metres"] for c in cand.values()), default=0)
    big = d_max + 1
    m.Maximize(sum(var * (big * problem.settings.weight(reqs[j].priority) - cand[i, j]["metres"])
                   for (i, j, k), var in x.items()))
    t_build = time.perf_counter() - t0 - t_cand
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(m)
    t_solve = time.perf_counter() - t0 - t_cand - t_build
    timings = {"candidates": round(t_cand, 3), "build": round(t_build, 3), "solve": round(t_solve, 3)}
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = Status.INFEASIBLE if code == cp_model.INFEASIBLE else Status.UNKNOWN
        result = build_result(problem, [], status, gap=None,
                              message=f"naive CP-SAT: {solver.StatusName(code)} "
                              f"after {t_solve:.1f} s ({len(cand):,} pairs)")
        return replace(result, timings={**timings, "total": round(time.perf_counter() - t0, 3)})
    picks = [(reqs[j].id, vols[i].id, reqs[j].skills[k].skill, solver.Value(start[j]))
             for (i, j, k), var in x.items() if solver.Value(var)]
    chosen = [(i, j) for (i, j, _), var in x.items() if solver.Value(var)]
    staffing = sum(problem.settings.weight(reqs[j].priority) for _, j in chosen)
    metres = sum(cand[i, j]["metres"] for i, j in chosen)
    bound = solver.BestObjectiveBound()
    s_bound = int(math.floor((bound + d_max) / big))
    # Below: the gap of the model's own figures (its metres are the conservative estimates).
    if s_bound > staffing:
        gap, travel_bound = (s_bound - staffing) / s_bound, None
    else:
        travel_bound = max(0, big * staffing - int(math.floor(bound)))
        gap = max(0.0, (metres - travel_bound) / metres) if metres else 0.0
    result = build_result(problem, picks, Status.FEASIBLE, message=f"naive CP-SAT {solver.StatusName(code)} "
                          f"on staffing+travel ({len(cand):,} pairs); workload and cohesion not optimised")
    return replace(result, bound={"staffing": s_bound, "travel_m": travel_bound}, gap=gap,
                   timings={**timings, "total": round(time.perf_counter() - t0, 3)})
