"""Property: every result the engine returns on a random small problem passes the independent checker.

Problems come from `tests.matching.strategies.problems` (2-6 volunteers, 1-5 requests, every
feature of the format drawn at random, dates within two days). Derandomised so CI sees the same
examples on every run; the checker also recounts the objective, so a wrong report fails too,
and the result read back from its JSON form must check just as clean. A second property plants a
known fault in real engine output and requires the checker to report it under its code.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from matching import solve
from matching.jsonio import load_problem, load_result, result_to_json
from matching.problem import Problem
from matching.result import Result, Status
from matching.validate import validate
from tests.matching.helpers import proving
from tests.matching.strategies import problems


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_engine_result_on_a_random_problem_is_valid(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    result = solve(problem, proving(5, seed=3))
    event(f"status {result.status.value}")
    event(f"assignments {min(len(result.assignments), 5)}{'+' if len(result.assignments) >= 5 else ''}")
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.INFEASIBLE), result.message
    assert validate(problem, result) == []
    if result.status == Status.INFEASIBLE:
        assert result.assignments == ()
    # What a caller stores is the result JSON: read back, it must check just as clean.
    assert validate(problem, load_result(result_to_json(result))) == []


def _broken(problem: Problem, result: Result, how: str) -> tuple[Result, str] | None:
    """A valid engine result broken in one known way, with the code the checker must report
    (None when this result offers nothing to break that way)."""
    first, rest = result.assignments[0], result.assignments[1:]
    if how == "same person twice":
        return replace(result, assignments=(first, first, *rest)), "H10_STAFFING"
    if how == "skill not asked for":
        return replace(result, assignments=(replace(first, skill="no-such-skill"), *rest)), "H1_SKILL"
    if how == "fixed start moved":
        fixed = {r.id for r in problem.requests if r.time.fixed}
        target = next((a for a in result.assignments if a.request in fixed), None)
        if target is None:
            return None
        late = replace(target, start=problem.iso(problem.minute(target.start) + 1),
                       end=problem.iso(problem.minute(target.end) + 1))
        moved = tuple(late if a is target else a for a in result.assignments)
        return replace(result, assignments=moved), "WINDOW"
    objective = replace(result.objective, travel_m=result.objective.travel_m + 1)
    return replace(result, objective=objective), "OBJECTIVE_MISMATCH"


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(dense=True), st.sampled_from(["same person twice", "skill not asked for", "fixed start moved",
                                              "travel misreported"]))
def test_the_checker_catches_a_broken_engine_result(doc: dict[str, Any], how: str) -> None:
    # The property above is only as strong as the checker: on real engine output, a planted
    # fault of each kind must be reported under its own code.
    problem = load_problem(doc)
    result = solve(problem, proving(5, seed=3))
    assume(result.assignments)
    broken = _broken(problem, result, how)
    assume(broken is not None)
    assert broken is not None                      # narrowed for the type checker
    mutated, code = broken
    assert code in {v.rule for v in validate(problem, mutated)}
