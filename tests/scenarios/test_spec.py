"""Reading scenario files: the format, and bad input named by file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.scenarios.compare import differences
from matching.scenarios.errors import ScenarioError
from matching.scenarios.spec import load_scenario, parse_scenario
from tests.scenarios.conftest import TINY

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "scenarios").glob("*.toml"))


def test_the_example_scenarios_parse() -> None:
    names = {load_scenario(p).name for p in EXAMPLES}
    assert {"surge-lei-feng-day", "town-loses-third", "max-travel-sweep"} <= names


def test_a_full_scenario_is_read_into_typed_parts() -> None:
    s = parse_scenario(TINY + '\n[[changes]]\ntype = "surge_day"\ndate = 2026-03-05\nfactor = 3\n'
                       '\n[sweep]\nmax_travel_km = [3, 5]\n')
    assert (s.base.kind, s.base.volunteers, s.base.seed, s.engine.seed) == ("generated", 300, 2, 2)
    assert s.changes == ({"type": "surge_day", "date": "2026-03-05", "factor": 3.0},)
    assert s.sweep == {"max_travel_km": (3.0, 5.0)}


def _error(text: str, file: Path | None = Path("x.toml")) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file)
    return info.value


def test_toml_syntax_error_names_file_line_and_column() -> None:
    err = _error("name = \"a\"\n[base\nkind = 1\n")
    assert "x.toml" in str(err) and "line 2" in str(err)


def test_unknown_top_level_key_names_its_line() -> None:
    err = _error("nmae = \"a\"\n[base]\nkind = \"generated\"\n")
    assert err.where == "line 1: nmae" and "unknown key" in str(err)


def test_unknown_key_in_a_change_names_the_change_and_line() -> None:
    text = TINY + '\n[[changes]]\ntype = "surge_day"\ndate = 2026-03-05\nfactor = 2\n' \
                  '\n[[changes]]\ntype = "remove_volunteers"\ntown = "yunhe"\nshar = 0.3\n'
    err = _error(text)
    line = text.splitlines().index("shar = 0.3") + 1
    assert err.where == f"line {line}: changes[1].shar"


def test_unknown_change_type_and_missing_required_key() -> None:
    assert "unknown change type 'grow'" in str(_error(TINY + '[[changes]]\ntype = "grow"\n'))
    assert "surge_day needs 'factor'" in str(_error(TINY + '[[changes]]\ntype = "surge_day"\ndate = 2026-03-05\n'))


@pytest.mark.parametrize("body, where", [
    ('type = "remove_volunteers"\ncount = 3\nshare = 0.1', "changes[0]"),
    ('type = "remove_volunteers"\nshare = 1.5', "changes[0].share"),
    ('type = "scale_demand"\nfactor = -1', "changes[0].factor"),
    ('type = "scale_demand"\nfactor = 2\npriority = 9', "changes[0].priority"),
    ('type = "engine_settings"\nmax_travel_km = 0', "changes[0].max_travel_km"),
    ('type = "engine_settings"\nstaffing = "heads"', "changes[0].staffing"),
    ('type = "surge_day"\ndate = "March 5"\nfactor = 3', "changes[0].date"),
])
def test_impossible_change_values_name_their_key(body: str, where: str) -> None:
    err = _error(TINY + "[[changes]]\n" + body + "\n")
    assert err.where.endswith(where)


def test_base_problems() -> None:
    assert "missing table [base]" in str(_error('name = "a"\n'))
    assert _error('[base]\nkind = "snapshot"\n').where == "line 2: base.kind"
    assert "not used with kind" in str(_error('[base]\nkind = "problem"\npath = "p.json"\nvolunteers = 3\n'))
    assert _error('[base]\nkind = "generated"\npreset = "huge"\n').where == "line 3: base.preset"


def test_sweep_parameter_without_values_or_unknown() -> None:
    assert "non-empty list" in str(_error(TINY + "[sweep]\nmax_travel_km = []\n"))
    assert "unknown sweep parameter" in str(_error(TINY + "[sweep]\nmax_travel = [3]\n"))
    assert "must be > 0" in str(_error(TINY + "[sweep]\nmax_travel_km = [3, -1]\n"))


def test_unreadable_scenario_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="missing.toml: cannot read"):
        load_scenario(tmp_path / "missing.toml")


def test_a_database_base_is_read_and_checked() -> None:
    s = parse_scenario('[base]\nkind = "database"\nunit = "PZ-I01"\ndate_from = 2026-12-01\n')
    assert (s.base.kind, s.base.unit, s.base.date_from, s.base.date_to, s.base.url) == \
        ("database", "PZ-I01", "2026-12-01", "2026-12-01", None)
    assert _error('[base]\nkind = "database"\ndate_from = 2026-12-01\n').where == "base.unit"
    assert _error('[base]\nkind = "database"\nunit = "PZ-C"\n').where == "base.date_from"
    long = _error('[base]\nkind = "database"\nunit = "PZ-C"\ndate_from = 2026-12-01\ndate_to = 2027-02-01\n')
    assert long.where == "line 5: base.date_to" and "at most 31 days" in str(long)
    mixed = _error('[base]\nkind = "database"\nunit = "PZ-C"\ndate_from = 2026-12-01\nvolunteers = 3\n')
    assert mixed.where == "line 5: base.volunteers" and 'not used with kind = "database"' in str(mixed)


def test_headline_differences_say_which_way_is_better() -> None:
    def doc(staffed: int, p90: float | None, status: str) -> dict:
        return {"size": {"demanded": 10, "requests": 4, "volunteers": 20},
                "staffing": {"overall": {"rate": staffed / 10, "staffed": staffed}, "fully_staffed_requests": 0.5},
                "open_by_reason": {"NONE_AVAILABLE": 10 - staffed}, "travel_km": {"p50": 1.0, "p90": p90, "max": 5.0},
                "workload": {"used": 5, "share_used": 0.25, "max": 2, "gini": 0.1}, "cohesion": {"rate": None},
                "solve": {"status": status, "gap": 0.0, "seconds": 1.0}}

    got = {d.key: d for d in differences(doc(6, 3.0, "OPTIMAL"), doc(8, 4.5, "FEASIBLE"))}
    assert (got["staffed"].difference, got["staffed"].better) == (2, True)
    assert (got["open_requests"].difference, got["open_requests"].better) == (-2, True)
    assert (got["travel_km_p90"].difference, got["travel_km_p90"].better) == (1.5, False)
    assert (got["demanded"].difference, got["demanded"].better) == (0, None)
    assert got["solve_status"].difference is None and got["cohesion_rate"].difference is None
