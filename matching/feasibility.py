"""Keeping a part's solution within every hard rule: check, choose starts, repair, fill.

The flow relaxation ignores time clashes, minutes limits, multi-day caps, all-or-nothing
staffing, flexible starts and pins. `repair` walks requests by priority and keeps each assigned
row only while the volunteer's timeline and limits still allow it (choosing one start per
flexible request), drops requests left partly staffed when they need full staffing, then
`fills` open slots greedily with the nearest candidates that fit. The result is a feasible
solution: the flow answer itself when nothing had to change (then it is optimal), otherwise a
warm start for CP-SAT.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from matching.parts import Part


class Timeline:
    """Tasks taken so far per volunteer, and the checks of H3 (domains), H4 and H5."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.tasks: dict[int, list[tuple[int, int]]] = defaultdict(list)   # v -> [(request, start)]
        self.site: dict[tuple[int, int], int] = {}
        for a, b, t, _ in part.conflicts:
            self.site[a, b] = self.site[b, a] = t

    def fits(self, v: int, r: int, start: int, row: int) -> bool:
        p = self.part
        dom = p.domains.get(row)
        if dom is not None and not any(lo <= start <= hi for lo, hi in dom):
            return False
        d = int(p.duration[r])
        for r2, s2 in self.tasks[v]:
            if r2 == r:
                return False
            t = self.site.get((r, r2))
            if t is None:
                continue
            if not (start + d + t <= s2 or s2 + int(p.duration[r2]) + t <= start):
                return False
        return self._limits_ok(v, r, start, row)

    def _limits_ok(self, v: int, r: int, start: int, row: int) -> bool:
        p = self.part
        work = int(p.duration[r] + p.minutes[row])
        day = start // 1440
        tasks = self.tasks[v]
        if len(tasks) + 1 > p.tasks_period[v]:
            return False
        mins = {r2: m for r2, m in self._minutes(v)}
        if sum(mins.values()) + work > p.minutes_period[v]:
            return False
        same = [r2 for r2, s2 in tasks if s2 // 1440 == day]
        if len(same) + 1 > p.tasks_day[v]:
            return False
        return bool(sum(mins[r2] for r2 in same) + work <= p.minutes_day[v])

    def _minutes(self, v: int) -> list[tuple[int, int]]:
        p = self.part
        return [(r2, int(p.duration[r2] + self.row_minutes[v, r2])) for r2, _ in self.tasks[v]]

    def add(self, v: int, r: int, start: int, row: int) -> None:
        self.tasks[v].append((r, start))
        self.row_minutes[v, r] = int(self.part.minutes[row])

    def remove(self, v: int, r: int) -> None:
        self.tasks[v] = [(r2, s) for r2, s in self.tasks[v] if r2 != r]

    row_minutes: dict[tuple[int, int], int]


def _new_timeline(part: Part) -> Timeline:
    tl = Timeline(part)
    tl.row_minutes = {}
    return tl


def _start_options(part: Part, r: int, rows: list[int]) -> list[int]:
    """Start minutes to try for request r: the fixed start, or the earliest start of each piece
    of the intersection of its rows' allowed starts (plus window bounds)."""
    lo, hi = int(part.earliest[r]), int(part.latest_end[r] - part.duration[r])
    if part.fixed[r]:
        return [lo]
    pieces = [(lo, hi)]
    for row in rows:
        dom = part.domains.get(row)
        if dom is None:
            continue
        pieces = [(max(a, c), min(b, d)) for a, b in pieces for c, d in dom if max(a, c) <= min(b, d)]
    out = sorted({a for a, _ in pieces} | {b for _, b in pieces})
    if rows:
        return out[:8]
    # nobody chosen yet: every 30 minutes, and where the candidates' availability begins
    grid = set(range(lo, hi + 1, 30)) | {hi}
    for row in candidate_rows(part, r):
        grid.update(a for a, _ in part.domains.get(row, ()))
    return sorted(s for s in grid if lo <= s <= hi)[:64]


def candidate_rows(part: Part, r: int) -> list[int]:
    """The candidate rows of request r (cached per part)."""
    index: list[list[int]] | None = part.__dict__.get("_rows_of_req")
    if index is None:
        order = np.argsort(part.rr, kind="stable")
        cuts = np.searchsorted(part.rr[order], np.arange(part.nr + 1))
        index = [order[cuts[q]:cuts[q + 1]].tolist() for q in range(part.nr)]
        part.__dict__["_rows_of_req"] = index
    return index[r]


def repair(part: Part, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """A feasible solution close to `x`, the start per request, and whether `x` was kept whole."""
    rows_of: dict[int, list[int]] = defaultdict(list)
    for row in np.nonzero(part.pinned)[0].tolist():      # pins first: they must be kept
        rows_of[int(part.rr[row])].append(row)
    for row in np.nonzero(x & ~part.pinned)[0].tolist():
        r = int(part.rr[row])
        if not any(part.rv[q] == part.rv[row] for q in rows_of[r]):
            rows_of[r].append(row)
    has_pin = np.zeros(part.nr, bool)
    has_pin[part.rr[part.pinned]] = True
    order = sorted(range(part.nr), key=lambda r: (not has_pin[r], -int(part.weight[r]), r))
    tl = _new_timeline(part)
    keep = np.zeros(part.size, bool)
    starts = np.asarray(part.earliest, np.int64).copy()
    intact = True
    by_distance = np.lexsort((part.metres, part.rr))
    cuts = np.searchsorted(part.rr[by_distance], np.arange(part.nr + 1))
    nearest = [by_distance[cuts[r]:cuts[r + 1]].tolist() for r in range(part.nr)]
    for r in order:
        rows = rows_of.get(r, [])
        if not rows:
            continue
        best: list[int] = []
        best_start = int(part.earliest[r])
        for start in _start_options(part, r, rows) or [int(part.earliest[r])]:
            ok = []
            left = list(part.counts[r])
            for row in rows:
                k = int(part.rk[row])
                if left[k] > 0 and tl.fits(int(part.rv[row]), r, start, row):
                    ok.append(row)
                    left[k] -= 1
                    tl.add(int(part.rv[row]), r, start, row)
            if len(ok) < len(rows):
                # a row that no longer fits: try the request's next-nearest candidates for its slot
                on = {int(part.rv[q]) for q in ok}
                for row in nearest[r]:
                    k, v = int(part.rk[row]), int(part.rv[row])
                    if left[k] > 0 and v not in on and row not in rows and tl.fits(v, r, start, row):
                        ok.append(row)
                        on.add(v)
                        left[k] -= 1
                        tl.add(v, r, start, row)
            for row in ok:
                tl.remove(int(part.rv[row]), r)
            if len(ok) > len(best) or (len(ok) == len(best) and set(ok) <= set(rows) and not set(best) <= set(rows)):
                best, best_start = ok, start
            if len(ok) >= len(rows) and set(ok) == set(rows):
                break
        if set(best) != set(rows):
            intact = False
        if not part.partial[r] and len(best) < sum(part.counts[r]):
            best = []                      # all or nothing: x's partial staffing is not kept
            intact = False
        for row in best:
            tl.add(int(part.rv[row]), r, best_start, row)
            keep[row] = True
        starts[r] = best_start
    if intact and part.has_pins() and not keep[part.pinned].all():
        intact = False
    keep, starts = fill(part, keep, starts, tl)
    return keep, starts, intact


def fill(part: Part, keep: np.ndarray, starts: np.ndarray, tl: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """Fill open slots greedily: requests by priority, candidates nearest first."""
    filled = np.zeros((part.nr, max(len(c) for c in part.counts)), np.int64)
    np.add.at(filled, (part.rr[keep], part.rk[keep]), 1)
    order = np.lexsort((part.metres, ~part.pinned, -part.weight[part.rr]))
    by_req: dict[int, list[int]] = defaultdict(list)
    for row in order.tolist():
        if not keep[row]:
            by_req[int(part.rr[row])].append(row)
    for r in sorted(by_req, key=lambda r: (-int(part.weight[r]), r)):
        need = [c - filled[r, k] for k, c in enumerate(part.counts[r])]
        if sum(need) == 0:
            continue
        has = filled[r].sum() > 0
        options = [starts[r]] if (has or part.fixed[r]) else _start_options(part, r, []) or [starts[r]]
        for start in options:
            taken = []
            left = list(need)
            for row in by_req[r]:
                k, v = int(part.rk[row]), int(part.rv[row])
                if left[k] > 0 and tl.fits(v, r, int(start), row):
                    tl.add(v, r, int(start), row)
                    taken.append(row)
                    left[k] -= 1
            complete = sum(left) == 0
            if part.partial[r] or complete:
                keep[taken] = True
                filled[r, :len(left)] = [c - lft for c, lft in zip(part.counts[r], left)]
                starts[r] = start
                break
            for row in taken:
                tl.remove(int(part.rv[row]), r)
    return keep, starts
