"""Every hard rule H1-H10 with a feasible/infeasible pair, at the engine level.

On a tiny problem the rule forbids the obvious assignment (the nearest volunteer), and `solve`
respects it with a clean validation; the same problem without the obstacle gets the obvious
assignment, so the test proves the obstacle, not something else, changed the outcome. Then the
boundaries the contract draws (midnight, the period start, the service date, back-to-back tasks,
flexible starts squeezed by availability, per-pair overrides), each on both sides.
"""

from __future__ import annotations

from typing import Any

import pytest

from matching import solve
from matching.result import Result, Status
from matching.rules import insurance
from matching.validate import validate
from tests.matching.helpers import DAY, NEXT_DAY, at, build, proving, request, volunteer

# ----------------------------------------------------------------------------- engine level
# NEAR lives 1 km from the site, FAR 5 km: without an obstacle the engine must pick NEAR (least
# travel); each rule below forbids NEAR, and the engine must fall back to FAR (or leave it open).

def solved(problem: Any) -> Result:
    """Solve on a deterministic budget (so OPTIMAL may be asserted) and insist the result
    validates clean."""
    result = solve(problem, proving(10))
    assert validate(problem, result) == []
    return result


def near_far(near: dict[str, Any] | None = None, far: dict[str, Any] | None = None,
             req: dict[str, Any] | None = None, needs: tuple[tuple[str, int, int], ...] = (("helper", 1, 1),),
             near_skills: dict[str, int] | None = None) -> Any:
    return build([{**volunteer("NEAR", east_km=1, skills=near_skills or {"helper": 1}), **(near or {})},
                  {**volunteer("FAR", east_km=5, skills={"helper": 3}), **(far or {})}],
                 [request("R1", needs=needs, **(req or {}))],
                 teams=["T-health", "T-culture"])


def staffed_by(result: Result) -> set[tuple[str, str]]:
    assert result.status == Status.OPTIMAL
    return {(a.volunteer, a.request) for a in result.assignments}


def test_engine_baseline_picks_the_nearest_volunteer() -> None:
    assert staffed_by(solved(near_far())) == {("NEAR", "R1")}


@pytest.mark.parametrize("obstacle, cleared", [
    # H1: level too low, then the same level requirement met
    ({"needs": (("helper", 1, 2),)}, {"needs": (("helper", 1, 1),)}),
    # H1: certification expired the day before the service, then still valid on the day
    ({"near": {"skills": [{"skill": "helper", "level": 3, "expires": "2026-03-04"}]}},
     {"near": {"skills": [{"skill": "helper", "level": 3, "expires": DAY}]}}),
    # H2: not in the eligible team, then in it
    ({"near": {"teams": ["T-culture"]}, "far": {"teams": ["T-health"]}, "req": {"eligible_teams": ["T-health"]}},
     {"near": {"teams": ["T-health"]}, "far": {"teams": ["T-health"]}, "req": {"eligible_teams": ["T-health"]}}),
    # H3: NEAR (1.3 km with detour, ceil(3.1) = 4 travel minutes) is available from 09:00, so the
    # trip before the 09:00 start is not covered; from 08:56 it is
    ({"near": {"availability": {"weekly": [{"weekday": 3, "start": "09:00", "end": "17:00"}]}}},
     {"near": {"availability": {"weekly": [{"weekday": 3, "start": "08:56", "end": "17:00"}]}}}),
    # H3: an exception over the service time
    ({"near": {"availability": {"dated": [{"start": at("08:00"), "end": at("17:00")}],
                                 "exceptions": [{"start": at("09:30"), "end": at("09:45")}]}}},
     {"near": {"availability": {"dated": [{"start": at("08:00"), "end": at("17:00")}],
                                 "exceptions": [{"start": at("10:00"), "end": at("10:15")}]}}}),
    # H6: 1.3 km with detour against a 1 km cap, then a 2 km cap
    ({"near": {"max_travel_km": 1}}, {"near": {"max_travel_km": 2}}),
    # H7: insurance lapsed the day before, then valid on the day
    ({"near": {"insurance_valid_until": "2026-03-04"}, "far": {"insurance_valid_until": DAY},
          "req": {"requires_insurance": True}},
     {"near": {"insurance_valid_until": DAY}, "far": {"insurance_valid_until": DAY},
          "req": {"requires_insurance": True}}),
    # H7: insured for another activity kind, then for the request's
    ({"near": {"insurance_covers": [{"activity": "lecture", "valid_from": DAY, "valid_until": DAY}]},
      "far": {"insurance_covers": [{"activity": "clinic", "valid_from": DAY, "valid_until": DAY}]},
      "req": {"requires_insurance": True, "activity": "clinic"}},
     {"near": {"insurance_covers": [{"activity": "clinic", "valid_from": DAY, "valid_until": DAY}]},
      "far": {"insurance_covers": [{"activity": "clinic", "valid_from": DAY, "valid_until": DAY}]},
      "req": {"requires_insurance": True, "activity": "clinic"}}),
    # H8: FAR pinned to the request
    ({"far": {"pinned": ["R1"]}}, {"far": {"pinned": []}}),
    # H9: NEAR forbids the request
    ({"near": {"forbidden": ["R1"]}}, {"near": {"forbidden": []}}),
], ids=["H1-level", "H1-expired", "H2-team", "H3-travel-before-start", "H3-exception", "H6-max-km",
        "H7-insurance", "H7-cover-kind", "H8-pinned", "H9-forbidden"])
def test_engine_respects_the_rule_that_rules_out_the_nearest(obstacle: dict[str, Any],
                                                            cleared: dict[str, Any]) -> None:
    assert staffed_by(solved(near_far(**obstacle))) == {("FAR", "R1")}
    assert staffed_by(solved(near_far(**cleared))) == {("NEAR", "R1")}


def test_engine_h4_leaves_one_of_two_requests_when_the_trip_between_does_not_fit() -> None:
    def two_sites(second_start: str) -> Any:
        return build([volunteer("V")], [request("A", start="09:00", duration=60),
                                        request("B", start=second_start, duration=30, east_km=10)])

    assert len(solved(two_sites("10:20")).assignments) == 1      # 10:00 + 32 min > 10:20
    assert staffed_by(solved(two_sites("10:32"))) == {("V", "A"), ("V", "B")}


@pytest.mark.parametrize("limit", [{"tasks_per_day": 1}, {"minutes_per_day": 100}, {"tasks_per_period": 1},
                                   {"minutes_per_period": 100}])
def test_engine_h5_limits_send_the_second_task_to_the_farther_volunteer(limit: dict[str, int]) -> None:
    def problem(limits: dict[str, int]) -> Any:
        return build([volunteer("NEAR", east_km=1, limits=limits), volunteer("FAR", east_km=5)],
                     [request("R1", start="09:00", duration=60), request("R2", start="13:00", duration=60)])

    split = staffed_by(solved(problem(limit)))
    assert split in ({("NEAR", "R1"), ("FAR", "R2")}, {("NEAR", "R2"), ("FAR", "R1")})
    assert staffed_by(solved(problem({}))) == {("NEAR", "R1"), ("NEAR", "R2")}


def test_engine_h8_contradicting_pin_is_reported_infeasible() -> None:
    result = solved(near_far(near={"pinned": ["R1"]}, near_skills={"doctor": 1}))
    assert result.status == Status.INFEASIBLE


@pytest.mark.parametrize("limits, second_start, feasible", [
    ({}, "09:30", False),                       # two pins overlap in time (H4)
    ({}, "11:00", True),                        # the same pins one after the other
    ({"tasks_per_day": 1}, "11:00", False),     # two pins but one task a day (H5)
])
def test_engine_h8_pins_that_contradict_each_other(limits: dict[str, int], second_start: str,
                                                   feasible: bool) -> None:
    p = build([volunteer("V", pinned=["A", "B"], limits=limits), volunteer("W")],
              [request("A", start="09:00"), request("B", start=second_start)])
    result = solved(p)
    if feasible:
        assert staffed_by(result) == {("V", "A"), ("V", "B")}
    else:
        assert result.status == Status.INFEASIBLE


def test_engine_h10_full_staffing_or_nobody_unless_partial_allowed() -> None:
    # Two helper slots but only NEAR holds the skill.
    def problem(partial: bool) -> Any:
        return build([volunteer("NEAR", east_km=1), volunteer("FAR", east_km=5, skills={"doctor": 1})],
                     [request("R1", needs=[("helper", 2, 1)], allow_partial=partial)])

    assert solved(problem(False)).assignments == ()
    assert staffed_by(solved(problem(True))) == {("NEAR", "R1")}


def test_engine_h10_fills_a_slot_no_more_than_its_count() -> None:
    p = build([volunteer(f"V{i}", east_km=i + 1) for i in range(3)],
              [request("R1", needs=[("helper", 2, 1)])])
    assert staffed_by(solved(p)) == {("V0", "R1"), ("V1", "R1")}


# ----------------------------------------------------------------------------- engine: edges of the rules
# Each case: the same problem on both sides of a boundary the contract draws (midnight, the period
# start, the service date, back-to-back tasks, a flexible start squeezed by availability, overrides).

TEN_KM_WEST = -10.0      # 13 km with detour: 32 travel minutes


def across_midnight(allowed: bool) -> Any:
    """H3: the trip to a Friday 00:10 start begins Thursday 23:38, covered only by Thursday's window."""
    weekly = [{"weekday": 4, "start": "00:00", "end": "08:00"}]
    weekly += [{"weekday": 3, "start": "20:00", "end": "24:00"}] if allowed else []
    return build([volunteer("V", availability={"weekly": weekly}, east_km=TEN_KM_WEST)],
                 [request("R", start="00:10", day=NEXT_DAY)], date_to=NEXT_DAY)


def before_the_period(allowed: bool) -> Any:
    """H3: the trip to a 00:10 start on date_from begins the evening before, which weekly windows
    (laid on dates of the period only) do not cover; a dated window can."""
    availability: dict[str, Any] = {"weekly": [{"weekday": 3, "start": "00:00", "end": "24:00"}]}
    if allowed:
        availability["dated"] = [{"start": "2026-03-04T23:00", "end": at("02:00")}]
    return build([volunteer("V", availability=availability, east_km=TEN_KM_WEST)],
                 [request("R", start="00:10")])


def override_travel(allowed: bool) -> Any:
    """H3: a routed trip of 30 minutes (override) needs availability from 08:30, not just 08:45."""
    overrides = [{"volunteer": "V", "request": "R", "travel_minutes": 15 if allowed else 30}]
    return build([volunteer("V", availability={"dated": [{"start": at("08:45"), "end": at("12:00")}]})],
                 [request("R")], settings={"overrides": overrides})


def expires_before_second_day(allowed: bool) -> Any:
    """H1: a certification valid through Thursday does not cover a Friday service."""
    return build([{**volunteer("V"), "skills": [{"skill": "helper", "level": 1, "expires": DAY}]}],
                 [request("R", day=DAY if allowed else NEXT_DAY)], date_to=NEXT_DAY)


def insurance_before_second_day(allowed: bool) -> Any:
    """H7: insurance valid through Thursday does not cover a Friday service."""
    return build([volunteer("V", insurance_valid_until=DAY)],
                 [request("R", day=DAY if allowed else NEXT_DAY, requires_insurance=True)], date_to=NEXT_DAY)


def cover_before_second_day(allowed: bool) -> Any:
    """H7: a cover of the activity through Thursday does not insure a Friday service."""
    return build([volunteer("V", insurance_covers=[{"activity": "clinic", "valid_from": DAY, "valid_until": DAY}])],
                 [request("R", day=DAY if allowed else NEXT_DAY, requires_insurance=True, activity="clinic")],
                 date_to=NEXT_DAY)


def cover_bounds_a_flexible_start(allowed: bool) -> Any:
    """H7: in a window over two days, a cover of the first day only allows a start on the first day."""
    window = {"earliest_start": at("20:00"), "latest_end": at("23:00", NEXT_DAY), "duration": 60}
    avail = {"dated": [{"start": at("22:00") if allowed else at("00:00", NEXT_DAY), "end": at("23:00", NEXT_DAY)}]}
    return build([volunteer("V", availability=avail,
                            insurance_covers=[{"activity": "clinic", "valid_from": DAY, "valid_until": DAY}])],
                 [{**request("R", requires_insurance=True, activity="clinic"), "time": window}], date_to=NEXT_DAY)


def override_distance(allowed: bool) -> Any:
    """H6: a routed distance (override) counts against max_travel_km, not the straight line."""
    overrides = [{"volunteer": "V", "request": "R", "distance_km": 4.0 if allowed else 6.0}]
    return build([volunteer("V", east_km=1, max_travel_km=5)], [request("R")],
                 settings={"overrides": overrides})


def travel_counts_as_work(allowed: bool) -> Any:
    """H5: 60 minutes of service plus 4 of travel exceed a 60-minute cap; from next door they do not."""
    return build([volunteer("V", east_km=0 if allowed else 1, limits={"minutes_per_period": 60})],
                 [request("R", duration=60)])


@pytest.mark.parametrize("case", [across_midnight, before_the_period, override_travel,
                                  expires_before_second_day, insurance_before_second_day, cover_before_second_day,
                                  cover_bounds_a_flexible_start, override_distance,
                                  travel_counts_as_work],
                         ids=lambda f: f.__name__)
def test_engine_edge_single_volunteer(case: Any) -> None:
    assert staffed_by(solved(case(False))) == set()
    assert staffed_by(solved(case(True))) == {("V", "R")}


@pytest.mark.parametrize("case", [cover_before_second_day, cover_bounds_a_flexible_start], ids=lambda f: f.__name__)
def test_engine_h7_covers_are_found_by_search_when_the_key_table_is_large(case: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(insurance, "DENSE_KEYS", 0)
    assert staffed_by(solved(case(False))) == set()
    assert staffed_by(solved(case(True))) == {("V", "R")}


def test_engine_h7_a_cover_outlasting_the_own_date_bounds_a_flexible_start() -> None:
    """Insured by his own date on the first day and by a cover through the second: a start on the
    second day is allowed."""
    window = {"earliest_start": at("20:00"), "latest_end": at("23:00", NEXT_DAY), "duration": 60}
    avail = {"dated": [{"start": at("00:00", NEXT_DAY), "end": at("23:00", NEXT_DAY)}]}
    problem = build([volunteer("V", availability=avail, insurance_valid_until=DAY, insurance_covers=[
        {"activity": "clinic", "valid_from": DAY, "valid_until": NEXT_DAY}])],
        [{**request("R", requires_insurance=True, activity="clinic"), "time": window}], date_to=NEXT_DAY)
    assert staffed_by(solved(problem)) == {("V", "R")}


def test_engine_h5_a_task_across_midnight_counts_on_its_start_day() -> None:
    def problem(second_day: str) -> Any:
        return build([volunteer("V", limits={"tasks_per_day": 1})],
                     [request("NIGHT", start="22:30", duration=180), request("MORNING", day=second_day)],
                     date_to=NEXT_DAY)

    assert staffed_by(solved(problem(NEXT_DAY))) == {("V", "NIGHT"), ("V", "MORNING")}
    assert len(solved(problem(DAY)).assignments) == 1


def test_engine_h4_back_to_back_at_one_site_is_allowed_overlap_is_not() -> None:
    def problem(second: str) -> Any:
        return build([volunteer("V")], [request("A", start="09:00"), request("B", start=second)])

    assert staffed_by(solved(problem("10:00"))) == {("V", "A"), ("V", "B")}
    assert len(solved(problem("09:59")).assignments) == 1


def test_engine_picks_the_flexible_start_that_availability_allows() -> None:
    window = {"earliest_start": at("09:00"), "latest_end": at("12:00"), "duration": 60}

    def problem(until: str) -> Any:        # NEAR needs 4 travel minutes: start in [10:34, until - 60]
        avail = {"dated": [{"start": at("10:30"), "end": at(until)}]}
        return build([volunteer("V", east_km=1, availability=avail)], [{**request("R"), "time": window}])

    squeezed = solved(problem("11:45"))
    assert staffed_by(squeezed) == {("V", "R")}
    assert at("10:34") <= squeezed.assignments[0].start <= at("10:45")
    assert staffed_by(solved(problem("11:30"))) == set()


def test_engine_gives_everyone_on_a_flexible_request_one_common_start() -> None:
    window = {"earliest_start": at("08:00"), "latest_end": at("12:00"), "duration": 30}

    def problem(v_until: str) -> Any:      # V can start <= v_until - 30, W from 10:00: only 10:00 fits
        return build([volunteer("V", availability={"dated": [{"start": at("09:00"), "end": at(v_until)}]}),
                      volunteer("W", availability={"dated": [{"start": at("10:00"), "end": at("11:30")}]})],
                     [{**request("R", needs=[("helper", 2, 1)]), "time": window}])

    both = solved(problem("10:30"))
    assert staffed_by(both) == {("V", "R"), ("W", "R")}
    assert {a.start for a in both.assignments} == {at("10:00")}
    assert staffed_by(solved(problem("10:29"))) == set()
