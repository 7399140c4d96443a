"""The two baselines: valid under `matching.validate`, and behaving as their docstrings say."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from benchmarks import baseline_naive
from benchmarks.baselines import ModelTooLarge, greedy, naive_cpsat
from examples.problems.generate import generate
from matching import Status, load_problem, validate

DAY = "2026-03-05"  # a Thursday
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "problems"


def place(east_km: float) -> dict[str, float]:
    """A point east_km east of a base point in Pizhou (synthetic)."""
    return {"lat": 34.33, "lon": round(117.96 + east_km / (111.32 * math.cos(math.radians(34.33))), 7)}


def vol(vid: str, east_km: float, skills: dict[str, int], **extra: Any) -> dict[str, Any]:
    held = [{"skill": s, "level": n} for s, n in skills.items()]
    return {"id": vid, "home": place(east_km), "skills": held, **extra}


def req(rid: str, east_km: float, start: str, skills: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {"id": rid, "location": place(east_km), "time": {"start": f"{DAY}T{start}", "duration": 60},
            "skills": [{"skill": s, "count": n, "min_level": 1} for s, n in skills.items()], **extra}


def problem(vols: list[dict[str, Any]], reqs: list[dict[str, Any]]) -> Any:
    return load_problem({"format": "wenming.matching/problem", "version": 1, "date_from": DAY, "date_to": DAY,
                         "volunteers": vols, "requests": reqs})


def pairs(result: Any) -> set[tuple[str, str]]:
    return {(a.request, a.volunteer) for a in result.assignments}


@pytest.fixture(scope="module")
def generated() -> Any:
    # a seed whose problem holds a pin (with 23 skills a problem this small sometimes has none)
    return load_problem(generate(250, 50, days=2, seed=12))


def test_greedy_result_on_a_generated_problem_is_valid_and_keeps_pins(generated: Any) -> None:
    result = greedy(generated)
    assert validate(generated, result) == []
    assert result.assignments and result.status is Status.FEASIBLE and result.gap is None
    pins = {(rid, v.id) for v in generated.volunteers for rid in v.pinned}
    assert pins and pins <= pairs(result)


def test_naive_result_on_a_generated_problem_is_valid_and_at_least_as_good_as_greedy(generated: Any) -> None:
    result = naive_cpsat(generated, time_limit=5, workers=1)
    assert validate(generated, result) == []
    assert result.objective.staffing >= greedy(generated).objective.staffing
    assert result.gap is not None and 0 <= result.gap <= 1


def test_greedy_gives_each_slot_to_the_nearest_qualified_volunteer() -> None:
    p = problem([vol("far", 6, {"helper": 1}), vol("near", 2, {"helper": 1}), vol("cook", 1, {"cook": 1})],
                [req("R1", 0, "09:00", {"helper": 1})])
    assert pairs(greedy(p)) == {("R1", "near")}


def test_greedy_serves_higher_priority_first() -> None:
    p = problem([vol("V1", 1, {"helper": 1})],
                [req("low", 0, "09:00", {"helper": 1}, priority=1),
                 req("high", 3, "09:00", {"helper": 1}, priority=5)])
    assert pairs(greedy(p)) == {("high", "V1")}


def test_greedy_is_all_or_nothing_unless_partial_staffing_is_allowed() -> None:
    vols = [vol("V1", 1, {"helper": 1})]
    strict = problem(vols, [req("R1", 0, "09:00", {"helper": 2})])
    loose = problem(vols, [req("R1", 0, "09:00", {"helper": 2}, allow_partial=True)])
    result = greedy(strict)
    assert result.assignments == () and [o.request for o in result.open] == ["R1"]
    assert pairs(greedy(loose)) == {("R1", "V1")}
    assert validate(strict, result) == []


def test_greedy_respects_distance_limit_and_tries_later_starts_of_a_window() -> None:
    flexible = req("R1", 0, "09:00", {"helper": 1})
    flexible["time"] = {"earliest_start": f"{DAY}T09:00", "latest_end": f"{DAY}T13:00", "duration": 60}
    late = {"weekly": [{"weekday": 3, "start": "11:00", "end": "17:00"}]}
    p = problem([vol("short", 1, {"helper": 1}, max_travel_km=1),
                 vol("late", 3, {"helper": 1}, availability=late)], [flexible])
    result = greedy(p)
    assert pairs(result) == {("R1", "late")}
    assert result.assignments[0].start >= f"{DAY}T11:"
    assert validate(p, result) == []


def test_naive_finds_the_swap_that_greedy_misses() -> None:
    # A is nearest to R1 and the only one who can do R2; greedy hands R1 to A and leaves R2 open.
    p = problem([vol("A", 0, {"helper": 1, "cook": 1}), vol("B", 5, {"helper": 1})],
                [req("R1", 0, "09:00", {"helper": 1}), req("R2", 0, "09:00", {"cook": 1})])
    assert pairs(greedy(p)) == {("R1", "A")}
    optimal = naive_cpsat(p, time_limit=5, workers=1)
    assert pairs(optimal) == {("R1", "B"), ("R2", "A")}
    assert optimal.gap == 0.0 and validate(p, optimal) == []


def test_naive_reports_an_unkeepable_pin_as_infeasible() -> None:
    p = problem([vol("V1", 30, {"helper": 1}, max_travel_km=5, pinned=["R1"])],
                [req("R1", 0, "09:00", {"helper": 1})])
    result = naive_cpsat(p, time_limit=5, workers=1)
    assert result.status is Status.INFEASIBLE and "V1->R1" in result.message


def test_naive_refuses_a_model_over_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(baseline_naive, "MAX_PAIR_TESTS", 10)
    p = problem([vol(f"V{i}", i, {"helper": 1}) for i in range(4)], [req(f"R{j}", 0, "09:00", {"helper": 1})
                                                                    for j in range(3)])
    with pytest.raises(ModelTooLarge, match="12 volunteer x request pair tests exceed"):
        naive_cpsat(p)


def test_tiny_example_is_fully_staffed_by_both_baselines() -> None:
    p = load_problem(EXAMPLES / "tiny.json")
    for result in (greedy(p), naive_cpsat(p, time_limit=5, workers=1)):
        assert validate(p, result) == []
        assert result.open == () and result.objective.staffing == 4 * 3 + 3 + 2
        assert ("R3", "V4") in pairs(result)
