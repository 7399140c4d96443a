"""The CP-SAT model of one part, for what a flow cannot say: time clashes, flexible starts,
all-or-nothing staffing, minutes and day limits, pins.

Reads top to bottom: variables (`_Model.__init__`), one method per hard rule with its sentence,
the objective levels, then `solve_lexicographic`, which optimises the levels in order (each one
fixed at its optimum, or at its best value when the time ran out, before the next), warm-started
with a hint, and returns the best solution found with the proven bound per level.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from matching.options import Budget
from matching.parts import Part

#: above this many (request, pair-of-candidates) cohesion terms the cohesion level is not modelled
COHESION_TERMS_LIMIT = 200_000
#: share of the time left that one level (not the last) may take
LEVEL_SHARE = 0.8

#: an objective level: its expression, or a builder of it (None: the level is not modelled)
Level = cp_model.LinearExprT | Callable[[], cp_model.LinearExprT | None]


@dataclass
class LevelOutcome:
    value: int
    bound: float | None
    proven: bool


@dataclass
class CpSolution:
    x: np.ndarray
    starts: np.ndarray
    status: str                                       # OPTIMAL / FEASIBLE / INFEASIBLE / MODEL_INVALID / UNKNOWN
    levels: dict[str, LevelOutcome] = field(default_factory=dict)


class _Model:
    """Variables and hard rules of one part."""

    def __init__(self, part: Part) -> None:
        self.part = p = part
        self.m = cp_model.CpModel()
        m = self.m
        self.x = [m.new_bool_var(f"x{i}") for i in range(p.size)]
        self.rows_of_req: dict[int, list[int]] = defaultdict(list)
        self.rows_of_vol: dict[int, list[int]] = defaultdict(list)
        self.rows_of_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (v, r) in enumerate(zip(p.rv.tolist(), p.rr.tolist())):
            self.rows_of_req[r].append(i)
            self.rows_of_vol[v].append(i)
            self.rows_of_pair[v, r].append(i)
        self.start: dict[int, cp_model.IntVar] = {}
        for r in range(p.nr):
            if not p.fixed[r]:
                self.start[r] = m.new_int_var(int(p.earliest[r]), int(p.latest_end[r] - p.duration[r]), f"s{r}")
        self.full = [m.new_bool_var(f"full{r}") for r in range(p.nr)]
        self.skill_slots()
        self.once_per_request()
        self.availability()
        self.one_place_at_a_time()
        self.limits()
        self.pins()

    def start_of(self, r: int) -> cp_model.LinearExprT:
        return self.start[r] if r in self.start else int(self.part.earliest[r])

    def skill_slots(self) -> None:
        """H10: each skill slot is filled at most `count` times, and a request that does not allow
        partial staffing is fully staffed or has nobody."""
        p, m = self.part, self.m
        for r, rows in self.rows_of_req.items():
            by_slot: dict[int, list[int]] = defaultdict(list)
            for i in rows:
                by_slot[int(p.rk[i])].append(i)
            for k, count in enumerate(p.counts[r]):
                filled = sum(self.x[i] for i in by_slot.get(k, []))
                if p.partial[r]:
                    m.add(filled <= count)
                else:
                    m.add(filled == count * self.full[r])

    def once_per_request(self) -> None:
        """H10: a volunteer is assigned to a request at most once (one slot)."""
        for rows in self.rows_of_pair.values():
            if len(rows) > 1:
                self.m.add_at_most_one(self.x[i] for i in rows)

    def availability(self) -> None:
        """H3 (with H1/H7 expiry on the service day): a flexible request starts where each of its
        volunteers is available for [start - travel, end]."""
        p = self.part
        for i, pieces in p.domains.items():
            r = int(p.rr[i])
            if r not in self.start:
                continue
            lo, hi = int(p.earliest[r]), int(p.latest_end[r] - p.duration[r])
            if len(pieces) == 1 and pieces[0][0] <= lo and pieces[0][1] >= hi:
                continue
            flat = [b for piece in pieces for b in piece]
            self.m.add_linear_expression_in_domain(
                self.start[r], cp_model.Domain.from_flat_intervals(flat)).only_enforce_if(self.x[i])

    def one_place_at_a_time(self) -> None:
        """H4: for two tasks A then B of one volunteer, end(A) + site-to-site travel <= start(B)."""
        p, m = self.part, self.m
        for a, b, t, certain in p.conflicts:
            shared = [v for v in {int(p.rv[i]) for i in self.rows_of_req[a]}
                      if (v, b) in self.rows_of_pair]
            if certain:
                for v in sorted(shared):
                    m.add(sum(self.x[i] for i in self.rows_of_pair[v, a] + self.rows_of_pair[v, b]) <= 1)
                continue
            both = m.new_bool_var(f"both{a}_{b}")
            a_first = m.new_bool_var(f"order{a}_{b}")
            for v in sorted(shared):
                m.add(sum(self.x[i] for i in self.rows_of_pair[v, a] + self.rows_of_pair[v, b]) <= 1 + both)
            da, db = int(p.duration[a]), int(p.duration[b])
            m.add(self.start_of(a) + da + t <= self.start_of(b)).only_enforce_if([both, a_first])
            m.add(self.start_of(b) + db + t <= self.start_of(a)).only_enforce_if([both, a_first.Not()])

    def _day_literals(self, r: int) -> dict[int, cp_model.IntVar | int]:
        """Day of service of request r as literals (a constant 1 when the day is known)."""
        p, m = self.part, self.m
        d0, d1 = int(p.earliest[r] // 1440), int((p.latest_end[r] - p.duration[r]) // 1440)
        if d0 == d1:
            return {d0: 1}
        if not hasattr(self, "_days"):
            self._days: dict[int, dict[int, cp_model.IntVar | int]] = {}
        if r not in self._days:
            lits: dict[int, cp_model.IntVar] = {}
            for d in range(d0, d1 + 1):
                z = m.new_bool_var(f"day{r}_{d}")
                m.add(self.start[r] >= d * 1440).only_enforce_if(z)
                m.add(self.start[r] <= d * 1440 + 1439).only_enforce_if(z)
                lits[d] = z
            m.add_exactly_one(lits.values())
            self._days[r] = dict(lits)
        return self._days[r]

    def limits(self) -> None:
        """H5: per day and per period, the count of tasks and the sum of working minutes
        (service + travel) stay within the volunteer's limits."""
        p, m = self.part, self.m
        for v, rows in self.rows_of_vol.items():
            work = [int(p.duration[p.rr[i]] + p.minutes[i]) for i in rows]
            if len(rows) > p.tasks_period[v]:
                m.add(sum(self.x[i] for i in rows) <= int(p.tasks_period[v]))
            if sum(work) > p.minutes_period[v]:
                m.add(sum(w * self.x[i] for i, w in zip(rows, work)) <= int(p.minutes_period[v]))
            day_limit = p.tasks_day[v] < len(rows) or p.minutes_day[v] < sum(work)
            if not day_limit:
                continue
            per_day: dict[int, list[tuple[cp_model.LinearExprT, int]]] = defaultdict(list)
            for i, w in zip(rows, work):
                for d, lit in self._day_literals(int(p.rr[i])).items():
                    if isinstance(lit, int):
                        per_day[d].append((self.x[i], w))
                    else:
                        y = m.new_bool_var("")
                        m.add_bool_and([self.x[i], lit]).only_enforce_if(y)
                        m.add_bool_or([self.x[i].Not(), lit.Not()]).only_enforce_if(y.Not())
                        per_day[d].append((y, w))
            for d in sorted(per_day):
                items = per_day[d]
                if len(items) > p.tasks_day[v]:
                    m.add(sum(y for y, _ in items) <= int(p.tasks_day[v]))
                if sum(w for _, w in items) > p.minutes_day[v]:
                    m.add(sum(w * y for y, w in items) <= int(p.minutes_day[v]))

    def pins(self) -> None:
        """H8: every pinned request of a volunteer is assigned to that volunteer."""
        p = self.part
        for rows in self.rows_of_pair.values():
            if p.pinned[rows[0]]:
                self.m.add(sum(self.x[i] for i in rows) == 1)

    # ------------------------------------------------------------------ objective levels

    def levels(self, through_travel: bool = False) -> list[tuple[str, Level, bool]]:
        """(name, expression, maximise) in lexicographic order (up to travel only, if asked).
        Workload and cohesion come as builders, called only when their turn comes: their extra
        variables would slow the search of the levels before them."""
        p = self.part
        out: list[tuple[str, Level, bool]] = [
            ("staffing", sum(int(p.weight[p.rr[i]]) * self.x[i] for i in range(p.size)), True)]
        if p.prefer is not None and p.prefer.any():
            out.append(("stability", sum(self.x[i] for i in np.nonzero(p.prefer)[0].tolist()), True))
        out.append(("travel_m", sum(int(p.metres[i]) * self.x[i] for i in range(p.size)), False))
        if through_travel:
            return out
        out.append(("workload", self._workload, False))
        out.append(("cohesion", self._cohesion, True))
        return out

    def _workload(self) -> cp_model.LinearExprT:
        """Sum over volunteers of their task count squared, as 1 + 3 + 5 + ... over ordered steps."""
        p, m = self.part, self.m
        terms: list[cp_model.LinearExprT] = []
        for v, rows in sorted(self.rows_of_vol.items()):
            n_max = min(len({int(p.rr[i]) for i in rows}), int(p.tasks_period[v]))
            if n_max <= 1:
                terms.append(sum(self.x[i] for i in rows))
                continue
            steps = [m.new_bool_var(f"n{v}_{k}") for k in range(n_max)]
            m.add(sum(steps) == sum(self.x[i] for i in rows))
            for a, b in itertools.pairwise(steps):
                m.add_implication(b, a)
            terms.extend((2 * k + 1) * s for k, s in enumerate(steps))
        return sum(terms)

    def _cohesion(self) -> cp_model.LinearExprT | None:
        """Pairs of volunteers on one request who share a team (None when too many to model)."""
        p, m = self.part, self.m
        pairs = []
        for r, rows in sorted(self.rows_of_req.items()):
            if sum(p.counts[r]) < 2:
                continue
            vols = sorted({int(p.rv[i]) for i in rows})
            for ai, a in enumerate(vols):
                for b in vols[ai + 1:]:
                    if (p.teams[a] & p.teams[b]).any():
                        pairs.append((r, a, b))
            if len(pairs) > COHESION_TERMS_LIMIT:
                return None
        terms = []
        for r, a, b in pairs:
            z = m.new_bool_var("")
            m.add(z <= sum(self.x[i] for i in self.rows_of_pair[a, r]))
            m.add(z <= sum(self.x[i] for i in self.rows_of_pair[b, r]))
            terms.append(z)
        return sum(terms) if terms else 0


def _built(level: Level) -> cp_model.LinearExprT | None:
    """A level's expression, built now when it comes as a builder."""
    return level() if callable(level) else level


def level_value(part: Part, name: str, x: np.ndarray) -> int:
    """One objective level of the part's solution x, counted directly."""
    if name == "staffing":
        return int(part.weight[part.rr[x]].sum())
    if name == "stability":
        return int(part.prefer[x].sum()) if part.prefer is not None else 0
    if name == "travel_m":
        return int(part.metres[x].sum())
    if name == "workload":
        return int((np.bincount(part.rv[x], minlength=part.nv).astype(np.int64) ** 2).sum())
    total = 0
    by_req: dict[int, list[int]] = defaultdict(list)
    for i in np.nonzero(x)[0].tolist():
        by_req[int(part.rr[i])].append(int(part.rv[i]))
    for vols in by_req.values():
        total += sum(bool((part.teams[a] & part.teams[b]).any()) for i, a in enumerate(vols) for b in vols[i + 1:])
    return total


def solve_lexicographic(part: Part, hint: np.ndarray | None, hint_starts: np.ndarray | None,
                        budget: Budget, seed: int, workers: int, travel_only: bool = False,
                        staffing_cap: int | None = None, level_share: float = LEVEL_SHARE) -> CpSolution:
    """Optimise the levels in order within the budget; the best solution found. With
    `travel_only` (a neighbourhood whose staffing is already optimal) the levels before travel
    are held at the hint's values and only travel is optimised. `staffing_cap`, a known upper
    bound on staffing (from a relaxation), is added as a constraint so that a solution reaching
    it is proven at once. A level other than the last takes `level_share` of the time left."""
    det_left = budget.deterministic
    model = _Model(part)
    m = model.m
    levels = model.levels(through_travel=travel_only)
    if staffing_cap is not None:
        staffing = _built(levels[0][1])
        assert staffing is not None, "staffing is always modelled"
        m.add(staffing <= staffing_cap)
    if travel_only and hint is not None:
        for name, level, _ in levels[:-1]:
            held_expr = _built(level)
            assert held_expr is not None, "the levels before travel are always modelled"
            m.add(held_expr >= level_value(part, name, hint))
        levels = levels[-1:]
    x_best = hint.copy() if hint is not None else None
    s_best = hint_starts
    hint_rows = x_best
    if x_best is not None and part.has_pins() and not x_best[part.pinned].all():
        x_best = None          # a hint that drops a pin is not a fallback answer
    outcomes: dict[str, LevelOutcome] = {}
    status_name = "OPTIMAL"
    for li, (name, level, maximise) in enumerate(levels):
        expr = _built(level)
        if expr is None:
            continue            # cohesion with too many terms to model
        if isinstance(expr, int):
            outcomes[name] = LevelOutcome(expr, expr, True)
            continue
        m.clear_hints()  # type: ignore[no-untyped-call]  # OR-Tools leaves clear_hints unannotated
        guide = x_best if x_best is not None else hint_rows
        if guide is not None:
            for i, var in enumerate(model.x):
                m.add_hint(var, bool(guide[i]))
            if s_best is not None:
                for r, var in model.start.items():
                    m.add_hint(var, int(s_best[r]))
        (m.maximize if maximise else m.minimize)(expr)
        solver = cp_model.CpSolver()
        wall_left = budget.deadline - time.time()
        left = det_left if det_left is not None else wall_left
        # a level not proven makes the later ones polish only: most of the time goes to this one
        share = left if li == len(levels) - 1 else max(left * level_share, min(left, 0.05))
        if det_left is not None:
            solver.parameters.max_deterministic_time = max(share, 0.01)
            solver.parameters.max_time_in_seconds = max(wall_left, 0.05)
        else:
            solver.parameters.max_time_in_seconds = max(share, 0.01)
        solver.parameters.random_seed = seed
        solver.parameters.num_workers = max(1, workers)
        st = solver.solve(m)
        if det_left is not None:
            det_left = max(det_left - solver.deterministic_time, 0.0)
        if st == cp_model.INFEASIBLE:
            return CpSolution(np.zeros(part.size, bool), part.earliest.copy(), "INFEASIBLE", outcomes)
        if st == cp_model.MODEL_INVALID:
            return CpSolution(np.zeros(part.size, bool), part.earliest.copy(), "MODEL_INVALID", outcomes)
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if x_best is None:
                return CpSolution(np.zeros(part.size, bool), part.earliest.copy(), "UNKNOWN", outcomes)
            status_name = "FEASIBLE"
            break
        value = round(solver.objective_value)
        proven = st == cp_model.OPTIMAL or abs(solver.objective_value - solver.best_objective_bound) < 0.5
        found = np.fromiter((solver.boolean_value(v) for v in model.x), bool, part.size)
        before = level_value(part, name, x_best) if x_best is not None else None
        if before is not None and not proven and (before >= value if maximise else before <= value):
            value = before             # the search did not beat the warm start: keep the warm start
        else:
            x_best = found
            s_best = part.earliest.astype(np.int64).copy()
            for r, var in model.start.items():
                s_best[r] = solver.value(var)
        outcomes[name] = LevelOutcome(value, solver.best_objective_bound, proven)
        if maximise:
            m.add(expr >= value)
        else:
            m.add(expr <= value)
        if not proven:
            status_name = "FEASIBLE"
        out_of_time = det_left <= 0.01 if det_left is not None else budget.deadline - time.time() <= 0.01
        out_of_time = out_of_time or budget.wall_out()
        if out_of_time and li < len(levels) - 1:
            status_name = "FEASIBLE"
            break
    assert x_best is not None
    return CpSolution(x_best, s_best if s_best is not None else part.earliest.copy(), status_name, outcomes)
