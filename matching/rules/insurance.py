"""H7 insurance: a request that requires insurance is served by someone insured for it on the day.

A volunteer is insured for a request on a day when his `insurance_valid_until` is that day or
later (insured for every activity), or when one of his `insurance_covers` names the request's
`activity` and holds on that day. In a flexible window the insurance also bounds the start day
(`matching.rules.availability` cuts the start pieces at `insured_through`): the engine uses the
cover that holds on the window's first day, a checker accepts any cover holding on the service day.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from matching.problem import Problem, Request, Volunteer
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, service_date, violation

if TYPE_CHECKING:
    from matching.arrays import Arrays

#: up to this many (volunteer, activity) keys the covers are found by direct lookup
DENSE_KEYS = 4_000_000


def covered(volunteer: Volunteer, request: Request, day: dt.date) -> bool:
    """Whether the volunteer is insured for the request's activity on `day`."""
    if volunteer.insurance_valid_until is not None and volunteer.insurance_valid_until >= day:
        return True
    return any(c.activity == request.activity and c.valid_from <= day <= c.valid_until
               for c in volunteer.insurance_covers)


def check_insurance(problem: Problem, result: Result) -> list[Violation]:
    """H7: where the request requires insurance, the volunteer is insured on the service date:
    insurance_valid_until >= that date, or an insurance cover of the request's activity holds on it."""
    out = []
    for t, v, r in known(problem, result):
        day = service_date(problem, t)
        if r.requires_insurance and not covered(v, r, day):
            out.append(violation("H7_INSURANCE", t, f"no insurance for {r.activity or 'this activity'} on {day} "
                                                    f"(insurance valid until {v.insurance_valid_until})"))
    return out


class _Covers:
    """Every volunteer's covers as arrays, sorted by key volunteer * activities + activity, and
    each request's activity number (-1: none, or no cover names it)."""

    def __init__(self, arr: Arrays) -> None:
        problem = arr.problem
        names: dict[str, int] = {}
        rows = [(v, names.setdefault(c.activity, len(names)), problem.day_index(c.valid_from),
                 problem.day_index(c.valid_until))
                for v, vol in enumerate(problem.volunteers) for c in vol.insurance_covers]
        self.activities = max(len(names), 1)
        table = np.array(rows, np.int64).reshape(-1, 4)
        key = table[:, 0] * self.activities + table[:, 1]
        order = np.argsort(key, kind="stable")
        self.key, self.first, self.last = key[order], table[order, 2], table[order, 3]
        self.r_activity = np.fromiter((names.get(r.activity, -1) if r.activity is not None else -1
                                       for r in problem.requests), np.int64, arr.nr)
        self.widest = int(np.bincount(np.unique(key, return_inverse=True)[1]).max()) if len(key) else 0
        #: where each key's covers start, by direct lookup when the table is small (else by search)
        self.start: np.ndarray | None = None
        if arr.nv * self.activities <= DENSE_KEYS:
            self.start = np.searchsorted(self.key, np.arange(arr.nv * self.activities + 1))

    def span(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions [lo, hi) of the covers of each key."""
        if self.start is not None:
            return self.start[key], self.start[key + 1]
        return np.searchsorted(self.key, key, side="left"), np.searchsorted(self.key, key, side="right")


def insured_through(arr: Arrays, v: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Per pair: the last day number up to which volunteer v[i] is insured for request r[i]
    without a gap from the request's first day (-NEVER when not insured on that day): his
    `insurance_valid_until`, or the end of a cover of the request's activity holding on that day."""
    last: np.ndarray = arr.insured_until[v].copy()
    covers = arr.memo(("H7", "covers"), lambda: _Covers(arr))
    if not covers.widest or not len(v):
        return last
    act = covers.r_activity[r]
    day = arr.r_earliest[r] // 1440
    latest = (arr.r_latest_end[r] - arr.r_duration[r]) // 1440
    ask = np.nonzero((act >= 0) & (last < latest))[0]   # his own date ends too soon: look for a cover
    if not len(ask):
        return last
    day = day[ask]
    lo, hi = covers.span(v[ask] * covers.activities + act[ask])
    found = last[ask]
    for k in range(covers.widest):          # each volunteer holds few covers of one activity
        at = np.minimum(lo + k, len(covers.key) - 1)
        holds = (lo + k < hi) & (covers.first[at] <= day) & (day <= covers.last[at])
        found = np.where(holds, np.maximum(found, covers.last[at]), found)
    last[ask] = found
    return last


def _insured(p: Pairs) -> np.ndarray:
    ok: np.ndarray = ~p.arr.r_insurance[p.r]
    need = np.nonzero(~ok)[0]
    if len(need):
        ok[need] = insured_through(p.arr, p.v[need], p.r[need]) >= p.day[need]
    return ok


def _uninsured(m: Miss) -> str:
    day = m.problem.date_from + dt.timedelta(days=int(m.arr.r_earliest[m.r]) // 1440)
    return (f"no insurance cover for {m.request.activity or 'this activity'} on {day} "
            f"(insurance valid until {m.volunteer.insurance_valid_until})")


RULE = Rule("H7_INSURANCE", check_insurance, pair_tests=(
    PairTest(Reason.NO_INSURANCE.value, _insured, Reason.NO_INSURANCE.value, _uninsured, order=40),
))
