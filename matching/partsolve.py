"""Solving one part: the flow relaxation first, CP-SAT only where the flow answer breaks a rule.

1. `solve_flow` gives the lexicographic optimum of the pure-assignment relaxation: a bound on
   staffing (and, at that staffing, on travel) for every solution of the part.
2. `repair` keeps it whole when it already satisfies every rule: then the part is solved
   ("flow"), proven on staffing, travel and workload.
3. Otherwise a small part goes to CP-SAT whole ("cpsat"), warm-started with the better of the
   repaired and the greedy solution, and the flow's bounds tighten CP-SAT's own.
4. A large part ("flow+lp+lns") keeps the better of the repaired and the greedy solution; when
   that reaches the flow's staffing, the LP relaxation (`matching.lp`, which knows time clashes
   and shared starts) bounds travel and its near-integral answer is repaired into a better
   start; CP-SAT then improves neighbourhoods around the requests where the relaxed answer and
   the solution differ (`matching.lns`). Without the LP ("flow+lns") flow re-solves that ban the
   rows the repair dropped give the start instead.
The cohesion level of a flow-solved part is then polished by CP-SAT when small enough.

`solve_part` is a plain module-level function of plain data, so executors can ship it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching.cpsat import LevelOutcome, solve_lexicographic
from matching.feasibility import repair
from matching.flow import FlowSolution, solve_flow
from matching.lns import improve
from matching.lp import staffing_bound, travel_bound
from matching.options import Budget
from matching.parts import Part

#: a flow-solved part with at most this many candidate rows gets its cohesion level proven by CP-SAT
COHESION_POLISH_ROWS = 4000
#: parts with more candidate rows than this are improved around the repair (see `matching.lns`)
FULL_MODEL_ROWS = 6000
#: flow re-solves of a large part with the repair's dropped rows banned
REFLOW_ROUNDS = 4
#: share of a large part's remaining time the LP relaxation may take, and the least time left
#: for it to be tried at all
LP_SHARE = 0.7
LP_MIN_SECONDS = 1.0
#: dual simplex iterations counted as one second of the LP on a deterministic budget (HiGHS
#: on a part of the small benchmark, 2 cores of ordinary speed)
LP_ITERATIONS_PER_SECOND = 20_000


@dataclass
class PartResult:
    pid: int
    x: np.ndarray
    starts: np.ndarray
    method: str
    status: str
    levels: dict[str, LevelOutcome] = field(default_factory=dict)
    seconds: float = 0.0


def cohesion_of(part: Part, x: np.ndarray) -> int:
    """Pairs of volunteers on one request of the part who share a team."""
    total = 0
    rows = np.nonzero(x)[0]
    by_req: dict[int, list[int]] = {}
    for i in rows.tolist():
        by_req.setdefault(int(part.rr[i]), []).append(int(part.rv[i]))
    for vols in by_req.values():
        for a, va in enumerate(vols):
            for vb in vols[a + 1:]:
                total += bool((part.teams[va] & part.teams[vb]).any())
    return total


def workload_of(part: Part, x: np.ndarray) -> int:
    """Sum over the part's volunteers of their task count squared."""
    n = np.bincount(part.rv[x], minlength=part.nv).astype(np.int64)
    return int((n ** 2).sum())


def solve_part(part: Part, budget: Budget, seed: int, workers: int) -> PartResult:
    """Best solution of one part within the budget."""
    t0 = time.time()
    flow = part.flow if part.flow is not None else solve_flow(part)
    keep, starts, intact = repair(part, flow.x)
    if not intact and part.hint is not None and part.hint_starts is not None and _better(part, part.hint, keep):
        keep, starts = part.hint.copy(), part.hint_starts.copy()    # the previous round's answer
    has_prefer = part.prefer is not None and part.prefer.any()
    if intact and flow.exact_workload:
        levels = {"staffing": LevelOutcome(flow.staffing, flow.staffing, True)}
        if has_prefer:
            levels["stability"] = LevelOutcome(flow.preferred, flow.preferred, True)
        levels["travel_m"] = LevelOutcome(flow.travel_m, flow.travel_m, True)
        levels["workload"] = LevelOutcome(flow.workload, flow.workload, True)
        cohesion = cohesion_of(part, keep)
        cohesion_bound = _cohesion_bound(part, keep)
        levels["cohesion"] = LevelOutcome(cohesion, cohesion_bound, cohesion_bound <= cohesion)
        if not levels["cohesion"].proven and part.size <= COHESION_POLISH_ROWS:
            cp = solve_lexicographic(part, keep, starts, budget, seed, workers)
            if cp.status in ("OPTIMAL", "FEASIBLE") and "cohesion" in cp.levels:
                return PartResult(part.pid, cp.x, cp.starts, "flow+cpsat", cp.status, cp.levels, time.time() - t0)
        status = "OPTIMAL" if levels["cohesion"].proven else "FEASIBLE"
        return PartResult(part.pid, keep, starts, "flow", status, levels, time.time() - t0)
    if part.size > FULL_MODEL_ROWS:
        return _large(part, flow, keep, starts, budget, seed, workers, t0)
    keep, starts = _or_greedy(part, keep, starts)
    cap = flow.staffing
    if int(part.weight[part.rr[keep]].sum()) < cap and not has_prefer and _lp_time(budget):
        # the flow cannot say "all or nothing" or "one place at a time": the LP bounds staffing
        # closer, and CP-SAT proves its level as soon as it reaches that bound
        lp = staffing_bound(part, include=keep, **_lp_limits(budget))
        cap = min(cap, lp.value) if lp is not None else cap
    cp = solve_lexicographic(part, keep, starts, budget, seed, workers, staffing_cap=cap)
    levels = dict(cp.levels)
    if "staffing" not in levels and cp.status in ("OPTIMAL", "FEASIBLE"):
        # the search found nothing better than its warm start: measure that against the bounds
        value = int(part.weight[part.rr[cp.x]].sum())
        levels["staffing"] = LevelOutcome(value, cap, value >= cap)
    # the relaxations bound staffing; the flow bounds travel when staffing reached its optimum,
    # the LP at any staffing
    st = levels.get("staffing")
    if st is not None:
        st.bound = min(st.bound if st.bound is not None else cap, cap)
        st.proven = st.proven or st.value >= cap
        tr = levels.get("travel_m")
        if tr is not None and st.value >= flow.staffing and not has_prefer:
            tr.bound = max(tr.bound if tr.bound is not None else 0, flow.travel_m)
            tr.proven = tr.proven or tr.value <= flow.travel_m
        if tr is not None and st.proven and not tr.proven and not has_prefer and _lp_time(budget):
            lp = travel_bound(part, st.value, include=cp.x, **_lp_limits(budget))
            if lp is not None:
                tr.bound = max(tr.bound if tr.bound is not None else 0, lp.value)
                tr.proven = tr.value <= tr.bound
    return PartResult(part.pid, cp.x, cp.starts, "cpsat", cp.status, levels, time.time() - t0)


def _large(part: Part, flow: FlowSolution, keep: np.ndarray, starts: np.ndarray, budget: Budget, seed: int,
           workers: int, t0: float) -> PartResult:
    """A large part: the best start from the relaxations, then neighbourhood search (step 4 above)."""
    if int(part.weight[part.rr[keep]].sum()) < flow.staffing:
        keep, starts = _or_greedy(part, keep, starts)     # the greedy dispatch may staff more
    has_prefer = part.prefer is not None and part.prefer.any()
    relaxed, guided_by_lp = flow.x, False
    cap, travel_low = flow.staffing, None

    def staffed() -> int:
        return int(part.weight[part.rr[keep]].sum())

    support = keep | flow.x
    if staffed() < cap and not has_prefer and _lp_time(budget):
        # the flow lets a request be half staffed and a volunteer be in two places: the LP
        # bounds staffing closer
        lp = staffing_bound(part, include=support, **_lp_limits(budget))
        if lp is not None:
            cap = min(cap, lp.value)
            support = support | (lp.x > 1e-6)
    if not has_prefer and _lp_time(budget):
        # the least travel at the staffing bound: a near-integral answer that, repaired, is a
        # better start than the flow's, and the travel bound of every solution staffed that
        # much (used once staffing is proven)
        lp = travel_bound(part, max(staffed(), cap), include=support, **_lp_limits(budget))
        if lp is not None:
            travel_low = lp.value
            relaxed, keep, starts, guided_by_lp = _guided(part, lp.x, relaxed, keep, starts)
    if not guided_by_lp:
        relaxed, keep, starts = _reflow(part, flow.x, keep, starts, budget)
    x, starts, _ = improve(part, relaxed, keep, starts, budget, seed, workers, staffed() >= cap and not has_prefer)
    status, levels = _levels_against_flow(part, flow, x, cap, travel_low)
    method = "flow+lp+lns" if guided_by_lp or travel_low is not None else "flow+lns"
    return PartResult(part.pid, x, starts, method, status, levels, time.time() - t0)


def _lp_time(budget: Budget) -> float:
    """Seconds an LP relaxation may take now: a share of the time left, none when little is.
    On a deterministic budget the share is of the deterministic seconds (and the LP stops on
    an iteration count, `_lp_limits`), so whether it runs never depends on the clock."""
    left = budget.deterministic if budget.deterministic is not None else budget.deadline - time.time()
    return left * LP_SHARE if left > LP_MIN_SECONDS else 0.0


def _lp_limits(budget: Budget) -> dict[str, Any]:
    """The LP's limits: its share of the clock, or on a deterministic budget a number of
    simplex iterations for its share, with the clock's safety cap."""
    seconds = _lp_time(budget)
    if budget.deterministic is None:
        return {"time_limit": seconds}
    return {"time_limit": max(budget.deadline - time.time(), 0.0),
            "iterations": int(LP_ITERATIONS_PER_SECOND * seconds)}


def _guided(part: Part, values: np.ndarray, relaxed: np.ndarray, keep: np.ndarray, starts: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The LP's answer rounded and repaired, when that beats the solution so far (and then the
    LP's values are the relaxed answer the search is steered by)."""
    lp_keep, lp_starts, _ = repair(part, values > 0.5)
    if _better(part, lp_keep, keep):
        return values, lp_keep, lp_starts, True
    return relaxed, keep, starts, False


def _reflow(part: Part, relaxed: np.ndarray, keep: np.ndarray, starts: np.ndarray, budget: Budget
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flow answers closer to feasible, for a large part without an LP guide: the flow that
    serves one request per clash group, then re-solves with the rows the repair dropped banned.
    Returns the last relaxed answer and the best repaired solution."""
    if part.conflicts and not budget.wall_out():
        # the flow that serves one request per clash group keeps H4 by construction
        held = solve_flow(part, one_per_clash=True).x
        held_keep, held_starts, _ = repair(part, held)
        if _better(part, held_keep, keep):
            relaxed, keep, starts = held, held_keep, held_starts
    allowed = np.ones(part.size, bool)
    for _ in range(REFLOW_ROUNDS):
        # rows the repair had to drop are banned, and the flow re-solved around them
        dropped = relaxed & ~keep
        if not dropped.any() or budget.wall_out():
            break
        allowed &= ~dropped
        relaxed = solve_flow(part, allowed).x
        again, again_starts, _ = repair(part, relaxed)
        if _better(part, again, keep):
            keep, starts = again, again_starts
    return relaxed, keep, starts


def _better(part: Part, a: np.ndarray, b: np.ndarray) -> bool:
    """Is solution a lexicographically better than b: pins kept, then staffing, then travel?"""
    def key(x: np.ndarray) -> tuple[int, int, int]:
        return (int((part.pinned & ~x).sum()), -int(part.weight[part.rr[x]].sum()), int(part.metres[x].sum()))
    return key(a) < key(b)


def _or_greedy(part: Part, keep: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The better of a solution and the greedy dispatcher's (pins first, then requests by
    priority, each slot to the nearest candidate who still fits): the warm start to improve."""
    greedy, greedy_starts, _ = repair(part, np.zeros(part.size, bool))
    return (greedy, greedy_starts) if _better(part, greedy, keep) else (keep, starts)


def _levels_against_flow(part: Part, flow: FlowSolution, x: np.ndarray, staffing_cap: int | None = None,
                         travel_low: int | None = None) -> tuple[str, dict[str, LevelOutcome]]:
    """Levels of a solution measured against the relaxations' bounds: a level is proven when
    every level before it is and it reaches its bound. The flow bounds staffing, and travel and
    workload only for solutions at the flow's own staffing (and travel); the LP may lower the
    staffing bound (`staffing_cap`) and raise the travel bound (`travel_low`, valid at the
    staffing it was computed for or more)."""
    staffing = int(part.weight[part.rr[x]].sum())
    travel = int(part.metres[x].sum())
    workload = workload_of(part, x)
    cohesion = cohesion_of(part, x)
    cap = flow.staffing if staffing_cap is None else min(flow.staffing, staffing_cap)
    levels = {"staffing": LevelOutcome(staffing, cap, staffing >= cap)}
    ok = levels["staffing"].proven
    at_flow = staffing >= flow.staffing          # the flow's lower levels bound this solution
    if part.prefer is not None and part.prefer.any():
        pref = int(part.prefer[x].sum())
        known = ok and at_flow
        levels["stability"] = LevelOutcome(pref, flow.preferred if known else None, known and pref >= flow.preferred)
        ok = levels["stability"].proven
    lows = [b for b in ((flow.travel_m if at_flow else None), travel_low) if b is not None]
    low = max(lows) if ok and lows else None
    levels["travel_m"] = LevelOutcome(travel, low, low is not None and travel <= low)
    ok = levels["travel_m"].proven and at_flow and travel <= flow.travel_m
    levels["workload"] = LevelOutcome(workload, flow.workload if ok and flow.exact_workload else None,
                                      ok and flow.exact_workload and workload <= flow.workload)
    bound = _cohesion_bound(part, x)
    levels["cohesion"] = LevelOutcome(cohesion, bound, levels["workload"].proven and cohesion >= bound)
    if part.has_pins() and not x[part.pinned].all():
        return "UNKNOWN", levels
    status = "OPTIMAL" if all(o.proven for o in levels.values()) else "FEASIBLE"
    return status, levels


def _cohesion_bound(part: Part, x: np.ndarray) -> int:
    """An upper bound on cohesion over every solution of the part: all pairs of a request's
    headcount share a team. Reached exactly when requests are fully staffed and cohesive."""
    del x
    return int(sum(h * (h - 1) // 2 for h in (sum(c) for c in part.counts)))


def trivial_result(part: Part) -> PartResult:
    """An empty solution (used when a part could not be solved at all)."""
    return PartResult(part.pid, np.zeros(part.size, bool), part.earliest.copy(), "none", "UNKNOWN", {})
