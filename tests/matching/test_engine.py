"""Engine behaviour on small problems whose answer can be seen by hand.

Every result is also passed through the independent checker (`validate`), so a test of the
objective never hides a broken rule.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from typing import Any

import pytest
from ortools.sat.python import cp_model

from examples.problems.generate import generate
from matching import Problem, Progress, Result, SolveOptions, Status, load_problem, result_to_json, solve, validate
from matching.engine import WALL_CUT
from matching.partsolve import FULL_MODEL_ROWS
from tests.matching.helpers import WALL_GUARD, at, build, proving, request, volunteer

OPTS = proving(5)


def run(problem: Problem, options: SolveOptions = OPTS) -> Result:
    result = solve(problem, options)
    assert validate(problem, result) == []
    return result


def pairs(result: Result) -> set[tuple[str, str]]:
    return {(a.volunteer, a.request) for a in result.assignments}


def open_reason(result: Result, rid: str) -> str:
    return next(o.reason for o in result.open if o.request == rid)


def test_higher_priority_wins_the_only_volunteer() -> None:
    p = build([volunteer("V1")], [request("Rlow", priority=2), request("Rhigh", priority=5, east_km=3)])
    result = run(p)
    assert pairs(result) == {("V1", "Rhigh")}
    assert result.status == Status.OPTIMAL
    assert open_reason(result, "Rlow") == "OUTRANKED_BY_HIGHER_PRIORITY"
    miss = result.open[0].near_miss
    assert miss is not None and miss.volunteer == "V1" and "Rhigh" in miss.detail


def test_the_nearest_qualified_volunteer_is_chosen_and_the_runner_up_was_farther() -> None:
    p = build([volunteer("Vfar", east_km=3), volunteer("Vnear", east_km=1), volunteer("Vlow", east_km=0.2)],
              [request("R1", needs=[("helper", 1, 1)])], )
    result = run(p)
    (a,) = result.assignments
    assert a.volunteer == "Vlow"   # all qualify at level 1: the nearest wins
    assert a.explanation is not None and a.explanation.runner_up is not None
    assert (a.explanation.runner_up.volunteer, a.explanation.runner_up.reason) == ("Vnear", "FARTHER")
    p2 = build([volunteer("Vfar", east_km=3), volunteer("Vnear", east_km=1)],
               [request("R1", needs=[("helper", 1, 1)])])
    assert pairs(run(p2)) == {("Vnear", "R1")}


def test_a_flexible_window_gets_a_start_inside_window_and_availability() -> None:
    busy_morning = {"dated": [{"start": at("13:00"), "end": at("15:00")}]}
    p = build([volunteer("V1", availability=busy_morning)],
              [request("R1", duration=60, time={"earliest_start": at("09:00"), "latest_end": at("18:00"),
                                                "duration": 60})])
    result = run(p)
    (a,) = result.assignments
    start = p.minute(a.start)
    assert 13 * 60 + a.travel_minutes <= start <= 14 * 60
    assert p.minute(a.end) - start == 60


def test_one_volunteer_cannot_be_in_two_places_at_once() -> None:
    clash = build([volunteer("V1")], [request("R1", start="09:00"), request("R2", start="09:30", east_km=1)])
    assert len(run(clash).assignments) == 1
    apart = build([volunteer("V1")], [request("R1", start="09:00"), request("R2", start="13:00", east_km=1)])
    assert pairs(run(apart)) == {("V1", "R1"), ("V1", "R2")}


def test_travel_between_sites_counts_for_one_place_at_a_time() -> None:
    # R1 ends 10:00; R2 starts 10:10 but lies 10 km away (13 km with detour, 32 min at 25 km/h)
    p = build([volunteer("V1")], [request("R1", start="09:00", priority=4),
                                   request("R2", start="10:10", east_km=10)])
    assert pairs(run(p)) == {("V1", "R1")}


def test_a_request_is_fully_staffed_or_left_open() -> None:
    needs = [("helper", 2, 1)]
    p = build([volunteer("V1")], [request("R1", needs=needs)])
    result = run(p)
    assert result.assignments == ()
    assert open_reason(result, "R1") == "NOT_ENOUGH_FOR_FULL_STAFFING"
    partial = build([volunteer("V1")], [request("R1", needs=needs, allow_partial=True)])
    result = run(partial)
    assert pairs(result) == {("V1", "R1")}
    assert [(m.skill, m.count) for m in result.open[0].missing] == [("helper", 1)]


def test_an_empty_problem_is_a_normal_optimal_result() -> None:
    result = run(build([], []))
    assert result.status == Status.OPTIMAL and result.assignments == () and result.open == ()


def test_requests_nobody_can_serve_are_open_with_the_reason_and_the_near_miss() -> None:
    vols = [volunteer("Vdoc", skills={"doctor": 1}, east_km=1, teams=["T1"], max_travel_km=2.0,
                      insurance_valid_until="2026-01-01"),
            volunteer("Vfar", skills={"doctor": 3}, east_km=30, teams=["T2"])]
    reqs = [request("Rlevel", needs=[("doctor", 1, 4)]),
            request("Rteam", needs=[("doctor", 1, 1)], eligible_teams=["T3"]),
            request("Rrange", needs=[("doctor", 1, 1)], eligible_teams=["T1"], north_km=5),
            request("Rinsure", needs=[("doctor", 1, 1)], eligible_teams=["T1"], requires_insurance=True),
            request("Rnobody", needs=[("pilot", 1, 1)])]
    result = run(build(vols, reqs, skills=["pilot"], teams=["T3"]))
    assert result.assignments == ()
    assert {o.request: o.reason for o in result.open} == {
        "Rlevel": "NO_QUALIFIED_VOLUNTEER", "Rteam": "NOT_IN_ELIGIBLE_TEAM", "Rrange": "NONE_IN_RANGE",
        "Rinsure": "NO_INSURANCE", "Rnobody": "NO_QUALIFIED_VOLUNTEER"}
    near = {o.request: o.near_miss for o in result.open}
    assert near["Rrange"] is not None and near["Rrange"].volunteer == "Vdoc"
    assert "exceeds the volunteer's maximum of 2.0 km" in near["Rrange"].detail
    assert near["Rnobody"] is None


def test_nobody_available_is_reported() -> None:
    evening = {"dated": [{"start": at("18:00"), "end": at("21:00")}]}
    result = run(build([volunteer("V1", availability=evening)], [request("R1", start="09:00")]))
    assert open_reason(result, "R1") == "NONE_AVAILABLE"


def test_a_pin_that_breaks_a_rule_makes_the_problem_infeasible() -> None:
    p = build([volunteer("V1", pinned=["R1"], teams=["T1"]), volunteer("V2", teams=["T2"])],
              [request("R1", eligible_teams=["T2"])])
    result = solve(p, OPTS)
    assert result.status == Status.INFEASIBLE
    assert "V1 is pinned to R1" in result.message
    assert [o.request for o in result.open] == ["R1"]


def test_a_pin_is_kept_even_when_someone_nearer_could_serve() -> None:
    p = build([volunteer("Vfar", east_km=5, pinned=["R1"]), volunteer("Vnear", east_km=0.1)], [request("R1")])
    assert pairs(run(p)) == {("Vfar", "R1")}


def test_contributions_add_up_to_the_objective() -> None:
    vols = [volunteer(f"V{i}", east_km=i * 0.7, teams=["T1"] if i % 2 else ["T2"],
                      skills={"helper": 1, "doctor": 2}) for i in range(8)]
    reqs = [request("R1", needs=[("helper", 2, 1), ("doctor", 1, 1)]),
            request("R2", needs=[("helper", 1, 1)], start="14:00", north_km=2),
            request("R3", needs=[("doctor", 2, 1)], start="14:00", north_km=-1, priority=4)]
    result = run(build(vols, reqs))
    total: dict[str, int] = {"staffing": 0, "travel_m": 0, "workload": 0, "cohesion": 0}
    for a in result.assignments:
        assert a.explanation is not None
        for k, v in a.explanation.contributions.items():
            total[k] += v
    o = result.objective
    assert (total["staffing"], total["travel_m"], total["workload"], total["cohesion"]) == \
        (o.staffing, o.travel_m, o.workload, 2 * o.cohesion)


def test_the_candidate_cap_never_hides_a_staffable_request() -> None:
    # 9 identical requests and 9 helpers, keeping only 2 candidates per slot: the engine must
    # widen until everyone is placed, and only then claim optimality
    p = build([volunteer(f"V{i}", east_km=0.5 + 0.3 * i) for i in range(9)], [request(f"R{j}") for j in range(9)])
    result = run(p, proving(10, seed=1, candidates_per_slot=2))
    assert len(result.assignments) == 9
    assert result.status == Status.OPTIMAL


def _strip(result: Result) -> dict[str, Any]:
    doc = result_to_json(result)
    doc.pop("timings")
    return doc


def test_same_problem_seed_and_deterministic_budget_give_the_same_result() -> None:
    # searches stop on deterministic time, not on the clock: proven or not, both runs stop at the
    # same point and agree on everything but the timings
    p = load_problem(generate(300, 60, 1, seed=5))
    opts = proving(3, seed=11)
    first, second = solve(p, opts), solve(p, opts)
    assert validate(p, first) == []
    assert _strip(first) == _strip(second)


def test_staffing_people_counts_heads_and_staffing_requests_counts_requests() -> None:
    # 4 helpers at the base; at 9:00 one request of 4 heads beside them or three requests of 1
    # a little farther; at 14:00 one more request of 1. Priority 3 (weight 3) everywhere.
    vols = [volunteer(f"V{i}", east_km=0.1 * i) for i in range(4)]
    reqs = [request("BIG", needs=(("helper", 4, 1),), east_km=0.5)]
    reqs += [request(f"S{j}", east_km=1.0 + 0.1 * j) for j in range(3)]
    reqs.append(request("S3", start="14:00", east_km=1.3))
    # people: BIG's 4 heads and S3 (5 people) beat the three small ones and S3 (4 people)
    people = run(build(vols, reqs))
    assert {r for _, r in pairs(people)} == {"BIG", "S3"}
    assert people.objective.staffing == 5 * 3
    # requests: four requests served beat two; a request adds weight x lcm(4, 1) when staffed
    requests = run(build(vols, reqs, settings={"staffing": "requests"}))
    assert {r for _, r in pairs(requests)} == {"S0", "S1", "S2", "S3"}
    assert requests.status == Status.OPTIMAL
    assert requests.objective.staffing == 4 * 3 * 4
    # BIG lost to requests of the same priority: not "outranked by a higher priority"
    assert open_reason(requests, "BIG") != "OUTRANKED_BY_HIGHER_PRIORITY"


def _burn(seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end:
        pass


def test_a_solve_repeats_exactly_while_another_process_burns_the_cpu() -> None:
    # a part large enough for the LP and the neighbourhood search: every phase sizes its work by
    # deterministic time (CP-SAT's, the LP's iterations), so a loaded machine changes nothing
    p = load_problem(generate(2500, 500, 1, seed=5))
    opts = proving(2.0, seed=3)  # enough for the LP to be tried on the large part
    quiet = solve(p, opts)
    burner = mp.get_context("spawn").Process(target=_burn, args=(120,), daemon=True)
    burner.start()
    try:
        loaded = solve(p, opts)
    finally:
        burner.terminate()
        burner.join()
    assert quiet.parts["largest"] > FULL_MODEL_ROWS, "the instance must reach the large-part path"
    assert validate(p, quiet) == []
    assert _strip(quiet) == _strip(loaded)
    assert WALL_CUT not in quiet.message


def test_a_search_cut_by_the_wall_clock_says_so() -> None:
    # a deterministic budget far beyond the clock: the clock ends the search, and the result
    # says it may differ on rerun
    p = load_problem(generate(1000, 200, 1, seed=1))
    result = solve(p, SolveOptions(time_limit=0.5, workers=1, deterministic_time=100))
    assert validate(p, result) == []
    assert WALL_CUT in result.message


def test_the_time_limit_bounds_every_search_and_the_best_solution_so_far_comes_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # no search is given more than the limit (wall, or deterministic with one worker), read from
    # the solver's own parameters rather than from a clock
    given: list[tuple[float, float]] = []

    class Recording(cp_model.CpSolver):
        def solve(self, model: cp_model.CpModel, *args: Any, **kwargs: Any) -> Any:
            given.append((self.parameters.max_time_in_seconds, self.parameters.max_deterministic_time))
            return super().solve(model, *args, **kwargs)

    monkeypatch.setattr(cp_model, "CpSolver", Recording)
    p = load_problem(generate(1000, 200, 1, seed=1))
    result = solve(p, SolveOptions(time_limit=2, workers=1, seed=1))
    assert validate(p, result) == []
    assert result.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert len(result.assignments) > 0
    assert given, "the instance needs a search"
    assert max(wall for wall, _ in given) <= 2
    assert max(det for _, det in given) <= 2
    if result.status == Status.FEASIBLE:
        assert result.gap is None or result.gap > 0


@pytest.mark.parametrize("workers", [2])
def test_a_process_pool_finds_the_same_objective(workers: int) -> None:
    vols = [volunteer(f"V{i}", east_km=40 * (i % 3) + 0.3 * i, max_travel_km=10) for i in range(12)]
    reqs = [request(f"R{j}", east_km=40 * (j % 3), needs=[("helper", 2, 1)]) for j in range(6)]
    p = build(vols, reqs)
    single = run(p)
    pooled = run(p, SolveOptions(time_limit=WALL_GUARD, workers=workers, seed=7, deterministic_time=5))
    assert single.parts["count"] == 3
    assert pooled.objective == single.objective


def test_requests_with_different_numbers_of_skills_share_a_part() -> None:
    """A three-skill and a two-skill request competing for the same people at the same time: the
    greedy fill that warm-starts the search handles slot rows of different widths."""
    people = [volunteer("V0", skills={"doctor": 2, "helper": 2, "nurse": 2}),
              volunteer("V1", skills={"helper": 2, "nurse": 2}, east_km=3),
              volunteer("V2", skills={"helper": 2, "nurse": 2}, east_km=4),
              volunteer("V3", skills={"helper": 2, "doctor": 2}, east_km=5),
              volunteer("V4", skills={"helper": 2, "nurse": 2}, east_km=6)]
    requests = [request("A", needs=(("doctor", 1, 1), ("helper", 1, 1), ("nurse", 1, 1)), priority=5),
                request("B", needs=(("helper", 1, 1), ("nurse", 1, 1)), east_km=0.2, priority=1)]
    problem = build(people, requests)
    result = solve(problem, proving(5, seed=1))
    assert validate(problem, result) == []
    assert result.status is Status.OPTIMAL
    assert sorted(a.request for a in result.assignments) == ["A", "A", "A", "B", "B"]


def test_progress_events_carry_the_objective_of_the_parts_solved_so_far() -> None:
    """Two far-apart towns make two parts; each solved part adds its objective, and the last
    event's objective is the result's."""
    people = [volunteer("NEAR-A", east_km=1, max_travel_km=20), volunteer("NEAR-B", east_km=81, max_travel_km=20)]
    requests = [request("A"), request("B", east_km=80, priority=5)]
    problem = build(people, requests)
    events: list[Progress] = []
    result = solve(problem, proving(5, seed=1, progress=events.append))
    solving = [e for e in events if e.phase == "solving"]
    assert [(e.parts_done, e.parts_total) for e in solving] == [(1, 2), (2, 2)]
    assert solving[0].objective is not None and solving[0].objective.staffing in (3, 5)
    assert solving[-1].objective == result.objective
    assert str(solving[-1]) == "solved 2/2 parts"
