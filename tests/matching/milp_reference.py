"""An independent exact model of the contract for mid-sized fixed-time problems (CP-SAT).

Built from the README text alone, for problems too big to enumerate (a dozen volunteers, several
requests): every volunteer x request x skill slot that passes the pair rules of the independent
checker (H1-H3, H6, H7, H9) is a variable, with no pruning and no decomposition; H4, H5, H8 and
H10 are linear constraints; the four levels are optimised one after another (lexicographic by
sequential solves: optimise a level, hold it at its optimum, go to the next, warm-started from
the previous level's solution).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from ortools.sat.python import cp_model

from matching.problem import MINUTES_PER_DAY, Problem
from matching.result import Assignment, Objective, Result, Status
from matching.validate import geodesic_km, pair_distance_km, pair_travel_minutes
from tests.matching.helpers import WALL_GUARD
from tests.matching.reference import PAIR_RULES


class ReferenceError(RuntimeError):
    """The reference model could not prove a level optimal within its deterministic budget."""


def milp_optimum(problem: Problem, deterministic_time: float = 20.0) -> Objective | None:
    """The lexicographic optimum (None when the hard rules admit no solution); fixed times only.
    Each level's search is bounded by `deterministic_time` CP-SAT deterministic seconds (one
    worker), the wall clock only a distant guard: whether it proves does not depend on the load."""
    if any(not r.time.fixed for r in problem.requests):
        raise ValueError("the CP-SAT reference handles fixed times only")
    settings = problem.settings
    model = cp_model.CpModel()
    x: dict[tuple[str, str, str], cp_model.IntVar] = {}
    metres: dict[tuple[str, str], int] = {}
    work: dict[tuple[str, str], int] = {}
    for r in problem.requests:
        start, end = r.time.earliest_start, r.time.latest_end
        for v in problem.volunteers:
            for need in r.skills:
                a = Assignment(r.id, v.id, need.skill, problem.iso(start), problem.iso(end), 0.0, 0)
                single = Result(status=Status.FEASIBLE, objective=Objective(), assignments=(a,))
                if not any(rule(problem, single) for rule in PAIR_RULES):
                    x[v.id, r.id, need.skill] = model.new_bool_var(f"x[{v.id},{r.id},{need.skill}]")
            metres[v.id, r.id] = round(pair_distance_km(problem, v, r) * 1000)
            work[v.id, r.id] = r.time.duration + pair_travel_minutes(problem, v, r)

    slots: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    for (vid, rid, _), var in x.items():
        slots[vid, rid].append(var)

    def on(vid: str, rid: str) -> cp_model.LinearExprT:
        """1 when the volunteer serves the request (in any slot)."""
        return cp_model.LinearExpr.sum(slots[vid, rid])

    # H10: slots filled at most count times; full or empty unless partial; once per volunteer.
    for r in problem.requests:
        staffed = model.new_bool_var(f"staffed[{r.id}]")
        for need in r.skills:
            filled = cp_model.LinearExpr.sum([var for (_, rid, s), var in x.items()
                                              if rid == r.id and s == need.skill])
            model.add(filled <= need.count)
            if not r.allow_partial:
                model.add(filled == need.count * staffed)
        for v in problem.volunteers:
            model.add(on(v.id, r.id) <= 1)
    # H4: two requests whose times and site-to-site trip collide never share a volunteer.
    for ra, rb in itertools.combinations(problem.requests, 2):
        first, second = sorted((ra, rb), key=lambda q: (q.time.earliest_start, q.time.latest_end))
        km = geodesic_km(first.lat, first.lon, second.lat, second.lon) * settings.detour_factor
        trip = math.ceil(km / settings.speed_kmh * 60)
        if first.time.latest_end + trip > second.time.earliest_start:
            for v in problem.volunteers:
                model.add(cp_model.LinearExpr.sum([on(v.id, ra.id), on(v.id, rb.id)]) <= 1)
    # H5: per day and per period, tasks and working minutes within the limits; H8: pins kept.
    for v in problem.volunteers:
        days: dict[int, list[str]] = defaultdict(list)
        for r in problem.requests:
            days[r.time.earliest_start // MINUTES_PER_DAY].append(r.id)
        scopes = [([r.id for r in problem.requests], v.limits.tasks_per_period, v.limits.minutes_per_period)]
        scopes += [(rids, v.limits.tasks_per_day, v.limits.minutes_per_day) for rids in days.values()]
        for rids, task_cap, minute_cap in scopes:
            if task_cap is not None:
                model.add(cp_model.LinearExpr.sum([on(v.id, rid) for rid in rids]) <= task_cap)
            if minute_cap is not None:
                model.add(cp_model.LinearExpr.sum([work[v.id, rid] * on(v.id, rid) for rid in rids])
                          <= minute_cap)
        for rid in v.pinned:
            model.add(on(v.id, rid) == 1)

    weight = {r.id: settings.weight(r.priority) for r in problem.requests}
    variables = list(x.values())
    staffing = cp_model.LinearExpr.weighted_sum(variables, [weight[r] for (_, r, _) in x])
    travel = cp_model.LinearExpr.weighted_sum(variables, [metres[v, r] for (v, r, _) in x])
    squares = []
    for v in problem.volunteers:
        n = model.new_int_var(0, len(problem.requests), f"n[{v.id}]")
        model.add(n == cp_model.LinearExpr.sum([on(v.id, r.id) for r in problem.requests]))
        sq = model.new_int_var(0, len(problem.requests) ** 2, f"n2[{v.id}]")
        model.add_multiplication_equality(sq, [n, n])
        squares.append(sq)
    workload = cp_model.LinearExpr.sum(squares)
    together = []
    teams = {v.id: set(v.teams) for v in problem.volunteers}
    for r in problem.requests:
        for va, vb in itertools.combinations(problem.volunteers, 2):
            if teams[va.id] & teams[vb.id]:
                z = model.new_bool_var(f"z[{r.id},{va.id},{vb.id}]")
                model.add(z <= on(va.id, r.id))
                model.add(z <= on(vb.id, r.id))
                together.append(z)
    cohesion = cp_model.LinearExpr.sum(together)

    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = deterministic_time
    solver.parameters.max_time_in_seconds = WALL_GUARD
    solver.parameters.num_workers = 1
    found: list[int] = []
    for expr, maximise in ((staffing, True), (travel, False), (workload, False), (cohesion, True)):
        model.maximize(expr) if maximise else model.minimize(expr)
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            return None
        if status != cp_model.OPTIMAL:
            raise ReferenceError(f"reference level {len(found) + 1} not proven: {solver.status_name(status)}")
        value = round(solver.objective_value)
        # keep the level at its optimum (an inequality: an equality over metres is a hard knapsack)
        model.add(expr >= value) if maximise else model.add(expr <= value)
        model.clear_hints()
        for var in variables:
            model.add_hint(var, solver.value(var))
        found.append(value)
    return Objective(*found)
