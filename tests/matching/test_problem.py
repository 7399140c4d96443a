"""The problem format: loading, round trips, and bad input that names its JSON path."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from matching import (
    Cover,
    ProblemError,
    ResultError,
    TimeSpec,
    available_intervals,
    dump_problem,
    jsonio,
    load_problem,
    load_result,
    result_to_json,
    solve,
)


def base(tiny_path: Path) -> dict[str, Any]:
    return json.loads(tiny_path.read_text(encoding="utf-8"))


def test_the_example_loads_with_minutes_since_the_first_day(tiny_path: Path) -> None:
    p = load_problem(tiny_path)
    r2 = p.requests[1]
    assert r2.time == TimeSpec.window(13 * 60, 18 * 60, 60)
    assert p.requests[0].time == TimeSpec.at(9 * 60, 120)
    assert p.volunteers[0].skills[0].expires.isoformat() == "2027-01-01"
    assert p.settings.weight(5) == 5 and p.settings.speed_kmh == 25


def test_availability_is_weekly_on_each_date_plus_dated_minus_exceptions(tiny_path: Path) -> None:
    p = load_problem(tiny_path)
    # Thursday 08:00-17:00 weekly, 18:00-21:00 dated, 12:00-13:00 taken out
    assert available_intervals(p.volunteers[0], p.date_from, p.date_to) == [(480, 720), (780, 1020), (1080, 1260)]
    assert available_intervals(p.volunteers[1], p.date_from, p.date_to) is None


def test_dump_then_load_gives_the_same_problem(tiny_path: Path, tmp_path: Path) -> None:
    p = load_problem(tiny_path)
    target = tmp_path / "again.json"
    dump_problem(p, target)
    assert load_problem(target) == p
    assert not list(tmp_path.glob(".*.tmp"))


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _pop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


BAD = [
    ("unknown skill", _set(["requests", 0, "skills", 0, "skill"], "pilot"),
     "requests[0].skills[0].skill", "unknown skill 'pilot'"),
    ("unknown team", _set(["requests", 0, "eligible_teams"], ["T-health", "T-ghost"]),
     "requests[0].eligible_teams[1]", "unknown team 'T-ghost'"),
    ("latitude out of range", _set(["volunteers", 2, "home", "lat"], 91.5),
     "volunteers[2].home.lat", "greater than the maximum of 90"),
    ("longitude out of range", _set(["requests", 1, "location", "lon"], -181),
     "requests[1].location.lon", "less than the minimum of -180"),
    ("window ends before it starts", _set(["requests", 1, "time", "latest_end"], "2026-03-05T12:00"),
     "requests[1].time.latest_end", "ends before earliest_start"),
    ("window shorter than the service", _set(["requests", 1, "time", "latest_end"], "2026-03-05T13:30"),
     "requests[1].time.latest_end", "shorter than the duration"),
    ("dated availability ends before it starts",
     _set(["volunteers", 0, "availability", "dated", 0, "end"], "2026-03-05T17:00"),
     "volunteers[0].availability.dated[0].end", "ends before it starts"),
    ("weekly window ends before it starts", _set(["volunteers", 0, "availability", "weekly", 0, "end"], "07:00"),
     "volunteers[0].availability.weekly[0].end", "ends before it starts"),
    ("zero headcount", _set(["requests", 0, "skills", 1, "count"], 0),
     "requests[0].skills[1].count", "at least 1"),
    ("negative headcount", _set(["requests", 0, "skills", 0, "count"], -2),
     "requests[0].skills[0].count", "at least 1"),
    ("duplicate volunteer id", _set(["volunteers", 3, "id"], "V2"),
     "volunteers[3].id", "duplicate id 'V2'"),
    ("duplicate request id", _set(["requests", 1, "id"], "R1"), "requests[1].id", "duplicate id 'R1'"),
    ("pin of an unknown request", _set(["volunteers", 1, "pinned"], ["R9"]),
     "volunteers[1].pinned[0]", "unknown request 'R9'"),
    ("override of an unknown volunteer",
     _set(["settings", "overrides"], [{"volunteer": "V9", "request": "R1", "distance_km": 1.0}]),
     "settings.overrides[0].volunteer", "unknown volunteer 'V9'"),
    ("missing field", _pop(["requests", 0, "location"]), "requests[0].location", "required"),
    ("unknown field", _set(["volunteers", 1, "nickname"], "x"), "volunteers[1].nickname", "unknown field"),
    ("time neither fixed nor flexible", _set(["requests", 0, "time"], {"start": "2026-03-05T09:00"}),
     "requests[0].time", "must be {start, duration}"),
    ("date that does not exist", _set(["volunteers", 0, "insurance_valid_until"], "2026-02-30"),
     "volunteers[0].insurance_valid_until", "not a valid date"),
    ("request outside the period", _set(["requests", 0, "time", "start"], "2026-03-07T09:00"),
     "requests[0].time.start", "outside the period"),
    ("wrong format", _set(["format"], "something/else"), "format", "'wenming.matching/problem' was expected"),
    ("volunteer attribute not a scalar", _set(["volunteers", 1, "attributes"], {"tags": ["a"]}),
     "volunteers[1].attributes.tags", "is not of type"),
    ("request attribute null", _set(["requests", 0, "attributes"], {"kind": None}),
     "requests[0].attributes.kind", "is not of type"),
    ("unknown staffing objective", _set(["settings", "staffing"], "heads"), "settings.staffing", "is not one of"),
    ("insurance cover ending before it starts", _set(["volunteers", 1, "insurance_covers"], [
        {"activity": "clinic", "valid_from": "2026-03-06", "valid_until": "2026-03-05"}]),
     "volunteers[1].insurance_covers[0].valid_until", "ends before valid_from"),
    ("insurance cover without an activity", _set(["volunteers", 1, "insurance_covers"], [
        {"valid_from": "2026-03-05", "valid_until": "2026-03-05"}]),
     "volunteers[1].insurance_covers[0].activity", "required"),
]


@pytest.mark.parametrize(("change", "path", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_its_path(tiny_path: Path, change: Callable[[dict[str, Any]], None], path: str,
                                  words: str) -> None:
    doc = base(tiny_path)
    change(doc)
    with pytest.raises(ProblemError) as err:
        load_problem(doc)
    assert err.value.path == path
    assert words in str(err.value)
    assert str(err.value).startswith(path + ": ")


VOLUNTEER_CASES = [b for b in BAD if b[2].startswith("volunteers[") and "unknown request" not in b[3]
                   and "duplicate" not in b[3] and "ends before" not in b[3] and "valid date" not in b[3]]


@pytest.mark.parametrize(("change", "path", "words"), [b[1:] for b in VOLUNTEER_CASES],
                         ids=[b[0] for b in VOLUNTEER_CASES])
def test_large_documents_check_volunteers_the_same_way(tiny_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       change: Callable[[dict[str, Any]], None], path: str,
                                                       words: str) -> None:
    # above the size limit volunteers are checked by hand-written code instead of the schema
    # validator: the same errors must come out
    monkeypatch.setattr(jsonio, "SCHEMA_VOLUNTEERS_LIMIT", 0)
    doc = base(tiny_path)
    change(doc)
    with pytest.raises(ProblemError) as err:
        load_problem(doc)
    assert (err.value.path, words in str(err.value)) == (path, True)


def test_large_documents_accept_what_the_schema_accepts(tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_problem(tiny_path)
    monkeypatch.setattr(jsonio, "SCHEMA_VOLUNTEERS_LIMIT", 0)
    assert load_problem(tiny_path) == expected


def test_attributes_are_kept_for_a_callers_rules(tiny_path: Path) -> None:
    doc = base(tiny_path)
    doc["volunteers"][0]["attributes"] = {"birth_date": "2001-04-02", "drives": True}
    doc["requests"][0]["attributes"] = {"floor": 3}
    problem = load_problem(doc)
    assert problem.volunteers[0].attribute("birth_date") == "2001-04-02"
    assert problem.volunteers[0].attribute("drives") is True
    assert problem.volunteers[1].attribute("birth_date") is None
    assert problem.requests[0].attribute("floor") == 3
    again = dump_problem(problem)
    assert again["volunteers"][0]["attributes"] == {"birth_date": "2001-04-02", "drives": True}
    assert "attributes" not in again["volunteers"][1]
    assert load_problem(again) == problem


def test_insurance_covers_and_the_request_activity_round_trip(tiny_path: Path) -> None:
    doc = base(tiny_path)
    doc["volunteers"][0]["insurance_covers"] = [{"activity": "clinic", "valid_from": "2026-03-01",
                                                 "valid_until": "2026-03-31"}]
    doc["requests"][0]["activity"] = "clinic"
    problem = load_problem(doc)
    assert problem.volunteers[0].insurance_covers == (Cover("clinic", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),)
    assert problem.requests[0].activity == "clinic" and problem.requests[1].activity is None
    again = dump_problem(problem)
    assert again["volunteers"][0]["insurance_covers"] == doc["volunteers"][0]["insurance_covers"]
    assert "insurance_covers" not in again["volunteers"][1] and "activity" not in again["requests"][1]
    assert load_problem(again) == problem


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "wenming.matching/problem",\n "version": 1,,}', encoding="utf-8")
    with pytest.raises(ProblemError, match=r"malformed JSON at line 2 column 15"):
        load_problem(bad)


def test_a_missing_file_is_a_problem_error(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="cannot read"):
        load_problem(tmp_path / "nope.json")


def test_result_json_round_trips(tiny: Any, fast: Any) -> None:
    result = solve(tiny, fast)
    doc = result_to_json(result)
    assert result_to_json(load_result(doc)) == doc
    assert load_result(doc).assignments == result.assignments


def test_a_bad_result_names_its_path(tiny: Any, fast: Any) -> None:
    doc = copy.deepcopy(result_to_json(solve(tiny, fast)))
    doc["assignments"][0]["travel_minutes"] = -1
    with pytest.raises(ResultError) as err:
        load_result(doc)
    assert err.value.path == "assignments[0].travel_minutes"
