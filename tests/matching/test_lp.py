"""The LP relaxation (`matching.lp`): a travel bound that every feasible solution respects, and
that sees time clashes and shared start times the flow relaxation cannot."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings

from matching import Status, solve, validate
from matching.arrays import build_arrays
from matching.candidates import generate
from matching.flow import solve_flow
from matching.jsonio import load_problem
from matching.lp import staffing_bound, travel_bound
from matching.parts import Part, split
from tests.matching.helpers import WALL_GUARD, at, build, proving, request, volunteer
from tests.matching.strategies import problems


def parts_of(problem: Any) -> list[Part]:
    arr = build_arrays(problem)
    return split(arr, generate(arr, 30))


def chosen_rows(problem: Any, part: Part, result: Any) -> Any:
    """The part's candidate rows used by a result (volunteer, request and skill slot)."""
    vol_ids = [problem.volunteers[int(v)].id for v in part.vol]
    req_ids = [problem.requests[int(r)].id for r in part.req]
    slot_skill = {(i, k): need.skill for i, r in enumerate(part.req)
                  for k, need in enumerate(problem.requests[int(r)].skills)}
    used = {(a.volunteer, a.request, a.skill) for a in result.assignments}
    return np.fromiter(((vol_ids[v], req_ids[r], slot_skill[r, k]) in used
                        for v, r, k in zip(part.rv.tolist(), part.rr.tolist(), part.rk.tolist())), bool, part.size)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=6, max_requests=5))
def test_no_feasible_solution_travels_less_than_the_bound(doc: dict[str, Any]) -> None:
    problem = load_problem(doc)
    result = solve(problem, proving(5, seed=3))
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return
    assert validate(problem, result) == []
    for part in parts_of(problem):
        x = chosen_rows(problem, part, result)
        staffing = int(part.weight[part.rr[x]].sum())
        bound = travel_bound(part, staffing, WALL_GUARD, include=x)
        assert bound is not None
        assert bound.value <= int(part.metres[x].sum())


def test_one_volunteer_cannot_serve_two_requests_at_the_same_hour_in_the_bound() -> None:
    # A (1 km) and B (2 km) live near two requests at 09:00; the flow lets A serve both
    p = build([volunteer("A", east_km=1), volunteer("B", east_km=2)], [request("R1"), request("R2")])
    (part,) = parts_of(p)
    flow = solve_flow(part)
    bound = travel_bound(part, flow.staffing, WALL_GUARD)
    assert bound is not None
    a, b = (int(part.metres[(part.rv == v)].min()) for v in range(2))
    assert flow.travel_m == 2 * min(a, b)
    assert bound.value == a + b


def test_everyone_on_a_flexible_request_shares_one_start_in_the_bound() -> None:
    # R needs two helpers for an hour between 09:00 and 12:00; Early is free 09:00-10:00 only and
    # Late 11:00-12:00 only, so they cannot both serve it: the far volunteer must be one of two
    window = {"earliest_start": at("09:00"), "latest_end": at("12:00"), "duration": 60}
    p = build([volunteer("Early", east_km=1, availability={"dated": [{"start": at("08:00"), "end": at("10:00")}]}),
               volunteer("Late", east_km=1.2, availability={"dated": [{"start": at("10:30"), "end": at("12:30")}]}),
               volunteer("Far", east_km=8)],
              [request("R", needs=(("helper", 2, 1),), time=window)])
    (part,) = parts_of(p)
    flow = solve_flow(part)
    bound = travel_bound(part, flow.staffing, WALL_GUARD)
    assert bound is not None
    metres = {p.volunteers[int(part.vol[v])].id: int(part.metres[part.rv == v][0]) for v in range(part.nv)}
    assert flow.travel_m == metres["Early"] + metres["Late"]
    assert bound.value == metres["Far"] + metres["Early"]


def test_a_request_that_cannot_be_fully_staffed_adds_nothing_to_the_staffing_bound() -> None:
    # R1 needs a doctor and a helper, all or nothing, and no doctor exists: the flow still counts
    # the helper's slot, the LP's all-or-nothing variable does not; R2 (one helper) is staffable
    p = build([volunteer("H1"), volunteer("H2", east_km=1)],
              [request("R1", needs=(("doctor", 1, 1), ("helper", 1, 1))),
               request("R2", start="14:00")], skills=["doctor", "helper"])
    (part,) = parts_of(p)
    flow = solve_flow(part)
    bound = staffing_bound(part, WALL_GUARD)
    assert bound is not None
    assert flow.staffing == 2 * 3
    assert bound.value == 3


def test_a_pinned_volunteer_who_could_fill_two_slots_fills_one_in_the_bound() -> None:
    # V0 holds both skills R0 asks for and is pinned to it: the pin asks for one of V0's two rows,
    # not both (which once-per-request forbids), so the bound exists and V1 takes the other slot
    p = build([volunteer("V0", skills={"helper": 3, "doctor": 3}, pinned=["R0"]),
               volunteer("V1", skills={"helper": 3, "doctor": 3}, east_km=1)],
              [request("R0", needs=(("helper", 1, 1), ("doctor", 1, 1)))])
    (part,) = parts_of(p)
    bound = travel_bound(part, 2 * 3, WALL_GUARD)                       # both slots staffed
    assert bound is not None
    assert bound.value == int(part.metres[part.rv == 1].min())         # V0 travels 0 m, V1 1.3 km
    assert staffing_bound(part, WALL_GUARD) is not None
