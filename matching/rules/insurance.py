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


def insured_through(arr: Arrays, v: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Per pair: the last day number up to which volunteer v[i] is insured for request r[i]
    without a gap from the request's first day (-NEVER when not insured on that day)."""
    last: np.ndarray = arr.insured_until[v].copy()
    problem = arr.problem

    def holders() -> np.ndarray:
        some = np.zeros(arr.nv, bool)
        some[[i for i, vol in enumerate(problem.volunteers) if vol.insurance_covers]] = True
        return some

    if not len(v):
        return last
    idx = np.nonzero(arr.memo(("H7", "cover holders"), holders)[v])[0]
    for i in idx.tolist():
        vol, req = problem.volunteers[int(v[i])], problem.requests[int(r[i])]
        first = int(arr.r_earliest[r[i]]) // 1440
        day = problem.date_from + dt.timedelta(days=first)
        ends = [problem.day_index(c.valid_until) for c in vol.insurance_covers
                if c.activity == req.activity and c.valid_from <= day <= c.valid_until]
        if ends:
            last[i] = max(int(last[i]), *ends)
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
