"""`solve(problem, options) -> Result`: the pipeline.

    arrays      the problem as numpy arrays (once)
    candidates  k-d tree per skill + pairwise hard rules, never all pairs   -> timings.candidates
    decompose   connected components of the candidate graph into parts       -> timings.decompose
    solve       each part: min-cost flow, CP-SAT where rules need it, in
                parallel on an executor (process pool or Dask)               -> timings.solve
    explain     why each pair, why each open request                         -> timings.explain

Parts share nothing, so the solution is their union and each objective level is the sum of the
parts' levels; the result is OPTIMAL only when every part proved every level.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from matching.arrays import Arrays, build_arrays
from matching.candidates import Candidates, generate, merge
from matching.cpsat import LevelOutcome
from matching.executors import run_parts
from matching.explain import Chosen, explain
from matching.flow import solve_flow
from matching.options import DETERMINISTIC_SHARE, Budget, SolveOptions
from matching.parts import Part, split
from matching.partsolve import PartResult, cohesion_of, workload_of
from matching.problem import Problem
from matching.progress import Progress
from matching.result import LEVELS, Objective, Result, Status
from matching.rules import RULES, Registry

#: part of the time limit kept back for explanations and assembly
EXPLAIN_SHARE = 0.1
#: how often a solve may widen the candidates of starved requests (see `_starved`)
MAX_WIDEN_ROUNDS = 3
#: share of the deterministic budget of the first search round (the widening rounds share the rest)
FIRST_ROUND_SHARE = 0.85
#: a reproducible solve whose search ended this close to its deadline (seconds) was cut by the clock
WALL_CUT_SLACK = 0.05
WALL_CUT = "stopped by the wall clock: the result may differ on rerun"


def solve(problem: Problem, options: SolveOptions | None = None) -> Result:
    """Assign volunteers to requests: the lexicographic optimum of the contract, or the best
    solution found within `options.time_limit` seconds."""
    return solve_with(problem, options or SolveOptions(), prefer=None)


def solve_with(problem: Problem, options: SolveOptions, prefer: set[tuple[str, str]] | None,
               extra_timings: dict[str, float] | None = None) -> Result:
    """`solve`, optionally preferring some (volunteer id, request id) pairs right after staffing."""
    t0 = time.perf_counter()
    report = _progress(options)
    rules = RULES.extended(options.extra_rules)
    arr = build_arrays(problem)
    cand = generate(arr, options.candidates_per_slot, rules=rules)
    t1 = time.perf_counter()
    report(Progress("candidates", f"candidates: {len(cand)} pairs for {arr.nr} requests"))
    t1 -= t0
    prefer_idx = None
    if prefer:
        prefer_idx = {(arr.vol_index[v], arr.req_index[r]) for v, r in prefer
                      if v in arr.vol_index and r in arr.req_index}
    reserve = min(2.0, options.time_limit * EXPLAIN_SHARE)
    end = time.time() + max(0.05, options.time_limit - (time.perf_counter() - t0) - reserve)
    message = ""
    keep_for: dict[int, int] = {}
    # one worker in this process: budgets in deterministic time, so runs repeat exactly
    det = options.deterministic_time
    if det is None and options.workers == 1 and not options.dask_scheduler:
        det = options.time_limit * DETERMINISTIC_SHARE
    t_split = 0.0
    starved_left = 0
    # widening before the search: by the clock only on a wall-clock budget (else it is bounded
    # by its rounds, and the clock only guards)
    widen_until = end if det else (time.time() + end) / 2
    cand, ready, t_widen = _widen_by_flow(arr, cand, prefer_idx, options, keep_for, report, widen_until, rules)
    t1 += t_widen
    previous = Chosen(np.zeros(0, np.int64), {})
    for round_ in range(MAX_WIDEN_ROUNDS + 1):
        ts = time.perf_counter()
        parts = ready if ready is not None else split(arr, cand, prefer_idx)
        ready = None
        t_split += time.perf_counter() - ts
        report(Progress("decomposed", f"decomposed into {len(parts)} parts", 0, len(parts)))
        if cand.pin_conflicts:
            results: dict[int, PartResult] = {}
            v, r, why = cand.pin_conflicts[0]
            message = f"infeasible: volunteer {problem.volunteers[v].id} is pinned to " \
                      f"{problem.requests[r].id}, but {why}"
            break
        last = round_ == MAX_WIDEN_ROUNDS or not cand.truncated
        budget = Budget(end, (det * FIRST_ROUND_SHARE if round_ == 0 else det * (1 - FIRST_ROUND_SHARE)
                              / MAX_WIDEN_ROUNDS) if det else None)
        if round_:
            _carry_over(parts, previous)
        results = run_parts(parts, budget, options.seed, options.workers, options.dask_scheduler,
                            _SolvedSoFar(parts, report))
        previous = _chosen(arr, cand, parts, results, Status.FEASIBLE)
        previous.keys = {(int(cand.v[i]), int(cand.r[i]), int(cand.k[i])) for i in previous.rows.tolist()}
        widen = _starved(cand, parts, results)
        starved_left = len(widen)
        if last or not widen or budget.wall_out():
            break
        for r in widen:
            keep_for[r] = 2 * keep_for.get(r, options.candidates_per_slot)
        report(Progress("widening", f"widening the candidates of {len(widen)} requests"))
        ts = time.perf_counter()
        cand = merge(cand, generate(arr, options.candidates_per_slot, sorted(widen), keep_for, rules), widen)
        t1 += time.perf_counter() - ts
    t2 = t1 + t_split
    t3 = time.perf_counter()
    status, bound, gap, msg = _summarise(parts, results, bool(cand.pin_conflicts))
    message = message or msg
    if det and time.time() >= end - WALL_CUT_SLACK:
        # the safety cap, not the deterministic budget, ended some search
        message = "; ".join(filter(None, (message, WALL_CUT)))
    if status == Status.OPTIMAL and starved_left:
        # the proofs hold for the kept candidates only: a cut one might still do better
        status, gap = Status.FEASIBLE, None
        message = f"{starved_left} requests used every kept candidate; the optimum over all candidates is not proven"
    chosen = _chosen(arr, cand, parts, results, status)
    objective = _objective(arr, cand, chosen)
    assignments, open_requests = explain(problem, arr, cand, chosen, options.explain, status, rules)
    t4 = time.perf_counter()
    methods: dict[str, int] = {}
    for res in results.values():
        methods[res.method] = methods.get(res.method, 0) + 1
    timings = {"candidates": t1, "decompose": t2 - t1, "solve": (t3 - t0) - t2, "explain": t4 - t3,
               "total": t4 - t0}
    if extra_timings:
        timings.update(extra_timings)
    return Result(status=status, objective=objective, bound=bound, gap=gap,
                  timings={k: round(v, 4) for k, v in timings.items()},
                  parts={"count": len(parts), "methods": methods, "candidate_pairs": len(cand),
                         "largest": max((p.size for p in parts), default=0)},
                  assignments=tuple(assignments), open=tuple(open_requests), message=message)


def _widen_by_flow(arr: Arrays, cand: Candidates, prefer: set[tuple[int, int]] | None, options: SolveOptions,
                   keep_for: dict[int, int], report: Callable[[Progress], Any],
                   deadline: float | None = None, rules: Registry = RULES
                   ) -> tuple[Candidates, list[Part] | None, float]:
    """Before any search: widen the candidates of requests starved in the flow relaxation
    (cheap), so that the search itself rarely has to run twice. No round
    starts after `deadline` (a `time.time()` instant): the candidates so far are valid, only
    perhaps narrower than they could be. Returns the candidates, their parts when the last look
    widened nothing (each carrying its flow answer, so the search starts from them), and the
    seconds spent."""
    t0 = time.perf_counter()
    for _ in range(MAX_WIDEN_ROUNDS):
        if not cand.truncated or (deadline is not None and time.time() >= deadline):
            break
        parts = split(arr, cand, prefer)
        for p in parts:
            p.flow = solve_flow(p)
        # busy in the relaxation: a hint of where the cap bites (the search's own answer is
        # checked the same way after it)
        results = {p.pid: PartResult(p.pid, p.flow.x, p.earliest, "flow", "FEASIBLE") for p in parts}
        widen = _starved(cand, parts, results)
        if not widen:
            return cand, parts, time.perf_counter() - t0
        if deadline is not None and time.time() >= deadline:
            break
        for r in widen:
            keep_for[r] = 2 * keep_for.get(r, options.candidates_per_slot)
        report(Progress("widening", f"widening the candidates of {len(widen)} requests"))
        cand = merge(cand, generate(arr, options.candidates_per_slot, sorted(widen), keep_for, rules), widen)
    return cand, None, time.perf_counter() - t0


def _carry_over(parts: list[Part], previous: Chosen) -> None:
    """Give each part the previous round's answer as a hint (still feasible: widening only adds
    candidates)."""
    for p in parts:
        gv, gr = p.vol[p.rv], p.req[p.rr]
        p.hint = np.fromiter(((v, r, k) in previous.keys for v, r, k in zip(gv.tolist(), gr.tolist(),
                                                                           p.rk.tolist())), bool, p.size)
        p.hint_starts = np.asarray([previous.starts.get(int(r), int(e)) for r, e in zip(p.req, p.earliest)],
                                   np.int64)


def _starved(cand: Candidates, parts: list[Part], results: dict[int, PartResult]) -> set[int]:
    """Requests with a slot cut by the candidate cap whose kept candidates are all busy: a
    volunteer left out might have served it, so its candidates are widened. When every cut
    slot keeps an idle candidate, anyone left out is farther than someone free to serve."""
    if not cand.truncated:
        return set()
    busy = np.zeros(int(cand.v.max(initial=-1)) + 1, bool)
    for p in parts:
        busy[p.vol[np.unique(p.rv[results[p.pid].x])]] = True
    cut = sorted(cand.truncated)
    slots = max(int(cand.k.max(initial=0)), max((k for _, k in cut), default=0)) + 1
    free = ~busy[cand.v]
    idle = np.unique(cand.r[free] * slots + cand.k[free])      # (request, slot) keys with an idle candidate
    keys = np.fromiter((r * slots + k for r, k in cut), np.int64, len(cut))
    pos = np.minimum(np.searchsorted(idle, keys), max(len(idle) - 1, 0))
    has_idle = (idle[pos] == keys) if len(idle) else np.zeros(len(cut), bool)
    return {r for (r, _), ok in zip(cut, has_idle.tolist()) if not ok}


def _progress(options: SolveOptions) -> Callable[[Progress], Any]:
    fn = options.progress
    return fn if callable(fn) else (lambda _event: None)


class _SolvedSoFar:
    """Reports each solved part with the objective of the parts solved so far in this round."""

    def __init__(self, parts: list[Part], report: Callable[[Progress], Any]) -> None:
        self.parts, self.report = {p.pid: p for p in parts}, report
        self.total = Objective()

    def __call__(self, solved: PartResult, done: int, total: int) -> None:
        part, x, t = self.parts[solved.pid], solved.x, self.total
        self.total = Objective(staffing=t.staffing + int(part.weight[part.rr[x]].sum()),
                               travel_m=t.travel_m + int(part.metres[x].sum()),
                               workload=t.workload + workload_of(part, x),
                               cohesion=t.cohesion + cohesion_of(part, x))
        self.report(Progress("solving", f"solved {done}/{total} parts", done, total, self.total))


def _summarise(parts: list[Part], results: dict[int, PartResult], pin_conflict: bool
               ) -> tuple[Status, dict[str, float | None], float | None, str]:
    """Overall status, per-level bounds (sums over parts) and the gap of the first level not
    proven in every part."""
    if pin_conflict:
        return Status.INFEASIBLE, {k: None for k in LEVELS}, None, ""
    statuses = [results[p.pid].status for p in parts]
    for bad in ("INFEASIBLE", "MODEL_INVALID", "UNKNOWN"):
        if bad in statuses:
            pid = parts[statuses.index(bad)].pid
            what = {"INFEASIBLE": "the hard rules contradict each other (check pins)",
                    "MODEL_INVALID": "the model was rejected by the solver",
                    "UNKNOWN": "no solution was found in the time limit"}[bad]
            return Status(bad), {k: None for k in LEVELS}, None, f"part {pid}: {what}"
    bound: dict[str, float | None] = {}
    gap: float | None = None
    all_proven = True
    with_stability = any("stability" in results[p.pid].levels for p in parts)
    order = ("staffing", "stability", *LEVELS[1:]) if with_stability else LEVELS
    for level in order:
        maybe = [results[p.pid].levels.get(level) for p in parts]
        if level == "stability":
            maybe = [o if o is not None else _zero() for o in maybe]
        outs = [o for o in maybe if o is not None]
        if len(outs) < len(maybe):
            bound[level] = None
            all_proven = False
            continue
        bounds = [o.bound for o in outs if o.bound is not None]
        if len(bounds) < len(outs):
            bound[level] = None
            all_proven = False
            continue
        b = float(sum(bounds))
        bound[level] = b
        value = sum(o.value for o in outs)
        proven = all(o.proven for o in outs)
        if all_proven and not proven:
            gap = abs(value - b) / max(abs(b), 1.0)
        all_proven = all_proven and proven
    bound.pop("stability", None)
    status = Status.OPTIMAL if all_proven else Status.FEASIBLE
    return status, bound, (0.0 if all_proven else gap), ""


def _zero() -> LevelOutcome:
    """The stability level of a part without previous pairs: nothing to keep, proven."""
    return LevelOutcome(0, 0, True)


def _chosen(arr: Arrays, cand: Candidates, parts: list[Part], results: dict[int, PartResult],
            status: Status) -> Chosen:
    """Global candidate rows of the solution, and each staffed request's start minute."""
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return Chosen(np.zeros(0, np.int64), {})
    rows: list[np.ndarray] = []
    starts: dict[int, int] = {}
    for p in parts:
        res = results[p.pid]
        picked = np.nonzero(res.x)[0]
        rows.append(p.grows[picked])
        for i in picked.tolist():
            starts[int(p.req[p.rr[i]])] = int(res.starts[p.rr[i]])
    return Chosen(np.sort(np.concatenate(rows)).astype(np.int64) if rows else np.zeros(0, np.int64), starts)


def _objective(arr: Arrays, cand: Candidates, chosen: Chosen) -> Objective:
    """The four levels counted from the chosen rows."""
    rows = chosen.rows
    if not len(rows):
        return Objective()
    v, r = cand.v[rows], cand.r[rows]
    n = np.bincount(v, minlength=arr.nv).astype(np.int64)
    cohesion = 0
    order = np.argsort(r, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(r[order])) + 1):
        vols = v[group]
        if len(vols) > 1:
            bits = arr.v_teams[vols]
            share = (bits[:, None, :] & bits[None, :, :]).any(axis=2)
            cohesion += int(np.triu(share, 1).sum())
    return Objective(int(arr.r_weight[r].sum()), int(cand.metres[rows].sum()), int((n ** 2).sum()), cohesion)
