"""H8 pinned: every pinned request of a volunteer is assigned to that volunteer.

The candidate generator always adds pinned pairs; a pinned pair that fails a pair test is a pin
conflict, and the problem is reported INFEASIBLE. The flow's pin bonus, the repair and the
CP-SAT model keep the rest.
"""

from __future__ import annotations

from matching.problem import Problem
from matching.result import Result
from matching.rules.base import Rule
from matching.rules.facts import Violation, status_of, tasks


def check_pinned(problem: Problem, result: Result) -> list[Violation]:
    """H8: every pinned request of a volunteer is assigned to that volunteer (unless the result
    reports the problem INFEASIBLE)."""
    if status_of(result) == "INFEASIBLE":
        return []
    done = {(t.volunteer, t.request) for t in tasks(problem, result)}
    return [
        Violation("H8_PINNED", f"{v.id} on {rid}: pinned but not assigned", v.id, rid)
        for v in problem.volunteers for rid in v.pinned if (v.id, rid) not in done
    ]


RULE = Rule("H8_PINNED", check_pinned,
            model=("matching.candidates.generate", "matching.cpsat._Model.pins", "matching.flow.solve_flow"))
