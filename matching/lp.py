"""The linear-programming relaxation of a part: a travel bound that knows about time clashes.

The flow relaxation (`matching.flow`) lets a volunteer serve two requests at the same hour, so
on a busy day its travel bound sits below every real solution. This LP keeps every rule that is
linear in the assignment variables x (one per candidate row, 0 <= x <= 1) and stays a
relaxation:

- H10 slots: per skill slot, sum x <= count; for a request that needs full staffing, sum x =
  count * f with one variable 0 <= f <= 1 per request (all-or-nothing, relaxed);
- H10 once per request: a volunteer's rows of one request sum to at most 1;
- H4 one place at a time, for requests of fixed time: for each volunteer and each start minute
  of one of their fixed requests, the fixed requests covering that minute form a clique (sum
  <= 1); two fixed requests that do not overlap but clash through site-to-site travel form a
  clique of two;
- H3/H4 for flexible requests, through start options (see `_start_options`): everyone on a
  request starts at one minute, which must suit each volunteer's availability and not clash
  with their fixed requests;
- H5 limits: tasks and working minutes (service + travel) per period, and per day over the
  requests whose day is known (their start window lies within one day);
- H8 pins: x = 1;
- staffing: sum of priority weight x >= the staffing of the solution being measured.

Minimising total metres under these constraints gives a lower bound on the travel of every
solution with at least that staffing: the travel level's bound once staffing is proven. Its
answer is nearly integral on county days, so it also guides the repair of large parts.
Solved by HiGHS (`scipy.optimize.linprog`, dual simplex) with column generation (see
`travel_bound`); nothing here is needed for feasibility.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

from matching.parts import Part

#: relative slack taken off the LP optimum before it is used as a bound (solver tolerance)
BOUND_SLACK = 1e-7
#: start options per flexible request (see `_start_options`)
MAX_START_OPTIONS = 48
#: rows per skill slot the first restricted LP holds
NEAREST_PER_SLOT = 8
#: column generation stops once the reduced-cost correction is below this share of the bound
COLUMN_TOLERANCE = 5e-4
#: restricted LPs solved at most (each adds the columns whose reduced cost is negative)
COLUMN_ROUNDS = 4


@dataclass
class LpBound:
    value: int              # staffing: an upper bound on every solution's; travel: a lower bound
                            # on the travel of every solution with at least the given staffing
    x: np.ndarray           # the LP's values per candidate row (a guide for the search)


class _Rows:
    """A sparse constraint matrix built block by block: row ids, column ids, coefficients, bounds."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.rhs: list[np.ndarray] = []
        self.n = 0

    def groups(self, group: np.ndarray, cols: np.ndarray, vals: np.ndarray, rhs: np.ndarray) -> None:
        """One constraint `sum vals <= rhs[g]` per group id g = 0..len(rhs)-1 (entries in `group`)."""
        if not len(rhs):
            return
        self.rows.append(group + self.n)
        self.cols.append(cols)
        self.vals.append(vals.astype(np.float64))
        self.rhs.append(rhs.astype(np.float64))
        self.n += len(rhs)

    def matrix(self, ncols: int) -> tuple[coo_matrix, np.ndarray]:
        if not self.n:
            return coo_matrix((0, ncols)), np.zeros(0)
        a = coo_matrix((np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
                       shape=(self.n, ncols))
        return a.tocsr(), np.concatenate(self.rhs)


def _grouped(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For integer keys per row: group id per row, the count per group, and the first row of each."""
    uniq, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    del uniq
    return inverse.ravel(), counts, first


def _limit(rows_out: _Rows, keys: np.ndarray, sel: np.ndarray, coef: np.ndarray, limit_of_row: np.ndarray) -> None:
    """Constraints `sum coef <= limit` per key over the rows `sel`, only where the limit can bind."""
    idx = np.nonzero(sel)[0]
    if not len(idx):
        return
    group, _, first = _grouped(keys[idx])
    total = np.bincount(group, weights=coef[idx])
    limit = limit_of_row[idx][first]
    binding = total > limit
    if not binding.any():
        return
    renumber = np.cumsum(binding) - 1
    keep = binding[group]
    rows_out.groups(renumber[group[keep]], idx[keep], coef[idx][keep], limit[binding])


def clique_members(part: Part, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """H4 cliques over the `rows` (a mask) on fixed requests: (clique id per entry, candidate row
    per entry). Each clique is the rows of one volunteer on fixed requests that all cover one
    minute, or on two fixed requests that clash only through site-to-site travel; cliques of
    one row are left out."""
    fixed_row = rows & part.fixed[part.rr] & (part.duration[part.rr] > 0)
    idx = np.nonzero(fixed_row)[0]
    start = part.earliest[part.rr[idx]]
    end = start + part.duration[part.rr[idx]]
    vol = part.rv[idx]
    order = np.lexsort((start, vol))
    idx, start, end, vol = idx[order], start[order], end[order], vol[order]
    # anchor i (sorted by volunteer, start): the rows before it of the same volunteer still
    # running at its start, plus itself
    first = np.r_[0, np.flatnonzero(np.diff(vol)) + 1]
    group_start = np.repeat(first, np.diff(np.r_[first, len(idx)]))
    before = np.arange(len(idx)) - group_start
    anchor = np.repeat(np.arange(len(idx)), before)
    other = group_start[anchor] + np.arange(len(anchor)) - np.repeat(np.cumsum(before) - before, before)
    running = end[other] > start[anchor]
    anchor, other = anchor[running], other[running]
    with_others = np.unique(anchor)
    clique_of_anchor = np.full(len(idx), -1, np.int64)
    clique_of_anchor[with_others] = np.arange(len(with_others))
    ids = [clique_of_anchor[anchor], clique_of_anchor[with_others]]
    members: list[np.ndarray] = [idx[other], idx[with_others]]
    n_cliques = len(with_others)
    # travel-only clashes between fixed requests (overlap cliques already hold the rest)
    rows_of_pair: dict[tuple[int, int], list[int]] = {}
    for i in idx.tolist():
        rows_of_pair.setdefault((int(part.rv[i]), int(part.rr[i])), []).append(i)
    vols_of: dict[int, set[int]] = {}
    for v, r in rows_of_pair:
        vols_of.setdefault(r, set()).add(v)
    for a, b, _, certain in part.conflicts:
        if not certain or not (part.duration[a] and part.duration[b]):
            continue
        sa, sb = int(part.earliest[a]), int(part.earliest[b])
        if sa < sb + int(part.duration[b]) and sb < sa + int(part.duration[a]):
            continue                                   # they overlap: an overlap clique holds them
        for v in vols_of.get(a, set()) & vols_of.get(b, set()):
            pair = rows_of_pair[v, a] + rows_of_pair[v, b]
            ids.append(np.full(len(pair), n_cliques, np.int64))
            members.append(np.asarray(pair, np.int64))
            n_cliques += 1
    return np.concatenate(ids), np.concatenate(members)


def staffing_bound(part: Part, time_limit: float, include: np.ndarray | None = None,
                   iterations: int | None = None) -> LpBound | None:
    """The LP upper bound on the staffing of every solution of the part (see `travel_bound`)."""
    return _bound(part, None, time_limit, include, iterations)


def travel_bound(part: Part, staffing: int, time_limit: float, include: np.ndarray | None = None,
                 iterations: int | None = None) -> LpBound | None:
    """The LP lower bound on travel over solutions of the part with at least `staffing`, or
    None when HiGHS did not solve it within `time_limit` seconds (or, when `iterations` is
    given, within that many simplex iterations over all its rounds: then the answer never
    depends on the clock, which only guards).

    Solved by column generation: the first LP holds the `NEAREST_PER_SLOT` nearest rows of each
    skill slot, the pins and `include` (a known solution, which keeps it feasible); the clique
    and start-option constraints are built over the rows held. Under the LP's duals a row left
    out can lower the optimum by at most min(0, its reduced cost), counting only the constraints
    built (the others have no dual, and each would only raise the reduced cost), so the LP
    optimum plus those corrections bounds every solution. Rows with a negative reduced cost
    join and the LP is solved again while that tightens the bound."""
    return _bound(part, staffing, time_limit, include, iterations)


def _bound(part: Part, staffing: int | None, time_limit: float, include: np.ndarray | None,
           iterations: int | None) -> LpBound | None:
    """Minimise travel at `staffing` or more, or (staffing None) maximise staffing, as
    minimising its negative: the same constraints, the same column generation."""
    n = part.size
    if n == 0 or time_limit <= 0:
        return None
    deadline = time.time() + time_limit
    base_ub, base_eq, ncols_base = _base_rows(part, staffing)
    slot = _slots(part)[0]
    active = part.pinned | _nearest_per_slot(part, slot, NEAREST_PER_SLOT)
    if include is not None:
        active |= include
    best: float | None = None
    x_best = np.zeros(n)
    previous = math.inf
    for _ in range(COLUMN_ROUNDS):
        extra = _Rows()
        clique, members = clique_members(part, active)
        if len(members):
            extra.groups(clique, members, np.ones(len(members)), np.ones(int(clique.max()) + 1))
        ncols = _start_options(part, extra, ncols_base, active)
        a_base, b_base = base_ub.matrix(ncols)
        a_extra, b_extra = extra.matrix(ncols)
        a_ub = vstack((a_base, a_extra)).tocsr()
        b_ub = np.concatenate((b_base, b_extra))
        a_eq, b_eq = base_eq.matrix(ncols)
        cols = np.concatenate((np.nonzero(active)[0], np.arange(n, ncols)))
        cost = np.zeros(ncols)
        cost[:n] = part.metres if staffing is not None else -part.weight[part.rr]
        lower = np.zeros(ncols)
        lower[:n] = _pin_lower(part)
        left = deadline - time.time()
        if left <= 0 or (iterations is not None and iterations <= 0):
            break
        limits: dict[str, Any] = {"time_limit": float(left), "presolve": True}
        if iterations is not None:
            limits["maxiter"] = iterations
        res = linprog(cost[cols], A_ub=a_ub[:, cols], b_ub=b_ub, A_eq=a_eq[:, cols] if a_eq.shape[0] else None,
                      b_eq=b_eq if a_eq.shape[0] else None, bounds=np.column_stack((lower[cols], np.ones(len(cols)))),
                      method="highs-ds", options=limits)
        if iterations is not None:
            iterations -= int(res.nit)
        if res.status != 0 or res.x is None:
            break
        reduced = cost[:n] - (a_ub.T @ res.ineqlin.marginals)[:n]
        if a_eq.shape[0]:
            reduced -= (a_eq.T @ res.eqlin.marginals)[:n]
        out = ~active & (reduced < -1e-9)
        value = float(res.fun) + float(reduced[out].sum())
        if best is None or value > best:
            best = value
            x_best = np.zeros(n)
            x_best[cols[cols < n]] = res.x[:int((cols < n).sum())]
        tolerance = COLUMN_TOLERANCE * max(abs(value), 1.0)
        if value >= float(res.fun) - tolerance or previous - float(res.fun) <= tolerance:
            break           # the bound is tight, or new rows no longer lower the optimum
        previous = float(res.fun)
        active = active | out
    if best is None:
        return None
    low = math.ceil(best - BOUND_SLACK * max(abs(best), 1.0) - 1e-9)   # integers at or above the LP
    return LpBound(low if staffing is not None else -low, x_best)


def _slots(part: Part) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Skill slot of each row, the first slot of each request, headcount per slot, request per slot."""
    slot_base = np.zeros(part.nr + 1, np.int64)
    slot_base[1:] = np.cumsum([len(c) for c in part.counts])
    counts = np.asarray([c for cs in part.counts for c in cs], np.int64)
    slot_req = np.repeat(np.arange(part.nr), np.diff(slot_base))
    return slot_base[part.rr] + part.rk, slot_base, counts, slot_req


def _pin_lower(part: Part) -> np.ndarray:
    """Rows held at 1: the pinned pairs that have a single candidate row."""
    group, mult, _ = _grouped(part.rv * max(part.nr, 1) + part.rr)
    lower: np.ndarray = part.pinned & (mult[group] == 1)
    return lower


def _base_rows(part: Part, staffing: int | None) -> tuple[_Rows, _Rows, int]:
    """The constraints over every row (cheap, vectorised): slots, once per request, limits and
    staffing; the all-or-nothing variables f take columns n.. n + (requests needing full staffing)."""
    n = part.size
    full = np.nonzero(~part.partial)[0]
    full_col = np.full(part.nr, -1, np.int64)
    full_col[full] = n + np.arange(len(full))
    ones = np.ones(n)
    ub, eq = _Rows(), _Rows()
    # H10 slots
    slot, _, counts, slot_req = _slots(part)
    partial_row = part.partial[part.rr]
    used_slots, slot_group = np.unique(slot[partial_row], return_inverse=True)
    ub.groups(slot_group.ravel(), np.nonzero(partial_row)[0], ones[partial_row], counts[used_slots])
    full_slots = np.nonzero(~part.partial[slot_req])[0]
    pos = np.full(len(counts), -1, np.int64)
    pos[full_slots] = np.arange(len(full_slots))
    rows_full = np.nonzero(~partial_row)[0]
    eq.groups(np.concatenate((pos[slot[rows_full]], np.arange(len(full_slots)))),
              np.concatenate((rows_full, full_col[slot_req[full_slots]])),
              np.concatenate((np.ones(len(rows_full)), -counts[full_slots].astype(np.float64))),
              np.zeros(len(full_slots)))
    # H10 once per request
    group, mult, _ = _grouped(part.rv * max(part.nr, 1) + part.rr)
    shared = mult[group] > 1
    if shared.any():
        renumber = np.cumsum(mult > 1) - 1
        ub.groups(renumber[group[shared]], np.nonzero(shared)[0], ones[shared], np.ones(int((mult > 1).sum())))
    # H8 a pinned volunteer who could fill several slots of the request fills one of them (a pin
    # with a single row is that row's lower bound instead, see `_pin_lower`)
    pin_any = part.pinned & shared
    if pin_any.any():
        pin_group, _, _ = _grouped(group[pin_any])
        ub.groups(pin_group, np.nonzero(pin_any)[0], -ones[pin_any], -np.ones(int(pin_group.max()) + 1))
    # H5 limits: per period, and per day where the day is known
    work = (part.duration[part.rr] + part.minutes).astype(np.float64)
    every = np.ones(n, bool)
    _limit(ub, part.rv, every, ones, part.tasks_period[part.rv].astype(np.float64))
    _limit(ub, part.rv, every, work, part.minutes_period[part.rv].astype(np.float64))
    day0 = part.earliest // 1440
    one_day = (part.latest_end - part.duration) // 1440 == day0
    known = one_day[part.rr]
    day_key = part.rv * (int(day0.max(initial=0)) + 1) + day0[part.rr]
    _limit(ub, day_key, known, ones, part.tasks_day[part.rv].astype(np.float64))
    _limit(ub, day_key, known, work, part.minutes_day[part.rv].astype(np.float64))
    if staffing is not None:        # staffing at least as in the solution measured
        ub.groups(np.zeros(n, np.int64), np.arange(n), -part.weight[part.rr].astype(np.float64),
                  np.asarray([-float(staffing)]))
    return ub, eq, n + len(full)


def _start_options(part: Part, ub: _Rows, ncols: int, rows: np.ndarray) -> int:
    """Start options of flexible requests (columns from `ncols` on; returns the new count), with
    constraints over the `rows` (a mask).

    The start window of a flexible request is cut where its candidates' allowed starts begin
    and end and where a clash with a fixed request of a shared candidate begins and ends, into
    at most `MAX_START_OPTIONS` options; y(r, o) in [0, 1] says request r starts in option o,
    with sum over o of y(r, o) <= 1. Then
    - H3: a candidate row whose volunteer cannot start in every option is bounded by the
      options it can start in: x <= sum of those y;
    - H4: for flexible a, fixed b and a volunteer who is a candidate of both,
      x(v, a) + x(v, b) - sum of y(a, o) over the options o holding a start that does not
      clash with b <= 1.
    Any solution sets y = 1 on the option holding its start, so this stays a relaxation."""
    restricted: dict[int, list[int]] = {}
    for i in part.domains:
        r = int(part.rr[i])
        if rows[i] and not part.fixed[r]:
            restricted.setdefault(r, []).append(i)
    clash_with: dict[int, list[tuple[int, int]]] = {}       # flexible a -> [(fixed b, travel)]
    for a, b, t, _ in part.conflicts:
        if part.fixed[a] != part.fixed[b]:
            flex, fixed = (a, b) if part.fixed[b] else (b, a)
            clash_with.setdefault(flex, []).append((fixed, t))
    rows_of_pair: dict[tuple[int, int], list[int]] = {}
    if clash_with:
        held = np.nonzero(rows)[0]
        for i, v, r in zip(held.tolist(), part.rv[held].tolist(), part.rr[held].tolist()):
            rows_of_pair.setdefault((v, r), []).append(i)
    vols_of: dict[int, set[int]] = {}
    for v, r in rows_of_pair:
        vols_of.setdefault(r, set()).add(v)
    for r in sorted(set(restricted) | set(clash_with)):
        lo, hi = int(part.earliest[r]), int(part.latest_end[r] - part.duration[r])
        d = int(part.duration[r])
        cuts = {lo, hi + 1}
        for i in restricted.get(r, ()):
            for a, b in part.domains[i]:
                cuts.update(c for c in (a, b + 1) if lo < c <= hi)
        # starts of r clashing with fixed b: [s_b - d - t + 1, s_b + d_b + t - 1]
        spans = [(int(part.earliest[q]) - d - t + 1, int(part.earliest[q] + part.duration[q]) + t - 1)
                 for q, t in clash_with.get(r, ())]
        for c0, c1 in spans:
            cuts.update(c for c in (c0, c1 + 1) if lo < c <= hi)
        edges = sorted(cuts)
        if len(edges) - 1 > MAX_START_OPTIONS:     # coarser options: weaker, still a relaxation
            pick = np.linspace(0, len(edges) - 1, MAX_START_OPTIONS + 1).round().astype(int)
            edges = [edges[k] for k in sorted(set(pick.tolist()))]
        options = list(zip(edges[:-1], [e - 1 for e in edges[1:]]))
        if len(options) < 2:
            continue
        first = ncols
        ncols += len(options)
        # (rows, options they may start in, right-hand side): sum of rows - sum of those y <= rhs
        bounded: list[tuple[list[int], list[int], float]] = []
        for i in restricted.get(r, ()):
            fits = [o for o, (a, b) in enumerate(options) if any(pa <= b and a <= pb for pa, pb in part.domains[i])]
            if len(fits) < len(options):
                bounded.append(([i], fits, 0.0))
        for (q, _), (c0, c1) in zip(clash_with.get(r, ()), spans):
            # options holding a start outside the clash span
            fits = [o for o, (a, b) in enumerate(options) if a < c0 or b > c1]
            if len(fits) == len(options):
                continue
            for v in sorted(vols_of.get(r, set()) & vols_of.get(q, set())):
                bounded.append((rows_of_pair[v, r] + rows_of_pair[v, q], fits, 1.0))
        group, cols, vals = [0] * len(options), list(range(first, ncols)), [1.0] * len(options)
        bounds = [1.0]
        for rows_in, fits, rhs in bounded:
            group.extend([len(bounds)] * (len(rows_in) + len(fits)))
            cols.extend(rows_in + [first + o for o in fits])
            vals.extend([1.0] * len(rows_in) + [-1.0] * len(fits))
            bounds.append(rhs)
        ub.groups(np.asarray(group, np.int64), np.asarray(cols, np.int64), np.asarray(vals), np.asarray(bounds))
    return ncols


def _nearest_per_slot(part: Part, slot: np.ndarray, keep: int) -> np.ndarray:
    """Mask of the `keep` rows of each skill slot with the fewest metres."""
    order = np.lexsort((part.metres, slot))
    sorted_slot = slot[order]
    first = np.searchsorted(sorted_slot, sorted_slot, side="left")
    mask = np.zeros(part.size, bool)
    mask[order[np.arange(len(order)) - first < keep]] = True
    return mask
