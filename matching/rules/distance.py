"""H6 distance: a volunteer with a `max_travel_km` is not sent farther.

A distance test: the candidate search first runs it on a lower bound of the distance (the k-d
tree's chord on a sphere smaller than the ellipsoid), then on the exact figure.
"""

from __future__ import annotations

import numpy as np

from matching.problem import Problem
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, lenient_distance, pair_distance_km, violation


def check_distance(problem: Problem, result: Result) -> list[Violation]:
    """H6: distance_km(v, r) <= the volunteer's max_travel_km when they have one."""
    return [
        violation("H6_DISTANCE", t, f"{pair_distance_km(problem, v, r):.3f} km exceeds max {v.max_travel_km} km")
        for t, v, r in known(problem, result)
        if v.max_travel_km is not None and lenient_distance(problem, v, r) > v.max_travel_km
    ]


def _in_range(p: Pairs) -> np.ndarray:
    ok: np.ndarray = p.travel_km <= p.arr.max_km[p.v]
    return ok


def _too_far(m: Miss) -> str:
    return f"{m.km:.2f} km exceeds the volunteer's maximum of {m.volunteer.max_travel_km} km"


RULE = Rule("H6_DISTANCE", check_distance, pair_tests=(
    PairTest(Reason.OUT_OF_RANGE.value, _in_range, Reason.NONE_IN_RANGE.value, _too_far, order=60,
             uses_distance=True),
))
