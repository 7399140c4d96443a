"""Every hard rule H1-H10 with a feasible/infeasible pair, at the checker level.

A hand-built result that obeys the rule validates clean, and one that breaks it yields exactly
that rule's violation, naming the volunteer and request; so each `check_*` function is shown to
catch its rule and only its rule. The engine-level pairs are in `test_rules_engine.py`.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import CodeType, FunctionType, ModuleType
from typing import Any

import pytest

import matching
from matching.result import Objective, Result, Status
from matching.rules import RULES
from matching.validate import (
    HARD_RULES,
    STRUCTURE,
    Violation,
    check_objective,
    check_open,
    check_status,
    objective,
    validate,
)
from tests.matching.helpers import DAY, NEXT_DAY, assign, at, build, request, result_of, rules, volunteer

#: what the checker may build on: the data classes, the result, and its own helpers
CHECKER_MODULES = {"matching.problem", "matching.result", "matching.rules.facts"}


def only(violations: list[Violation], rule: str, volunteer_id: str | None, request_id: str | None) -> None:
    """Assert the list is exactly one violation of `rule` about that volunteer and request."""
    assert rules(violations) == [rule], violations
    assert (violations[0].volunteer, violations[0].request) == (volunteer_id, request_id)


def _names(code: CodeType) -> set[str]:
    """Global (and attribute) names a function's code reads, nested functions included."""
    out = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            out |= _names(const)
    return out


def _solver_code_reached(fn: Any, seen: set[str] | None = None) -> list[str]:
    """What of the engine a checker function uses, following the functions of its own module."""
    seen = set() if seen is None else seen
    seen.add(fn.__qualname__)
    found = []
    for name in sorted(_names(fn.__code__)):
        if name not in fn.__globals__:
            continue
        obj = fn.__globals__[name]
        where = obj.__name__ if isinstance(obj, ModuleType) else getattr(obj, "__module__", None)
        if not isinstance(where, str) or not where.startswith("matching") or where in CHECKER_MODULES:
            continue
        if where == fn.__module__ and isinstance(obj, FunctionType):
            if obj.__qualname__ not in seen:
                found += _solver_code_reached(obj, seen)
        elif not isinstance(obj, (int, float, str, tuple)):
            found.append(f"{fn.__module__}.{fn.__qualname__} uses {where}.{name}")
    return found


def test_checker_shares_no_code_with_the_solver() -> None:
    # every check (each rule's, beside the engine's filter in its module, and validate's own)
    # reads only the data classes, the result and the checker's helpers
    checks = [*HARD_RULES, *STRUCTURE, check_status, check_objective, check_open, objective]
    assert [bad for check in checks for bad in _solver_code_reached(check)] == []
    facts = importlib.import_module("matching.rules.facts")
    tree = ast.parse(Path(str(facts.__file__)).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert {m for m in imported if m and m.startswith("matching")} <= {"matching.problem", "matching.result"}


def test_each_hard_rule_is_one_documented_function() -> None:
    codes = [f.__doc__.split(":")[0] for f in HARD_RULES if f.__doc__]
    assert codes == [f"H{i}" for i in range(1, 11)]
    assert [rule.code.split("_")[0] for rule in RULES.rules] == codes
    assert all(rule.sentence.startswith(code + ":") for rule, code in zip(RULES.rules, codes))


def test_each_rule_names_where_the_solvers_keep_it_and_the_names_exist() -> None:
    for rule in RULES.rules:
        assert rule.pair_tests or rule.model, rule.code       # a filter, a solver constraint, or both
        for dotted in rule.model:
            module, _, rest = dotted.partition(".")
            target: Any = importlib.import_module(module)
            for part in rest.split("."):
                if isinstance(target, ModuleType) and not hasattr(target, part):
                    target = importlib.import_module(f"{target.__name__}.{part}")
                else:
                    target = getattr(target, part)
            assert callable(target), dotted


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
    extra: dict[str, Any] = {"eligible_teams": eligible} if eligible else {}
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


def cover(activity: str, start: str = DAY, end: str = DAY) -> dict[str, str]:
    return {"activity": activity, "valid_from": start, "valid_until": end}


def covers_problem() -> Any:
    return build([volunteer("CLINIC", insurance_covers=[cover("clinic")]),
                  volunteer("OTHER_KIND", insurance_covers=[cover("lecture")]),
                  volunteer("NOT_YET", insurance_covers=[cover("clinic", NEXT_DAY, NEXT_DAY)])],
                 [request("INSURED", requires_insurance=True, activity="clinic")], date_to=NEXT_DAY)


def test_h7_a_cover_of_the_request_activity_on_the_day_insures() -> None:
    p = covers_problem()
    assert validate(p, result_of(p, [assign(p, "CLINIC", "INSURED")])) == []


@pytest.mark.parametrize("who", ["OTHER_KIND", "NOT_YET"])
def test_h7_a_cover_of_another_activity_or_another_day_is_a_violation(who: str) -> None:
    p = covers_problem()
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


def test_status_must_agree_with_gap_and_assignments() -> None:
    p = build([volunteer("V")], [request("R1")])
    good = result_of(p, [assign(p, "V", "R1")], status=Status.OPTIMAL)
    assert validate(p, good) == []
    unproven = Result(status=Status.OPTIMAL, objective=good.objective, gap=0.02, assignments=good.assignments)
    assert rules(validate(p, unproven)) == ["STATUS"]
    contradictory = Result(status=Status.INFEASIBLE, objective=good.objective, assignments=good.assignments)
    assert rules(validate(p, contradictory)) == ["STATUS"]


def test_open_list_must_name_every_unfilled_slot() -> None:
    p = build([volunteer("V")], [request("R1"), request("R2", start="14:00")])
    full = result_of(p, [assign(p, "V", "R1")])
    assert validate(p, full) == []
    silent = Result(status=full.status, objective=full.objective, assignments=full.assignments, open=())
    only(validate(p, silent), "OPEN_LIST", None, "R2")


def test_public_validate_is_the_checker_function_even_after_its_module_was_imported() -> None:
    # `matching.validate` is both a submodule and an exported function; importing the submodule
    # (as this file does) must not make `matching.validate` the module.
    importlib.import_module("matching.validate")
    assert matching.validate is validate
    assert matching.Violation is Violation
