"""H7 insurance: a request that requires insurance is served by someone insured on the day.

In a flexible window the insurance also bounds the start day (`matching.rules.availability`
cuts the start pieces at the last insured day).
"""

from __future__ import annotations

import numpy as np

from matching.problem import Problem
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, service_date, violation


def check_insurance(problem: Problem, result: Result) -> list[Violation]:
    """H7: where the request requires insurance, insurance_valid_until >= the service date."""
    out = []
    for t, v, r in known(problem, result):
        day = service_date(problem, t)
        if r.requires_insurance and (v.insurance_valid_until is None or v.insurance_valid_until < day):
            out.append(violation("H7_INSURANCE", t,
                                 f"insurance valid until {v.insurance_valid_until}, service on {day}"))
    return out


def _insured(p: Pairs) -> np.ndarray:
    ok: np.ndarray = ~p.arr.r_insurance[p.r] | (p.arr.insured_until[p.v] >= p.day)
    return ok


def _uninsured(m: Miss) -> str:
    return f"insurance valid until {m.volunteer.insurance_valid_until}"


RULE = Rule("H7_INSURANCE", check_insurance, pair_tests=(
    PairTest(Reason.NO_INSURANCE.value, _insured, Reason.NO_INSURANCE.value, _uninsured, order=40),
))
