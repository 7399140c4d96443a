"""The Pizhou-like problem generator: deterministic, valid for the engine's loader, varied as
promised, and drawn from the one catalogue the database example loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.catalogue import ITEMS, SKILLS
from examples.problems.generate import PRESETS, generate, main
from examples.problems.jsonfile import dumps_problem
from examples.problems.pizhou import CITY_TEAMS, MENU, TOWNS
from matching import load_problem

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "problems"


def test_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    first = dumps_problem(generate(300, 60, days=2, seed=5))
    assert dumps_problem(generate(300, 60, days=2, seed=5)) == first
    assert dumps_problem(generate(300, 60, days=2, seed=6)) != first


def test_written_text_is_the_json_of_the_problem() -> None:
    doc = generate(50, 10, seed=2)
    assert json.loads(dumps_problem(doc)) == doc


def test_generated_problem_loads_with_requested_sizes_and_period() -> None:
    problem = load_problem(generate(400, 80, days=3, seed=3))
    assert (len(problem.volunteers), len(problem.requests), problem.num_days) == (400, 80, 3)
    assert str(problem.date_from) == "2026-03-05" and str(problem.date_to) == "2026-03-07"
    for r in problem.requests:
        assert problem.date_from.toordinal() <= problem.date_from.toordinal() + r.time.earliest_start // 1440
        assert r.time.earliest_start // 1440 < 3


def test_a_seven_day_problem_starts_on_a_monday() -> None:
    problem = load_problem(generate(100, 20, days=7, seed=1))
    assert problem.date_from.weekday() == 0 and problem.num_days == 7


def test_generated_day_has_the_variety_the_benchmark_relies_on() -> None:
    doc = generate(2000, 400, seed=1)
    reqs, vols = doc["requests"], doc["volunteers"]
    assert any("earliest_start" in r["time"] for r in reqs) and any("start" in r["time"] for r in reqs)
    assert {r["priority"] for r in reqs} == {1, 2, 3, 4, 5}
    assert any(r["allow_partial"] for r in reqs) and any(not r["allow_partial"] for r in reqs)
    assert any(r["requires_insurance"] for r in reqs) and any(not r["eligible_teams"] for r in reqs)
    clinic = [r for r in reqs if [s["skill"] for s in r["skills"]] == ["doctor", "helper"]]
    assert clinic and all(r["skills"][1]["count"] == 2 for r in clinic)
    expired = [s for v in vols for s in v["skills"] if s.get("expires", "9999") < doc["date_from"]]
    assert expired, "some certifications must have expired"
    assert any(v.get("insurance_valid_until", "") < doc["date_from"] for v in vols)
    assert any("availability" not in v for v in vols)
    assert any("exceptions" in v.get("availability", {}) for v in vols)
    assert any("pinned" in v for v in vols) and any("forbidden" in v for v in vols)
    towns = {t for v in vols for t in v["teams"] if t.startswith("T-town-")}
    assert len(towns) == len(TOWNS)
    assert set(CITY_TEAMS) == {t for v in vols for t in v["teams"] if not t.startswith("T-town-")}
    assert {"T-health", "T-theory", "T-agriculture"} <= set(CITY_TEAMS)
    assert len(MENU) >= 10


def test_skills_and_services_are_those_of_the_database_example() -> None:
    """One catalogue: every skill held or asked for, and every order's skill mix, is in
    examples/catalogue.py; seasonal items appear only in their months; a long service is never
    set for the evening."""
    doc = generate(3000, 600, days=2, seed=2, date_from="2026-07-13")
    assert doc["skills"] == sorted(s.code for s in SKILLS)
    held = {s["skill"] for v in doc["volunteers"] for s in v["skills"]}
    assert held <= set(doc["skills"]) and len(held) > 15
    needs = {tuple((s["skill"], s["count"], s["min_level"]) for s in r["skills"]) for r in doc["requests"]}
    assert needs <= {item.needs for item in ITEMS}
    summer = next(item.needs for item in ITEMS if item.code == "summer_care")
    couplets = next(item.needs for item in ITEMS if item.code == "spring_couplets")
    assert summer in needs and couplets not in needs  # July: summer care, no Spring Festival couplets
    march = generate(3000, 600, seed=2)
    assert summer not in {tuple((s["skill"], s["count"], s["min_level"]) for s in r["skills"])
                          for r in march["requests"]}
    for r in doc["requests"] + march["requests"]:
        if "start" in r["time"] and r["time"]["start"][11:] >= "18:00":
            assert r["time"]["duration"] <= 90 + 30, r  # an evening service: a short one (stretched at most 30)


def test_homes_stay_inside_the_synthetic_county() -> None:
    doc = generate(3000, 10, seed=4)
    lats = [v["home"]["lat"] for v in doc["volunteers"]]
    lons = [v["home"]["lon"] for v in doc["volunteers"]]
    assert min(lats) >= 34.05 and max(lats) <= 34.70 and min(lons) >= 117.50 and max(lons) <= 118.30


def test_presets_are_the_issue_sizes() -> None:
    assert PRESETS == {"small": (1_000, 200, 1), "medium": (10_000, 1_000, 1),
                       "county": (150_000, 3_000, 1), "week": (150_000, 10_000, 7)}


def test_cli_writes_a_loadable_file_and_rejects_bad_sizes(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.json"
    assert main(["--volunteers", "120", "--requests", "15", "--seed", "9", "-o", str(out)]) == 0
    assert len(load_problem(out).requests) == 15
    with pytest.raises(SystemExit) as exc:
        main(["--volunteers", "0", "-o", str(out)])
    assert exc.value.code == 2 and "volunteers >= 1" in capsys.readouterr().err


def test_committed_small_example_is_the_generator_output() -> None:
    text = (EXAMPLES / "small.json").read_text(encoding="utf-8")
    assert text == dumps_problem(generate(1000, 200, days=1, seed=1))
    assert len(text.encode()) < 2_000_000


@pytest.mark.parametrize("name", ["tiny.json", "small.json", "gap1-0.json"])
def test_committed_examples_load(name: str) -> None:
    problem = load_problem(EXAMPLES / name)
    assert problem.requests and problem.volunteers
