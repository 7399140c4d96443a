"""The engine's optimum equals an independent optimum: brute force on tiny problems, an exact
CP-SAT model of the README on mid-sized ones, and hand-worked answers where one level decides.

`tests.matching.reference` enumerates every assignment set of a tiny fixed-time problem (at most
4 volunteers x 3 requests) under the hard rules and ranks them by the contract's lexicographic
objective, without any engine code. The engine must prove optimality and reach the same four
numbers; where no assignment set satisfies the rules (a pin that cannot be kept), it must say
INFEASIBLE.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings

from matching import solve
from matching.jsonio import load_problem
from matching.result import Result, Status
from matching.validate import pair_distance_km, validate
from tests.matching.helpers import build, pairs, proving, request, volunteer
from tests.matching.milp_reference import milp_optimum
from tests.matching.reference import reference_optimum
from tests.matching.strategies import problems


def engine(problem: Any) -> Result:
    return solve(problem, proving(10, seed=11))


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


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
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
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
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


# ----------------------------------------------------------------------------- hand-worked optima
# One level of the objective decides each case; distances come from overrides so that the lower
# levels tie exactly. The engine and the reference must both find the hand-worked answer.

def _both(p: Any) -> tuple[Result, Any]:
    result, best = engine(p), reference_optimum(p)
    assert result.status == Status.OPTIMAL and validate(p, result) == []
    assert result.objective == best.objective
    return result, best


def _km(*pairs: tuple[str, str, float]) -> dict[str, Any]:
    return {"overrides": [{"volunteer": v, "request": r, "distance_km": d} for v, r, d in pairs]}


@pytest.mark.parametrize("weights, winner", [(None, "HIGH"), ({"1": 10, "5": 1}, "LOW")])
def test_staffing_follows_priority_weights_before_travel(weights: dict[str, int] | None, winner: str) -> None:
    # One volunteer, two requests at the same time: the heavier one wins although it is farther.
    settings = _km(("V", "HIGH", 9.0), ("V", "LOW", 1.0))
    if weights:
        settings["priority_weights"] = weights
    p = build([volunteer("V")], [request("HIGH", priority=5), request("LOW", priority=1)], settings=settings)
    result, _ = _both(p)
    assert pairs(result) == {("V", winner)}


def test_staffing_beats_travel() -> None:
    # Staffing the far request as well beats leaving it open to save kilometres.
    p = build([volunteer("V"), volunteer("W")], [request("NEAR"), request("FAR", start="14:00")],
              settings=_km(("V", "NEAR", 1.0), ("W", "NEAR", 1.0), ("V", "FAR", 30.0), ("W", "FAR", 30.0)))
    result, _ = _both(p)
    assert {r for _, r in pairs(result)} == {"NEAR", "FAR"}
    assert result.objective.travel_m == 31000


def test_workload_balance_splits_equal_travel() -> None:
    # Equal kilometres either way: one task each (1 + 1) beats both to one person (4).
    p = build([volunteer("V"), volunteer("W")], [request("A"), request("B", start="14:00")],
              settings=_km(("V", "A", 2.0), ("W", "A", 2.0), ("V", "B", 2.0), ("W", "B", 2.0)))
    result, _ = _both(p)
    assert result.objective.workload == 2
    assert {v for v, _ in pairs(result)} == {"V", "W"}


def test_cohesion_prefers_teammates_when_everything_else_ties() -> None:
    # Two slots, three equally distant people: the two who share team T1 go together.
    p = build([volunteer("A", teams=["T1"]), volunteer("B", teams=["T2", "T1"]),
               volunteer("C", teams=["T3"])],
              [request("R", needs=[("helper", 2, 1)])],
              settings=_km(("A", "R", 3.0), ("B", "R", 3.0), ("C", "R", 3.0)))
    result, _ = _both(p)
    assert pairs(result) == {("A", "R"), ("B", "R")}
    assert result.objective.cohesion == 1


def test_every_request_staffed_when_there_are_as_many_free_volunteers_as_requests() -> None:
    # 14 one-helper requests at the same time and place, 14 helpers 0.5 .. 4.4 km away; each can
    # serve one request (H4). The optimum staffs all 14 (staffing 14 x 3) with every helper used
    # once, so travel is the sum of all 14 distances. Keeping only the nearest few candidates per
    # slot would leave requests open while claiming an optimum.
    n = 14
    p = build([volunteer(f"V{i}", east_km=0.5 + 0.3 * i) for i in range(n)],
              [request(f"R{j}") for j in range(n)])
    result = engine(p)
    assert validate(p, result) == []
    staffed = f"{len(result.assignments)} of {n} staffed, status {result.status.value}"
    assert result.objective.staffing == 3 * n, staffed
    assert result.status == Status.OPTIMAL
    every_helper_once = sum(round(pair_distance_km(p, v, p.requests[0]) * 1000) for v in p.volunteers)
    assert result.objective.travel_m == every_helper_once


# ----------------------------------------------------------------------------- exact model, mid-sized
# `tests.matching.milp_reference` is a second, independent reference: one CP-SAT model of the
# README with every pair the rules allow (no pruning, no decomposition), levels solved in turn.
# It must agree with the enumeration on tiny problems, and the engine with it on bigger ones.

@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=4, max_requests=3, fixed_only=True))
def test_the_two_references_agree_on_tiny_problems(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    assert milp_optimum(problem) == reference_optimum(problem).objective


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=16, max_requests=8, fixed_only=True, dense=True))
def test_engine_matches_the_exact_model_on_mid_sized_problems(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    optimum = milp_optimum(problem)
    result = engine(problem)
    event(f"optimum staffs {'0' if optimum is None or not optimum.staffing else '>0'}")
    if optimum is None:
        assert result.status == Status.INFEASIBLE
        return
    assert result.status == Status.OPTIMAL, result.message
    assert validate(problem, result) == []
    assert result.objective == optimum


def crowded(seed: int) -> Any:
    """15-30 volunteers and 8-16 requests at (nearly) the same time around one town centre, so that
    requests compete for the same nearest people and any per-slot pruning is put to the test."""
    rnd = random.Random(seed)
    kinds = ["helper", "doctor"]
    vols = [volunteer(f"V{i}", east_km=rnd.uniform(-6, 6), north_km=rnd.uniform(-6, 6),
                      skills={s: rnd.randint(1, 3) for s in rnd.sample(kinds, rnd.randint(1, 2))})
            for i in range(rnd.randint(15, 30))]
    reqs = [request(f"R{j}", east_km=rnd.uniform(-3, 3), north_km=rnd.uniform(-3, 3),
                    start=rnd.choice(["09:00", "09:30"]), needs=[(rnd.choice(kinds), rnd.randint(1, 3), 1)],
                    allow_partial=rnd.random() < 0.5)
            for j in range(rnd.randint(8, 16))]
    return build(vols, reqs, skills=kinds)


@pytest.mark.parametrize("seed", range(6))
def test_engine_matches_the_exact_model_when_requests_compete_for_the_nearest(seed: int) -> None:
    problem = crowded(seed)
    result = engine(problem)
    assert result.status == Status.OPTIMAL, result.message
    assert validate(problem, result) == []
    assert result.objective == milp_optimum(problem)
