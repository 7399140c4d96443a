"""H3 availability: the volunteer is available from the start of the trip to the end of the service.

A distance test (the trip's minutes count), monotone in the travel minutes: what fails with a
lower bound of them fails with the exact figure. For a fixed time the interval
[start - travel, end] must lie inside one availability piece; for a flexible window some start
must, and the pairs kept get their start pieces (`flex_domains`: start minutes inside the window,
on a day the skill and, where required, the insurance still hold), which the CP-SAT model
(`_Model.availability`) and the repair (`Timeline.fits`) keep the request's one start within.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

import numpy as np

from matching.problem import MINUTES_PER_DAY, Problem, Volunteer
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, lenient_minutes, violation
from matching.rules.insurance import insured_through

if TYPE_CHECKING:
    from matching.arrays import Arrays

#: volunteers with at most this many availability pieces are checked piece by piece, not by search
FEW_PIECES = 4


# ----------------------------------------------------------------------------- the check

def _available_pieces(problem: Problem, v: Volunteer) -> list[tuple[int, int]] | None:
    """The volunteer's available minutes as merged [start, end) pieces; None = always available."""
    a = v.availability
    if a is None:
        return None
    windows: list[tuple[int, int]] = [(s, e) for s, e in a.dated]
    for day in range(problem.num_days):
        weekday = (problem.date_from + dt.timedelta(days=day)).weekday()
        windows += [(day * MINUTES_PER_DAY + w.start, day * MINUTES_PER_DAY + w.end)
                    for w in a.weekly if w.weekday == weekday]
    points = sorted({p for w in [*windows, *a.exceptions] for p in w})
    pieces: list[tuple[int, int]] = []
    for p, q in itertools.pairwise(points):  # elementary [p, q): open iff a window covers, no exception does
        if any(s <= p and q <= e for s, e in windows) and not any(s <= p and q <= e for s, e in a.exceptions):
            if pieces and pieces[-1][1] == p:
                pieces[-1] = (pieces[-1][0], q)
            else:
                pieces.append((p, q))
    return pieces


def check_availability(problem: Problem, result: Result) -> list[Violation]:
    """H3: the volunteer is available for the whole interval [start - travel_minutes, end]."""
    out = []
    for t, v, r in known(problem, result):
        pieces = _available_pieces(problem, v)
        if pieces is None:
            continue
        begin = t.start - lenient_minutes(problem, v, r)
        if not any(s <= begin and t.end <= e for s, e in pieces):
            out.append(violation("H3_AVAILABILITY", t, f"not available over minutes [{begin}, {t.end}]"))
    return out


# ----------------------------------------------------------------------------- in bulk

def _flex_pieces(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray, last_day: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`allowed_starts` of many pairs (v[i], r[i]) of flexible requests at once: the non-empty
    pieces as (pair index, lo, hi), in pair order and, per pair, in availability order.
    `last_day` is the skill's last valid day; the insurance limit is applied here."""
    last = np.where(arr.r_insurance[r], np.minimum(last_day, insured_through(arr, v, r)), last_day)
    lo = arr.r_earliest[r]
    d = arr.r_duration[r]
    hi = np.minimum(arr.r_latest_end[r] - d, (last + 1) * 1440 - 1)
    always = arr.v_always[v]
    first = arr.av_ptr[v]
    cnt = np.where(always, 1, arr.av_ptr[v + 1] - first)
    owner = np.repeat(np.arange(len(v)), cnt)
    piece = first[owner] + np.arange(len(owner)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    a, b = lo[owner], hi[owner]
    real = ~always[owner]
    if real.any():
        k = piece[real]
        a[real] = np.maximum(a[real], arr.av_start[k] + travel[owner[real]])
        b[real] = np.minimum(b[real], arr.av_end[k] - d[owner[real]])
    good = a <= b
    return owner[good], a[good], b[good]


def flex_domains(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray, last_day: np.ndarray
                 ) -> list[list[tuple[int, int]]]:
    """Per pair of a flexible request, `allowed_starts` (an empty list: no start fits)."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(len(v))]
    owner, a, b = _flex_pieces(arr, v, r, travel, last_day)
    for i, lo, hi in zip(owner.tolist(), a.tolist(), b.tolist()):
        out[i].append((lo, hi))
    return out


def _piece_keys(arr: Arrays) -> np.ndarray:
    """Sorted keys volunteer * 2^32 + (piece start + 2^31)."""
    def build() -> np.ndarray:
        owner = np.repeat(np.arange(arr.nv, dtype=np.int64), np.diff(arr.av_ptr))
        keys: np.ndarray = owner * (1 << 32) + (arr.av_start + (1 << 31))
        return keys
    return arr.memo(("H3", "piece keys"), build)


def _fixed_available(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray) -> np.ndarray:
    """Pairs of fixed-time requests: [start - travel, end] inside one piece of v."""
    ok: np.ndarray = arr.v_always[v].copy()
    todo = np.nonzero(~ok)[0]
    if not len(todo) or not len(arr.av_start):
        return ok
    vv, rr = v[todo], r[todo]
    begin = arr.r_earliest[rr] - travel[todo]
    end = arr.r_earliest[rr] + arr.r_duration[rr]
    lo, hi = arr.av_ptr[vv], arr.av_ptr[vv + 1]
    most = arr.memo(("H3", "most pieces"), lambda: int(np.diff(arr.av_ptr).max(initial=0)))
    if most <= FEW_PIECES:          # look at each of the few pieces
        found = np.zeros(len(todo), bool)
        last = len(arr.av_start) - 1
        for j in range(most):
            k = np.minimum(lo + j, last)
            found |= (lo + j < hi) & (arr.av_start[k] <= begin) & (arr.av_end[k] >= end)
    else:                           # the piece that could hold `begin`: the last one starting at or before it
        key = np.searchsorted(_piece_keys(arr), vv * (1 << 32) + (begin + (1 << 31)), side="right") - 1
        keyc = np.maximum(key, 0)
        found = (key >= lo) & (key < hi) & (arr.av_end[keyc] >= end) & (arr.av_start[keyc] <= begin)
    ok[todo] = found
    return ok


def _fits(p: Pairs) -> np.ndarray:
    """Some start leaves [start - travel, end] available (and, for a flexible window, falls on a
    day within `last_day` and the insurance)."""
    arr, v, r, travel = p.arr, p.v, p.r, p.travel_minutes
    ok = np.zeros(len(v), bool)
    fixed = arr.r_fixed[r]
    idx = np.nonzero(fixed)[0]
    ok[idx] = _fixed_available(arr, v[idx], r[idx], travel[idx])
    idx = np.nonzero(~fixed)[0]
    if len(idx):
        owner, _, _ = _flex_pieces(arr, v[idx], r[idx], travel[idx], p.last_day[idx])
        ok[idx] = np.bincount(owner, minlength=len(idx)) > 0
    return ok


def _some_time(p: Pairs) -> np.ndarray:
    """Available at all (a volunteer with no available time serves nobody)."""
    arr = p.arr
    some: np.ndarray = arr.memo(("H3", "some time"), lambda: arr.v_always | (np.diff(arr.av_ptr) > 0))
    ok: np.ndarray = some[p.v]
    return ok


def _unavailable(m: Miss) -> str:
    problem, arr = m.problem, m.arr
    return f"not available {problem.iso(int(arr.r_earliest[m.r]))} .. {problem.iso(int(arr.r_latest_end[m.r]))}" \
           " including travel"


RULE = Rule("H3_AVAILABILITY", check_availability, pair_tests=(
    PairTest(Reason.UNAVAILABLE.value, _fits, Reason.NONE_AVAILABLE.value, _unavailable, order=80,
             uses_distance=True, prefilter=_some_time),
), model=("matching.cpsat._Model.availability", "matching.feasibility.Timeline.fits"))
