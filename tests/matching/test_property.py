"""Property: every result the engine returns on a random small problem passes the independent checker.

Problems come from `tests.matching.strategies.problems` (2-6 volunteers, 1-5 requests, every
feature of the format drawn at random, dates within two days). Derandomised so CI sees the same
examples on every run; the checker also recounts the objective, so a wrong report fails too,
and the result read back from its JSON form must check just as clean.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings

from matching.jsonio import load_problem, load_result, result_to_json
from matching.result import Status
from matching.validate import validate
from tests.matching.strategies import problems


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_engine_result_on_a_random_problem_is_valid(doc: dict[str, Any]) -> None:
    from matching import SolveOptions, solve

    problem = load_problem(doc)
    result = solve(problem, SolveOptions(time_limit=5, workers=1, seed=3))
    event(f"status {result.status.value}")
    event(f"assignments {min(len(result.assignments), 5)}{'+' if len(result.assignments) >= 5 else ''}")
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.INFEASIBLE), result.message
    assert validate(problem, result) == []
    if result.status == Status.INFEASIBLE:
        assert result.assignments == ()
    # What a caller stores is the result JSON: read back, it must check just as clean.
    assert validate(problem, load_result(result_to_json(result))) == []
