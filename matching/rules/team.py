"""H2 team: a request naming eligible teams is served by members of one of them.

The candidate search also keeps a k-d tree per (skill, eligible teams) when the teams hold few
of the skill's holders, so that the team test never starves the nearest-first search.
"""

from __future__ import annotations

import numpy as np

from matching.problem import Problem
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, violation


def check_team(problem: Problem, result: Result) -> list[Violation]:
    """H2: when the request names eligible teams, the volunteer belongs to at least one of them."""
    return [
        violation("H2_TEAM", t, f"teams {list(v.teams)} miss the eligible {list(r.eligible_teams)}")
        for t, v, r in known(problem, result)
        if r.eligible_teams and not set(v.teams) & set(r.eligible_teams)
    ]


def _in_team(p: Pairs) -> np.ndarray:
    rt = p.arr.r_teams[p.r]
    has_teams = rt.any(axis=1)
    if not has_teams.any():
        return np.ones(len(p), bool)
    ok: np.ndarray = ~has_teams | (p.arr.v_teams[p.v] & rt).any(axis=1)
    return ok


def _outsider(m: Miss) -> str:
    return f"teams {list(m.volunteer.teams)} not among eligible {list(m.request.eligible_teams)}"


RULE = Rule("H2_TEAM", check_team, pair_tests=(
    PairTest(Reason.NOT_IN_ELIGIBLE_TEAM.value, _in_team, Reason.NOT_IN_ELIGIBLE_TEAM.value, _outsider, order=30),
))
