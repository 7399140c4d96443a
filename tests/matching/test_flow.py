"""The min-cost-flow relaxation: its levels must bound every solution that keeps the hard rules."""

from __future__ import annotations

import time

from matching.arrays import build_arrays
from matching.candidates import generate
from matching.flow import solve_flow
from matching.options import Budget
from matching.parts import Part, split
from matching.partsolve import solve_part
from matching.problem import Problem
from tests.matching.helpers import build, request, volunteer


def only_part(problem: Problem) -> Part:
    arr = build_arrays(problem)
    parts = split(arr, generate(arr, 30))
    assert len(parts) == 1
    return parts[0]


def test_the_relaxation_keeps_pins_so_its_travel_bound_counts_them() -> None:
    # Vfar is pinned to R1 five km away; Vnear is 100 m from both requests and could serve either
    p = build([volunteer("Vfar", east_km=5, pinned=["R1"]), volunteer("Vnear", east_km=0.1)],
              [request("R1"), request("R2", start="14:00")])
    part = only_part(p)
    flow = solve_flow(part)
    assert flow.x[part.pinned].all()
    pinned_metres = int(part.metres[part.pinned].sum())
    assert pinned_metres > 5000
    # every solution keeping the pin travels at least the pinned trip: so must the bound
    assert flow.travel_m >= pinned_metres
    assert flow.staffing == 2 * 3      # both requests staffed at the default priority weight


def test_a_pin_does_not_cost_staffing_in_the_relaxation() -> None:
    # Vfar's pin to R1 still leaves Vnear for R2: the relaxation staffs both
    p = build([volunteer("Vfar", east_km=3, pinned=["R1"]), volunteer("Vnear")],
              [request("R1"), request("R2")])
    part = only_part(p)
    flow = solve_flow(part)
    assert flow.x[part.pinned].all()
    assert int(flow.x.sum()) == 2


def test_a_part_whose_flow_answer_half_staffs_a_request_is_not_taken_as_solved() -> None:
    # three helpers wanted, all or nothing, two exist: the flow sends both (a relaxation may),
    # the repair sends nobody, and the part's levels must describe what is sent, even when no
    # time is left for any search (a deadline already past, not a wait)
    p = build([volunteer("V1"), volunteer("V2", east_km=1)], [request("R1", needs=(("helper", 3, 1),))])
    part = only_part(p)
    assert solve_flow(part).staffing == 2 * 3
    solved = solve_part(part, Budget(time.time() - 1.0), 0, 1)
    assert not solved.x.any()
    assert solved.levels["staffing"].value == 0
    staffing = solved.levels["staffing"]
    assert not staffing.proven or staffing.bound == 0      # proven only where the bound says 0
