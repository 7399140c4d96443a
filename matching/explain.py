"""Explanations: why each assignment, why each open request.

For an assignment: the skill slot matched, the availability window used, its share of each
objective level, and the runner-up (the nearest other kept candidate for the same slot) with
the reason it lost. For an open request: a reason code and the closest near-miss volunteer with
the rule that stopped them. Work stays proportional to the solution: runner-ups come from the
candidate rows already generated; near-misses query the skill's k-d tree for the open requests
only.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from matching.arrays import Arrays
from matching.candidates import Candidates, pair_distance, pair_reasons
from matching.geo import unit_vectors
from matching.problem import Problem
from matching.result import (
    Assignment,
    Explanation,
    Missing,
    NearMiss,
    OpenRequest,
    Reason,
    RunnerUp,
    SkillMatch,
    Status,
)
from matching.rules import RULES, Miss, Registry

NEAR_MISS_SAMPLE = 200
_NO_ROWS = np.zeros(0, np.int64)


class Chosen:
    """A solution in global terms: candidate rows chosen and the start minute per request
    (`keys` holds its (volunteer, request, slot) triples once they are needed)."""

    def __init__(self, rows: np.ndarray, starts: dict[int, int]) -> None:
        self.rows = rows
        self.starts = starts
        self.keys: set[tuple[int, int, int]] = set()


def explain(problem: Problem, arr: Arrays, cand: Candidates, chosen: Chosen, with_explanations: bool, status: Status,
            rules: Registry = RULES) -> tuple[list[Assignment], list[OpenRequest]]:
    """Assignments (with explanations when asked) and open requests of a solution; a request
    nobody could be a candidate for is explained by the pair tests of `rules`."""
    rows = chosen.rows
    assigned: defaultdict[int, set[int]] = defaultdict(set)          # request -> volunteers
    request_of_vol: defaultdict[int, list[int]] = defaultdict(list)  # volunteer -> requests
    for i in rows.tolist():
        assigned[int(cand.r[i])].add(int(cand.v[i]))
        request_of_vol[int(cand.v[i])].append(int(cand.r[i]))
    slot_rows = _slot_rows(cand)
    workload_rank = _workload_rank(cand, rows, chosen.starts)
    out = []
    for i in rows.tolist():
        v, r, k = int(cand.v[i]), int(cand.r[i]), int(cand.k[i])
        vol, req = problem.volunteers[v], problem.requests[r]
        start = chosen.starts[r]
        end = start + int(arr.r_duration[r])
        explanation = None
        if with_explanations:
            skill, _, min_level = arr.r_needs[r][k]
            level = next(s.level for s in vol.skills if s.skill == skill)
            colleagues = [w for w in assigned[r] if w != v and (arr.v_teams[w] & arr.v_teams[v]).any()]
            explanation = Explanation(
                (SkillMatch(skill, level, min_level),),
                _window(problem, arr, v, start - int(cand.minutes[i]), end),
                {"staffing": int(arr.r_weight[r]), "travel_m": int(cand.metres[i]),
                 "workload": 2 * workload_rank[i] - 1, "cohesion": len(colleagues)},
                _runner_up(problem, arr, cand, slot_rows.get((r, k), _NO_ROWS), i, assigned, request_of_vol, start))
        out.append(Assignment(req.id, vol.id, arr.r_needs[r][k][0], problem.iso(start), problem.iso(end),
                              round(float(cand.km[i]), 3), int(cand.minutes[i]), explanation))
    out.sort(key=lambda a: (arr.req_index[a.request], a.skill, arr.vol_index[a.volunteer]))
    return out, _open_requests(problem, arr, cand, rows, assigned, request_of_vol, slot_rows, status, rules)


def _slot_rows(cand: Candidates) -> dict[tuple[int, int], np.ndarray]:
    """Candidate rows per (request, slot), nearest first."""
    order = np.lexsort((cand.v, cand.metres, cand.k, cand.r))
    key = cand.r[order] * 1024 + cand.k[order]
    cuts = np.flatnonzero(np.diff(key)) + 1
    return {(int(g[0] // 1024), int(g[0] % 1024)): rows
            for g, rows in zip(np.split(key, cuts), np.split(order, cuts)) if len(g)}


def _workload_rank(cand: Candidates, rows: np.ndarray, starts: dict[int, int]) -> dict[int, int]:
    """k for the volunteer's k-th task in start order (so 2k-1 shares sum to n(v)^2)."""
    by_vol: defaultdict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for i in rows.tolist():
        by_vol[int(cand.v[i])].append((starts[int(cand.r[i])], int(cand.r[i]), i))
    return {i: k + 1 for tasks in by_vol.values() for k, (_, _, i) in enumerate(sorted(tasks))}


def _window(problem: Problem, arr: Arrays, v: int, begin: int, end: int) -> dict[str, str] | None:
    if arr.v_always[v]:
        return None
    for k in range(arr.av_ptr[v], arr.av_ptr[v + 1]):
        if arr.av_start[k] <= begin and end <= arr.av_end[k]:
            return {"start": problem.iso(int(arr.av_start[k])), "end": problem.iso(int(arr.av_end[k]))}
    return None


def _runner_up(problem: Problem, arr: Arrays, cand: Candidates, slot: np.ndarray, row: int,
               assigned: dict[int, set[int]], request_of_vol: dict[int, list[int]], start: int) -> RunnerUp | None:
    r = int(cand.r[row])
    for j in slot.tolist() if len(slot) else []:
        w = int(cand.v[j])
        if w in assigned[r]:
            continue
        if cand.metres[j] > cand.metres[row]:
            reason = Reason.FARTHER
        elif request_of_vol.get(w):
            reason = Reason.ASSIGNED_ELSEWHERE
        elif j in cand.domains and not any(lo <= start <= hi for lo, hi in cand.domains[j]):
            reason = Reason.UNAVAILABLE
        else:
            reason = Reason.TIE
        return RunnerUp(problem.volunteers[w].id, round(float(cand.km[j]), 3), reason.value)
    return None


def _open_requests(problem: Problem, arr: Arrays, cand: Candidates, rows: np.ndarray,
                   assigned: dict[int, set[int]], request_of_vol: dict[int, list[int]],
                   slot_rows: dict[tuple[int, int], np.ndarray], status: Status, rules: Registry
                   ) -> list[OpenRequest]:
    filled: defaultdict[tuple[int, int], int] = defaultdict(int)
    for i in rows.tolist():
        filled[int(cand.r[i]), int(cand.k[i])] += 1
    out = []
    for r in range(arr.nr):
        missing = [Missing(skill, count - filled[r, k]) for k, (skill, count, _) in enumerate(arr.r_needs[r])
                   if filled[r, k] < count]
        if not missing:
            continue
        reason, near = _why_open(problem, arr, cand, r, filled, assigned, request_of_vol, slot_rows, status, rules)
        out.append(OpenRequest(problem.requests[r].id, tuple(missing), reason, near))
    return out


def _why_open(problem: Problem, arr: Arrays, cand: Candidates, r: int, filled: dict[tuple[int, int], int],
              assigned: dict[int, set[int]], request_of_vol: dict[int, list[int]],
              slot_rows: dict[tuple[int, int], np.ndarray], status: Status, rules: Registry
              ) -> tuple[str, NearMiss | None]:
    if status == Status.INFEASIBLE:
        return Reason.INFEASIBLE_PROBLEM.value, None
    needs = arr.r_needs[r]
    # a slot without any candidate: say which rule stopped its nearest holders
    for k, (_, count, _) in enumerate(needs):
        if filled[r, k] < count and len(slot_rows.get((r, k), _NO_ROWS)) == 0:
            return _no_candidates(problem, arr, r, k, rules)
    # candidates exist: were they taken by others, or could they not staff it together?
    # "outranked" compares priorities, not staffing weights (which with staffing = "requests"
    # also divide by headcount)
    def rank(q: int) -> int:
        return problem.settings.weight(problem.requests[q].priority)

    weight = rank(r)
    for k, (skill, count, _) in enumerate(needs):
        if filled[r, k] >= count:
            continue
        slot = slot_rows[(r, k)]
        free = [j for j in slot.tolist() if int(cand.v[j]) not in assigned[r]]
        if not arr.r_partial[r] and len(slot) < count:
            j = free[0] if free else int(slot[0])
            return Reason.NOT_ENOUGH_FOR_FULL_STAFFING.value, NearMiss(
                problem.volunteers[int(cand.v[j])].id, Reason.NOT_ENOUGH_FOR_FULL_STAFFING.value,
                f"only {len(slot)} qualified for {count} {skill} needed")
        for j in free:
            w = int(cand.v[j])
            elsewhere = request_of_vol.get(w, [])
            if elsewhere:
                top = max(elsewhere, key=rank)
                code = (Reason.OUTRANKED_BY_HIGHER_PRIORITY if rank(top) > weight
                        else Reason.LIMITS_REACHED)
                return code.value, NearMiss(problem.volunteers[w].id, Reason.ASSIGNED_ELSEWHERE.value,
                                            f"assigned to {problem.requests[top].id} "
                                            f"(priority {problem.requests[top].priority})")
        if free:
            w = int(cand.v[free[0]])
            code = Reason.LIMITS_REACHED if arr.r_partial[r] else Reason.NOT_ENOUGH_FOR_FULL_STAFFING
            return code.value, NearMiss(problem.volunteers[w].id, code.value,
                                        "could not be scheduled with the rest of the request's staff")
    return Reason.NOT_ENOUGH_FOR_FULL_STAFFING.value, None


def _no_candidates(problem: Problem, arr: Arrays, r: int, k: int, rules: Registry) -> tuple[str, NearMiss | None]:
    """The open reason of a slot nobody passes, from the nearest holders of its skill: the
    farthest pair test any of them got to decides the code; the near-miss is the nearest one there."""
    skill, _, min_level = arr.r_needs[r][k]
    pool = arr.skills.get(skill)
    if pool is None or not len(pool.vidx):
        return Reason.NO_QUALIFIED_VOLUNTEER.value, None
    n = min(len(pool.vidx), NEAR_MISS_SAMPLE)
    _, idx = pool.kdtree(arr.vxyz).query(unit_vectors(arr.rlat[r:r + 1], arr.rlon[r:r + 1])[0], k=n)
    idx = np.atleast_1d(idx)
    vv = pool.vidx[idx]
    km, mins = pair_distance(arr, vv, r)
    reason, _ = pair_reasons(arr, vv, pool.level[idx], pool.last_day[idx], r, min_level, km, mins, rules)
    stage = int(reason.max())
    first = int(np.nonzero(reason == stage)[0][0])
    # all sampled pass alone: the combination failed, which the limits test speaks for
    test = rules.tests[stage - 1] if stage else rules.test_for(Reason.LIMITS_REACHED.value)
    w = int(vv[first])
    detail = test.detail(Miss(problem, arr, w, r, float(km[first]), int(pool.level[idx][first]), min_level))
    return test.open_reason, NearMiss(problem.volunteers[w].id, test.reason, detail)
