"""A caller's rule end to end (`tests/matching/night_rule.py`: under 18, no night service).

Registered through `SolveOptions.extra_rules` and `validate(..., extra_rules=...)`: the rule
filters candidates, the engine staffs around it, the checker flags a result that breaks it, and
the explanation of a request nobody else could take names it. Each case also runs without the
rule, so that the rule, not something else, is what changes the outcome.
"""

from __future__ import annotations

import pytest

from matching import Problem, Status, solve, validate
from matching.arrays import build_arrays
from matching.candidates import generate
from matching.rules import RULES
from tests.matching.helpers import DAY, assign, at, build, pairs, proving, request, result_of, rules, volunteer
from tests.matching.night_rule import CODE, NIGHT_RULE, REASON
from tests.matching.test_rules import only

MINOR, ADULT = {"birth_date": "2010-06-01"}, {"birth_date": "1990-01-01"}


def town() -> Problem:
    # MINOR (15) lives 1 km from every site, ADULT 5 km; only MINOR drives
    return build([volunteer("MINOR", east_km=1, skills={"helper": 1, "driver": 1}, attributes=MINOR),
                  volunteer("ADULT", east_km=5, attributes=ADULT)],
                 [request("NIGHT", start="23:00"), request("DAY", start="10:00"),
                  request("DAWN_DRIVE", start="05:00", needs=(("driver", 1, 1),))])


def kept(problem: Problem, with_rule: bool) -> set[tuple[str, str]]:
    arr = build_arrays(problem)
    cand = generate(arr, 30, rules=RULES.extended([NIGHT_RULE] if with_rule else []))
    return {(problem.volunteers[v].id, problem.requests[r].id) for v, r in zip(cand.v.tolist(), cand.r.tolist())}


def test_the_rule_filters_the_candidates() -> None:
    p = town()
    assert kept(p, with_rule=False) == {("MINOR", "NIGHT"), ("ADULT", "NIGHT"), ("MINOR", "DAY"), ("ADULT", "DAY"),
                                        ("MINOR", "DAWN_DRIVE")}
    assert kept(p, with_rule=True) == {("ADULT", "NIGHT"), ("MINOR", "DAY"), ("ADULT", "DAY")}


def test_the_engine_staffs_around_the_rule_and_explains_the_request_it_leaves_open() -> None:
    p = town()
    free = solve(p, proving(10))
    assert free.status == Status.OPTIMAL
    assert pairs(free) == {("MINOR", "NIGHT"), ("MINOR", "DAY"), ("MINOR", "DAWN_DRIVE")}
    held = solve(p, proving(10, extra_rules=(NIGHT_RULE,)))
    assert held.status == Status.OPTIMAL
    assert pairs(held) == {("ADULT", "NIGHT"), ("MINOR", "DAY")}
    assert validate(p, held, extra_rules=(NIGHT_RULE,)) == []
    (dawn,) = held.open
    assert (dawn.request, dawn.reason) == ("DAWN_DRIVE", "NONE_OF_AGE_AT_NIGHT")
    assert dawn.near_miss is not None
    assert (dawn.near_miss.volunteer, dawn.near_miss.reason) == ("MINOR", REASON)
    assert "under 18" in dawn.near_miss.detail


def test_the_checker_flags_a_minor_at_night_and_only_with_the_rule() -> None:
    p = town()
    minor_at_night = result_of(p, [assign(p, "MINOR", "NIGHT")])
    only(validate(p, minor_at_night, extra_rules=(NIGHT_RULE,)), CODE, "MINOR", "NIGHT")
    assert validate(p, minor_at_night) == []                      # the shipped rules say nothing
    fine = result_of(p, [assign(p, "ADULT", "NIGHT"), assign(p, "MINOR", "DAY")])
    assert validate(p, fine, extra_rules=(NIGHT_RULE,)) == []


@pytest.mark.parametrize("time, attributes, night", [
    ({"start": at("21:59"), "duration": 60}, MINOR, False),                      # starts before 22:00
    ({"start": at("22:00"), "duration": 60}, MINOR, True),
    ({"start": at("06:00"), "duration": 60}, MINOR, False),
    ({"start": at("05:59"), "duration": 60}, MINOR, True),
    ({"earliest_start": at("20:00"), "latest_end": at("23:30"), "duration": 60}, MINOR, True),   # may start 22:30
    ({"earliest_start": at("18:00"), "latest_end": at("22:59"), "duration": 60}, MINOR, False),  # by 21:59
    ({"start": at("23:00"), "duration": 60}, {"birth_date": "2008-03-05"}, False),  # 18 on the day
    ({"start": at("23:00"), "duration": 60}, {"birth_date": "2008-03-06"}, True),   # 18 the day after
    ({"start": at("23:00"), "duration": 60}, {}, False),                           # no birth date
])
def test_filter_and_check_agree_at_the_edges(time: dict[str, object], attributes: dict[str, str],
                                             night: bool) -> None:
    p = build([volunteer("V", attributes=attributes) if attributes else volunteer("V")],
              [{**request("R"), "time": time}], date_from=DAY)
    assert kept(p, with_rule=True) == (set() if night else {("V", "R")})
    assert kept(p, with_rule=False) == {("V", "R")}
    violations = validate(p, result_of(p, [assign(p, "V", "R")]), extra_rules=(NIGHT_RULE,))
    assert rules(violations) == ([CODE] if night else [])


def test_a_pin_against_the_rule_makes_the_problem_infeasible_naming_the_rule() -> None:
    p = build([volunteer("MINOR", attributes=MINOR, pinned=["NIGHT"])], [request("NIGHT", start="23:00")])
    held = solve(p, proving(10, extra_rules=(NIGHT_RULE,)))
    assert held.status == Status.INFEASIBLE and CODE in held.message
    assert solve(p, proving(10)).status == Status.OPTIMAL
