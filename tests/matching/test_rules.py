"""Every hard rule H1-H10 with a feasible/infeasible pair, at two levels.

Checker level: a hand-built result that obeys the rule validates clean, and one that breaks it
yields exactly that rule's violation, naming the volunteer and request. Engine level: on a tiny
problem the rule forbids the obvious assignment (the nearest volunteer), and `solve` respects it
with a clean validation; the same problem without the obstacle gets the obvious assignment, so
the test proves the obstacle, not something else, changed the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from matching.result import Objective, Result, Status
from matching.validate import HARD_RULES, Violation, validate
from tests.matching.helpers import DAY, NEXT_DAY, assign, at, build, request, result_of, rules, volunteer


def only(violations: list[Violation], rule: str, volunteer_id: str | None, request_id: str | None) -> None:
    """Assert the list is exactly one violation of `rule` about that volunteer and request."""
    assert rules(violations) == [rule], violations
    assert (violations[0].volunteer, violations[0].request) == (volunteer_id, request_id)


def test_checker_shares_no_code_with_the_solver() -> None:
    import ast
    import matching.validate

    tree = ast.parse(Path(matching.validate.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert {m for m in imported if m and m.startswith("matching")} <= {"matching.problem", "matching.result"}


def test_each_hard_rule_is_one_documented_function() -> None:
    codes = [f.__doc__.split(":")[0] for f in HARD_RULES if f.__doc__]
    assert codes == [f"H{i}" for i in range(1, 11)]


# ----------------------------------------------------------------------------- H1 skill

def skill_problem() -> Any:
    return build(
        [volunteer("LOW", skills={"helper": 1}),
         {**volunteer("EXPIRED"), "skills": [{"skill": "helper", "level": 3, "expires": "2026-03-04"}]},
         {**volunteer("OK"), "skills": [{"skill": "helper", "level": 2, "expires": DAY}]}],
        [request("R1", needs=[("helper", 1, 2)])],
        skills=["doctor"],
    )


def test_h1_level_met_and_certified_on_the_service_date_is_valid() -> None:
    p = skill_problem()
    assert validate(p, result_of(p, [assign(p, "OK", "R1")])) == []


@pytest.mark.parametrize("who", ["LOW", "EXPIRED"])
def test_h1_low_level_or_expired_certification_is_a_violation(who: str) -> None:
    p = skill_problem()
    only(validate(p, result_of(p, [assign(p, who, "R1")])), "H1_SKILL", who, "R1")


def test_h1_filling_a_skill_the_request_does_not_ask_for_is_a_violation() -> None:
    p = skill_problem()
    only(validate(p, result_of(p, [assign(p, "OK", "R1", skill="doctor")])), "H1_SKILL", "OK", "R1")


# ----------------------------------------------------------------------------- H2 team

def team_problem(eligible: list[str] | None) -> Any:
    extra = {"eligible_teams": eligible} if eligible else {}
    return build([volunteer("OTHER", teams=["T-culture"]),
                  volunteer("MEMBER", teams=["T-culture", "T-health"])],
                 [request("R1", **extra)])


def test_h2_member_of_an_eligible_team_is_valid() -> None:
    p = team_problem(["T-health"])
    assert validate(p, result_of(p, [assign(p, "MEMBER", "R1")])) == []


def test_h2_outsider_is_a_violation_only_when_the_request_names_teams() -> None:
    p = team_problem(["T-health"])
    only(validate(p, result_of(p, [assign(p, "OTHER", "R1")])), "H2_TEAM", "OTHER", "R1")
    open_to_all = team_problem(None)
    assert validate(open_to_all, result_of(open_to_all, [assign(open_to_all, "OTHER", "R1")])) == []


# ----------------------------------------------------------------------------- H3 availability

def availability_problem() -> Any:
    # V lives 10 km west of every site: 13 km with detour, ceil(13 / 25 * 60) = 32 travel minutes.
    weekly = {"weekly": [{"weekday": 3, "start": "08:00", "end": "12:00"}],
              "exceptions": [{"start": at("10:00"), "end": at("11:00")}],
              "dated": [{"start": at("18:00"), "end": at("21:00")}]}
    return build(
        [volunteer("V", east_km=-10, availability=weekly),
         volunteer("NEVER", availability={}), volunteer("ALWAYS")],
        [request("EARLY_OK", start="08:32", duration=88),     # [08:00, 10:00]: exactly fits
         request("TRAVEL", start="08:31", duration=30),       # travel would start 07:59
         request("EXCEPTION", start="10:30", duration=30),    # inside the exception
         request("DATED", start="19:00", duration=60),        # dated window, travel from 18:28
         request("FRIDAY", start="09:00", duration=60, day=NEXT_DAY)],  # Thursday windows only
        date_to=NEXT_DAY,
    )


@pytest.mark.parametrize("rid", ["EARLY_OK", "DATED"])
def test_h3_service_plus_travel_inside_the_available_time_is_valid(rid: str) -> None:
    p = availability_problem()
    assert validate(p, result_of(p, [assign(p, "V", rid)])) == []
    assert validate(p, result_of(p, [assign(p, "ALWAYS", rid)])) == []


@pytest.mark.parametrize("who, rid", [("V", "TRAVEL"), ("V", "EXCEPTION"), ("V", "FRIDAY"),
                                      ("NEVER", "DATED")])
def test_h3_travel_exception_other_weekday_or_empty_availability_is_a_violation(who: str, rid: str) -> None:
    p = availability_problem()
    only(validate(p, result_of(p, [assign(p, who, rid)])), "H3_AVAILABILITY", who, rid)


# ----------------------------------------------------------------------------- H4 one place at a time

def one_place_problem() -> Any:
    # B is 10 km east of A: 13 km with detour, 32 minutes site to site.
    return build([volunteer("V")],
                 [request("A", start="09:00", duration=60),
                  request("B_LATE_ENOUGH", start="10:32", duration=30, east_km=10),
                  request("B_TOO_SOON", start="10:20", duration=30, east_km=10),
                  request("OVERLAP", start="09:30", duration=60)])


def test_h4_site_to_site_travel_fits_between_tasks_is_valid() -> None:
    p = one_place_problem()
    assert validate(p, result_of(p, [assign(p, "V", "A"), assign(p, "V", "B_LATE_ENOUGH")])) == []


@pytest.mark.parametrize("second", ["B_TOO_SOON", "OVERLAP"])
def test_h4_no_time_to_travel_or_overlap_is_a_violation(second: str) -> None:
    p = one_place_problem()
    violations = validate(p, result_of(p, [assign(p, "V", "A"), assign(p, "V", second)]))
    only(violations, "H4_ONE_PLACE", "V", second)


# ----------------------------------------------------------------------------- H5 limits

def limits_problem(limit: str, value: int) -> Any:
    # V lives 5 km from every site: 6.5 km with detour, ceil(15.6) = 16 travel minutes a task.
    return build([volunteer("V", east_km=-5, limits={limit: value})],
                 [request("D1_A", start="09:00", duration=60), request("D1_B", start="13:00", duration=30),
                  request("D2_A", start="09:00", duration=60, day=NEXT_DAY)],
                 date_to=NEXT_DAY)


@pytest.mark.parametrize("limit, value, tasks", [
    ("tasks_per_day", 1, ["D1_A", "D2_A"]),
    ("minutes_per_day", 76 + 46, ["D1_A", "D1_B"]),    # (60 + 16) + (30 + 16): travel counts
    ("tasks_per_period", 2, ["D1_A", "D2_A"]),
    ("minutes_per_period", 76 + 76, ["D1_A", "D2_A"]),
])
def test_h5_within_limits_is_valid(limit: str, value: int, tasks: list[str]) -> None:
    p = limits_problem(limit, value)
    assert validate(p, result_of(p, [assign(p, "V", t) for t in tasks])) == []


@pytest.mark.parametrize("limit, value, tasks", [
    ("tasks_per_day", 1, ["D1_A", "D1_B"]),
    ("minutes_per_day", 75, ["D1_A"]),                  # 60 minutes of service but 76 working
    ("tasks_per_period", 2, ["D1_A", "D1_B", "D2_A"]),
    ("minutes_per_period", 76 + 76 - 1, ["D1_A", "D2_A"]),
])
def test_h5_exceeding_a_limit_is_a_violation(limit: str, value: int, tasks: list[str]) -> None:
    p = limits_problem(limit, value)
    only(validate(p, result_of(p, [assign(p, "V", t) for t in tasks])), "H5_LIMITS", "V", None)


# ----------------------------------------------------------------------------- H6 distance

def distance_problem() -> Any:
    overrides = [{"volunteer": "V", "request": "FAR_BUT_ROUTED_SHORT", "distance_km": 9.0},
                 {"volunteer": "V", "request": "NEAR_BUT_ROUTED_LONG", "distance_km": 12.0}]
    return build([volunteer("V", max_travel_km=10)],
                 [request("IN", east_km=7),            # 9.1 km with detour
                  request("OUT", east_km=8),           # 10.4 km with detour
                  request("FAR_BUT_ROUTED_SHORT", east_km=20), request("NEAR_BUT_ROUTED_LONG", east_km=1)],
                 settings={"overrides": overrides})


@pytest.mark.parametrize("rid", ["IN", "FAR_BUT_ROUTED_SHORT"])
def test_h6_within_max_travel_is_valid_honouring_overrides(rid: str) -> None:
    p = distance_problem()
    assert validate(p, result_of(p, [assign(p, "V", rid)])) == []


@pytest.mark.parametrize("rid", ["OUT", "NEAR_BUT_ROUTED_LONG"])
def test_h6_beyond_max_travel_is_a_violation_honouring_overrides(rid: str) -> None:
    p = distance_problem()
    only(validate(p, result_of(p, [assign(p, "V", rid)])), "H6_DISTANCE", "V", rid)


# ----------------------------------------------------------------------------- H7 insurance

def insurance_problem() -> Any:
    return build([volunteer("UNTIL_DAY", insurance_valid_until=DAY),
                  volunteer("LAPSED", insurance_valid_until="2026-03-04"), volunteer("NONE")],
                 [request("INSURED", requires_insurance=True), request("PLAIN")])


def test_h7_insurance_valid_on_the_service_date_or_not_required_is_valid() -> None:
    p = insurance_problem()
    assert validate(p, result_of(p, [assign(p, "UNTIL_DAY", "INSURED"), assign(p, "NONE", "PLAIN")])) == []


@pytest.mark.parametrize("who", ["LAPSED", "NONE"])
def test_h7_lapsed_or_missing_insurance_is_a_violation(who: str) -> None:
    p = insurance_problem()
    only(validate(p, result_of(p, [assign(p, who, "INSURED")])), "H7_INSURANCE", who, "INSURED")


# ----------------------------------------------------------------------------- H8 pinned

def pinned_problem() -> Any:
    return build([volunteer("V", pinned=["R1"]), volunteer("W")], [request("R1")])


def test_h8_pinned_request_kept_is_valid() -> None:
    p = pinned_problem()
    assert validate(p, result_of(p, [assign(p, "V", "R1")])) == []


def test_h8_pinned_request_not_kept_is_a_violation_unless_reported_infeasible() -> None:
    p = pinned_problem()
    only(validate(p, result_of(p, [assign(p, "W", "R1")])), "H8_PINNED", "V", "R1")
    assert validate(p, result_of(p, [], status=Status.INFEASIBLE)) == []


# ----------------------------------------------------------------------------- H9 forbidden

def test_h9_forbidden_request_is_a_violation_other_volunteer_valid() -> None:
    p = build([volunteer("V", forbidden=["R1"]), volunteer("W")], [request("R1")])
    only(validate(p, result_of(p, [assign(p, "V", "R1")])), "H9_FORBIDDEN", "V", "R1")
    assert validate(p, result_of(p, [assign(p, "W", "R1")])) == []


# ----------------------------------------------------------------------------- H10 staffing

def staffing_problem() -> Any:
    return build([volunteer(f"V{i}") for i in range(3)],
                 [request("FULL_ONLY", needs=[("helper", 2, 1)]),
                  request("PARTIAL_OK", needs=[("helper", 2, 1)], start="14:00", allow_partial=True)])


@pytest.mark.parametrize("staff", [
    [("V0", "FULL_ONLY"), ("V1", "FULL_ONLY")],        # fully staffed
    [],                                                 # nobody at all
    [("V0", "PARTIAL_OK")],                             # partial where allowed
])
def test_h10_full_empty_or_allowed_partial_staffing_is_valid(staff: list[tuple[str, str]]) -> None:
    p = staffing_problem()
    assert validate(p, result_of(p, [assign(p, v, r) for v, r in staff])) == []


@pytest.mark.parametrize("staff, culprit", [
    ([("V0", "FULL_ONLY")], None),                                           # partial, not allowed
    ([("V0", "PARTIAL_OK"), ("V1", "PARTIAL_OK"), ("V2", "PARTIAL_OK")], None),  # three in two slots
    ([("V0", "FULL_ONLY"), ("V0", "FULL_ONLY")], "V0"),                      # one person twice
])
def test_h10_partial_overfilled_or_doubled_staffing_is_a_violation(staff: list[tuple[str, str]],
                                                                   culprit: str | None) -> None:
    p = staffing_problem()
    only(validate(p, result_of(p, [assign(p, v, r) for v, r in staff])), "H10_STAFFING", culprit, staff[0][1])


# ----------------------------------------------------------------------------- result structure

def test_wrong_start_or_split_flexible_start_is_a_window_violation() -> None:
    flexible = {"earliest_start": at("09:00"), "latest_end": at("12:00"), "duration": 60}
    p = build([volunteer("V"), volunteer("W")],
              [request("FIXED"), {**request("FLEX", needs=[("helper", 2, 1)]), "time": flexible}])
    assert validate(p, result_of(p, [assign(p, "V", "FLEX", start=at("11:00")),
                                     assign(p, "W", "FLEX", start=at("11:00"))])) == []
    only(validate(p, result_of(p, [assign(p, "V", "FIXED", start=at("09:30"))])), "WINDOW", "V", "FIXED")
    split = validate(p, result_of(p, [assign(p, "V", "FLEX", start=at("10:00")),
                                      assign(p, "W", "FLEX", start=at("11:00"))]))
    only(split, "WINDOW", None, "FLEX")
    late = validate(p, result_of(p, [assign(p, "V", "FLEX", start=at("11:01")),
                                     assign(p, "W", "FLEX", start=at("11:01"))]))
    assert [(v.rule, v.volunteer) for v in late] == [("WINDOW", "V"), ("WINDOW", "W")]


def test_objective_is_recounted_and_a_wrong_report_is_a_mismatch() -> None:
    # Two requests; V and W share T1 on R1 (one cohesion pair), V also serves R2.
    overrides = [{"volunteer": v, "request": r, "distance_km": d}
                 for v, r, d in [("V", "R1", 1.2346), ("W", "R1", 2.0004), ("V", "R2", 0.5)]]
    p = build([volunteer("V", teams=["T1"]), volunteer("W", teams=["T1", "T2"]),
               volunteer("X", teams=["T2"])],
              [request("R1", needs=[("helper", 2, 1)], priority=5), request("R2", start="14:00", priority=2)],
              settings={"priority_weights": {"5": 10}, "overrides": overrides})
    chosen = [assign(p, "V", "R1"), assign(p, "W", "R1"), assign(p, "V", "R2")]
    good = result_of(p, chosen)
    # staffing 10 + 10 + 2 (weight of priority 2 defaults to 2); travel 1235 + 2000 + 500 metres;
    # workload 2^2 + 1^2; cohesion: {V, W} on R1.
    assert good.objective == Objective(staffing=22, travel_m=3735, workload=5, cohesion=1)
    assert validate(p, good) == []
    tampered = Result(status=good.status, objective=Objective(22, 3735, 5, 0), assignments=good.assignments,
                      open=good.open)
    assert rules(validate(p, tampered)) == ["OBJECTIVE_MISMATCH"]
    assert "cohesion reported 0 but is 1" in validate(p, tampered)[0].message


def test_open_list_must_name_every_unfilled_slot() -> None:
    p = build([volunteer("V")], [request("R1"), request("R2", start="14:00")])
    full = result_of(p, [assign(p, "V", "R1")])
    assert validate(p, full) == []
    silent = Result(status=full.status, objective=full.objective, assignments=full.assignments, open=())
    only(validate(p, silent), "OPEN_LIST", None, "R2")


# ----------------------------------------------------------------------------- engine level
# NEAR lives 1 km from the site, FAR 5 km: without an obstacle the engine must pick NEAR (least
# travel); each rule below forbids NEAR, and the engine must fall back to FAR (or leave it open).

def solved(problem: Any) -> Result:
    """Solve with a fixed seed on one worker and insist the result validates clean."""
    from matching import SolveOptions, solve

    result = solve(problem, SolveOptions(time_limit=10, workers=1, seed=7))
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
    (dict(needs=(("helper", 1, 2),)), dict(needs=(("helper", 1, 1),))),
    # H1: certification expired the day before the service, then still valid on the day
    (dict(near={"skills": [{"skill": "helper", "level": 3, "expires": "2026-03-04"}]}),
     dict(near={"skills": [{"skill": "helper", "level": 3, "expires": DAY}]})),
    # H2: not in the eligible team, then in it
    (dict(near={"teams": ["T-culture"]}, far={"teams": ["T-health"]}, req={"eligible_teams": ["T-health"]}),
     dict(near={"teams": ["T-health"]}, far={"teams": ["T-health"]}, req={"eligible_teams": ["T-health"]})),
    # H3: NEAR (1.3 km with detour, ceil(3.1) = 4 travel minutes) is available from 09:00, so the
    # trip before the 09:00 start is not covered; from 08:56 it is
    (dict(near={"availability": {"weekly": [{"weekday": 3, "start": "09:00", "end": "17:00"}]}}),
     dict(near={"availability": {"weekly": [{"weekday": 3, "start": "08:56", "end": "17:00"}]}})),
    # H3: an exception over the service time
    (dict(near={"availability": {"dated": [{"start": at("08:00"), "end": at("17:00")}],
                                 "exceptions": [{"start": at("09:30"), "end": at("09:45")}]}}),
     dict(near={"availability": {"dated": [{"start": at("08:00"), "end": at("17:00")}],
                                 "exceptions": [{"start": at("10:00"), "end": at("10:15")}]}})),
    # H6: 1.3 km with detour against a 1 km cap, then a 2 km cap
    (dict(near={"max_travel_km": 1}), dict(near={"max_travel_km": 2})),
    # H7: insurance lapsed the day before, then valid on the day
    (dict(near={"insurance_valid_until": "2026-03-04"}, far={"insurance_valid_until": DAY},
          req={"requires_insurance": True}),
     dict(near={"insurance_valid_until": DAY}, far={"insurance_valid_until": DAY},
          req={"requires_insurance": True})),
    # H8: FAR pinned to the request
    (dict(far={"pinned": ["R1"]}), dict(far={"pinned": []})),
    # H9: NEAR forbids the request
    (dict(near={"forbidden": ["R1"]}), dict(near={"forbidden": []})),
], ids=["H1-level", "H1-expired", "H2-team", "H3-travel-before-start", "H3-exception", "H6-max-km",
        "H7-insurance", "H8-pinned", "H9-forbidden"])
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
                                  expires_before_second_day, insurance_before_second_day, override_distance,
                                  travel_counts_as_work],
                         ids=lambda f: f.__name__)
def test_engine_edge_single_volunteer(case: Any) -> None:
    assert staffed_by(solved(case(False))) == set()
    assert staffed_by(solved(case(True))) == {("V", "R")}


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


def test_public_validate_is_the_checker_function_even_after_its_module_was_imported() -> None:
    # `matching.validate` is both a submodule and an exported function; importing the submodule
    # (as this file does) must not make `from matching import validate` hand out the module.
    import importlib

    importlib.import_module("matching.validate")
    from matching import Violation as PublicViolation
    from matching import validate as public_validate

    assert public_validate is validate
    assert PublicViolation is Violation
