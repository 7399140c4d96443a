"""H10 staffing: slots filled at most their count, all or nothing unless partial staffing is
allowed, and a volunteer on a request at most once.

No pair test: the flow's slot capacities, the repair, the LP and the CP-SAT model keep it.
"""

from __future__ import annotations

from collections import defaultdict

from matching.problem import Problem
from matching.result import Result
from matching.rules.base import Rule
from matching.rules.facts import Violation, known


def check_staffing(problem: Problem, result: Result) -> list[Violation]:
    """H10: each skill slot is filled at most `count` times, a request that does not allow partial
    staffing is fully staffed or empty, and a volunteer serves a request at most once."""
    filled: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for t, _, _ in known(problem, result):
        filled[t.request, t.skill] += 1
        seen[t.volunteer, t.request] += 1
    out = [Violation("H10_STAFFING", f"{vid} on {rid}: assigned {n} times", vid, rid)
           for (vid, rid), n in seen.items() if n > 1]
    for r in problem.requests:
        total = 0
        for need in r.skills:
            got = filled[r.id, need.skill]
            total += got
            if got > need.count:
                out.append(Violation("H10_STAFFING", f"{r.id}: {need.skill} filled {got} times, "
                                                     f"count is {need.count}", None, r.id))
        full = all(filled[r.id, n.skill] >= n.count for n in r.skills)
        if not r.allow_partial and total and not full:
            out.append(Violation("H10_STAFFING", f"{r.id}: partly staffed ({total} of {r.headcount}) "
                                                 "but partial staffing is not allowed", None, r.id))
    return out


RULE = Rule("H10_STAFFING", check_staffing,
            model=("matching.cpsat._Model.skill_slots", "matching.cpsat._Model.once_per_request",
                   "matching.flow.solve_flow", "matching.feasibility.repair"))
