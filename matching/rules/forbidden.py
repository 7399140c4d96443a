"""H9 forbidden: a volunteer is never assigned to a request they forbid."""

from __future__ import annotations

import numpy as np

from matching.problem import Problem
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule, member
from matching.rules.facts import Violation, known, violation


def check_forbidden(problem: Problem, result: Result) -> list[Violation]:
    """H9: a volunteer is never assigned to a request they forbid."""
    return [violation("H9_FORBIDDEN", t, "the volunteer forbids this request")
            for t, v, _ in known(problem, result) if t.request in v.forbidden]


def _allowed(p: Pairs) -> np.ndarray:
    arr = p.arr
    ok = np.ones(len(p), bool)
    if not arr.forbidden:
        return ok

    def forbids() -> np.ndarray:          # per volunteer: forbids some request
        some = np.zeros(arr.nv, bool)
        some[[v for v, _ in arr.forbidden]] = True
        return some

    some = np.nonzero(arr.memo(("H9", "forbids"), forbids)[p.v])[0]
    ok[some] = ~member(arr.pair_keys("forbidden"), p.v[some] * arr.nr + p.r[some])
    return ok


def _declines(m: Miss) -> str:
    return "the volunteer declines this request"


RULE = Rule("H9_FORBIDDEN", check_forbidden, pair_tests=(
    PairTest(Reason.FORBIDDEN.value, _allowed, Reason.NO_QUALIFIED_VOLUNTEER.value, _declines, order=50),
))
