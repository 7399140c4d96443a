"""The engine's optimum equals a brute-force optimum on random tiny problems.

`tests.matching.reference` enumerates every assignment set of a tiny fixed-time problem (at most
4 volunteers x 3 requests) under the hard rules and ranks them by the contract's lexicographic
objective, without any engine code. The engine must prove optimality and reach the same four
numbers; where no assignment set satisfies the rules (a pin that cannot be kept), it must say
INFEASIBLE.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings

from matching.jsonio import load_problem
from matching.result import Result, Status
from matching.validate import validate
from tests.matching.helpers import build, request, volunteer
from tests.matching.reference import reference_optimum
from tests.matching.strategies import problems


def engine(problem: Any) -> Result:
    from matching import SolveOptions, solve

    return solve(problem, SolveOptions(time_limit=10, workers=1, seed=11))


def test_reference_prefers_staffing_then_travel_then_balance_then_cohesion() -> None:
    # The reference itself on a case worked by hand: two helper requests at the same time and
    # place cannot share a volunteer (H4); A, B and C live 1, 2 and 3 km away. Staffing both
    # (2 x priority 3) beats staffing one; then A + B is the least travel, one task each.
    p = build([volunteer("A", east_km=1), volunteer("B", east_km=2), volunteer("C", east_km=3)],
              [request("R1"), request("R2")])
    best = reference_optimum(p)
    assert best.objective is not None
    assert best.objective.staffing == 6 and best.objective.workload == 2
    assert {a.volunteer for a in best.assignments} == {"A", "B"}
    assert validate(p, Result(Status.OPTIMAL, best.objective, assignments=best.assignments,
                              open=())) == []


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=4, max_requests=3, fixed_only=True))
def test_engine_matches_the_brute_force_optimum(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    best = reference_optimum(problem)
    result = engine(problem)
    event(f"reference searched {'>10' if best.leaves > 10 else '<=10'} assignment sets")
    event(f"optimum staffs {len(best.assignments)}")
    if best.objective is None:
        assert result.status == Status.INFEASIBLE
        return
    assert result.status == Status.OPTIMAL, result.message
    assert validate(problem, result) == []
    assert result.objective == best.objective


# Most volunteers qualify for most requests: the four objective levels, the limits (H5) and
# one-place-at-a-time (H4) decide who goes where.
@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=4, max_requests=3, fixed_only=True, dense=True))
def test_engine_matches_the_brute_force_optimum_on_dense_problems(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    best = reference_optimum(problem)
    result = engine(problem)
    event(f"reference searched {'>10' if best.leaves > 10 else '<=10'} assignment sets")
    event(f"optimum staffs {len(best.assignments)}")
    if best.objective is None:
        assert result.status == Status.INFEASIBLE
        return
    assert result.status == Status.OPTIMAL, result.message
    assert validate(problem, result) == []
    assert result.objective == best.objective


# Flexible windows: the reference only tries starts on a 30-minute grid, so the engine, free to
# pick any minute, must be at least as good (and must still prove its own optimum).
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=4, max_requests=3, dense=True))
def test_engine_is_at_least_as_good_as_the_grid_optimum_with_flexible_windows(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    best = reference_optimum(problem, step=30)
    result = engine(problem)
    event(f"flexible requests {sum(not r.time.fixed for r in problem.requests)}")
    assert best.objective is not None                 # dense problems have no pins
    assert result.status == Status.OPTIMAL, result.message
    assert validate(problem, result) == []
    assert result.objective.key() <= best.objective.key()
    event("engine strictly better than the grid" if result.objective.key() < best.objective.key()
          else "engine equals the grid optimum")
