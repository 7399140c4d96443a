"""`kind = "database"` bases: a snapshot of the example database (Pizhou, 1,500 volunteers, one
day of orders) through `wenming scenario`, on SQLite and PostgreSQL; names resolve against the
database; bad input exits 2 naming the file, line and key, and writes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db import models
from db.enums import UnitLevel
from examples.load import load_city_into
from matching.scenarios import kinds, kpis
from matching.scenarios.changes import apply_changes
from matching.scenarios.cli import main as scenario_main
from matching.scenarios.spec import parse_scenario
from resolvers.scenarios.base import NOT_DEMAND, build_dataset
from wenming.cli import main

DAY = date(2026, 12, 1)
VOLUNTEERS = 1500


def scenario(url: str, unit: str = "PZ-C", extra: str = "", date_from: str = "2026-12-01") -> str:
    return f'''name = "db"
seed = 4

[base]
kind = "database"
unit = "{unit}"
date_from = "{date_from}"
url = "{url}"
{extra}
[engine]
time_limit = 10
workers = 1
'''


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    load_city_into(engine, "pizhou", volunteers=VOLUNTEERS, seed=1, day=DAY, progress=False)
    return engine


def _run(file: Path, out: Path, *more: str) -> int:
    return main(["scenario", "run", str(file), "-o", str(out), "-q", *more])


def _kpis(folder: Path) -> dict:
    return json.loads((folder / "kpis.json").read_text(encoding="utf-8"))


def test_a_database_base_runs_with_the_unit_tree_as_side_table(loaded: Engine, db_url: str, write_scenario,
                                                               tmp_path: Path) -> None:
    with loaded.connect() as conn:
        orders = conn.execute(select(models.Order.id).where(models.Order.status.not_in(NOT_DEMAND))).all()
        institutes = {c: n for c, n in conn.execute(
            select(models.Unit.code, models.Unit.name).where(models.Unit.level == UnitLevel.INSTITUTE))}
    assert orders
    town_code = "PZ-I03"
    change = f'[[changes]]\ntype = "remove_volunteers"\ntown = "{institutes[town_code]}"\nshare = 0.5\n'
    file = write_scenario(scenario(db_url, extra=change))
    assert _run(file, tmp_path / "a") == 0
    assert _run(file, tmp_path / "b") == 0
    a, b = _kpis(tmp_path / "a"), _kpis(tmp_path / "b")
    # same snapshot and seed, one worker budgeted in deterministic time, both proven optimal
    assert a["kpis"]["solve"]["status"] == b["kpis"]["solve"]["status"] == "OPTIMAL"
    assert kpis.without_timings(a["kpis"]) == kpis.without_timings(b["kpis"])
    assert a["kpis"]["size"]["requests"] >= len(orders)
    assert set(a["kpis"]["staffing"]["by_institute"]) <= set(institutes) | {"outside"}
    assert a["kpis"]["staffing"]["by_domain"] and all(k.islower() for k in a["kpis"]["staffing"]["by_domain"])
    assert f"in town={town_code}" in a["changes"][0]  # the name resolved to the unit's code
    assert a["kpis"]["staffing"]["overall"]["staffed"] > 0


def test_a_database_sweep_reads_the_database_once_for_all_points(loaded: Engine, db_url: str, write_scenario,
                                                                 tmp_path: Path) -> None:
    file = write_scenario(scenario(db_url, unit="PZ-C"))
    assert main(["scenario", "sweep", str(file), "--param", "max_travel_km=2,30", "--jobs", "2", "-q",
                 "-o", str(tmp_path / "s")]) == 0
    points = json.loads((tmp_path / "s" / "kpis.json").read_text(encoding="utf-8"))
    assert len({p["fingerprint"] for p in points}) == 2
    staffed = [p["kpis"]["staffing"]["overall"]["staffed"] for p in points]
    assert staffed[0] <= staffed[1]


def test_the_database_url_defaults_to_the_environment(loaded: Engine, db_url: str, write_scenario, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    text = scenario(db_url, unit="PZ-I05").replace(f'url = "{db_url}"\n', "")
    assert _run(write_scenario(text), tmp_path / "e") == 0
    assert set(_kpis(tmp_path / "e")["kpis"]["staffing"]["by_institute"]) <= {"PZ-I05", "outside"}


@pytest.mark.parametrize("case, expected", [
    ("unknown_unit", "s.toml: line 6: base.unit: no unit has the code or name 'atlantis'"),
    ("empty_range", "s.toml: line 7: base.date_from: no order is served in the area of PZ-C"),
    ("backwards", "s.toml: line 9: base.date_to: 2026-11-30 is before date_from 2026-12-01"),
    ("unknown_town", "s.toml: line 11: changes[0].town: unknown institute 'atlantis'; known: PZ-I01"),
    ("unknown_team", "s.toml: line 11: changes[0].team: unknown team 'T-health'"),
])
def test_bad_database_bases_exit_2_and_write_nothing(loaded: Engine, db_url: str, write_scenario,
                                                     tmp_path: Path, capsys, case: str, expected: str) -> None:
    text = {
        "unknown_unit": scenario(db_url, unit="atlantis"),
        "empty_range": scenario(db_url, date_from="2027-01-01"),
        "backwards": scenario(db_url).replace("\n[engine]", 'date_to = "2026-11-30"\n\n[engine]'),
        "unknown_town": scenario(db_url, extra='[[changes]]\ntype = "remove_volunteers"\ntown = "atlantis"\n'
                                               'count = 1\n'),
        "unknown_team": scenario(db_url, extra='[[changes]]\ntype = "remove_team"\nteam = "T-health"\n'),
    }[case]
    assert _run(write_scenario(text), tmp_path / "out") == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_unreadable_database_exits_2_and_creates_no_file(write_scenario, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "missing.db"
    assert _run(write_scenario(scenario(f"sqlite:///{missing}")), tmp_path / "out") == 2
    assert "line 8: base.url: no database file" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "out").exists()
    unmigrated = tmp_path / "empty.db"
    unmigrated.write_bytes(b"")
    assert _run(write_scenario(scenario(f"sqlite:///{unmigrated}"), "t.toml"), tmp_path / "out") == 2
    assert "t.toml: line 8: base.url: cannot read the database" in capsys.readouterr().err


def test_without_a_registered_builder_a_database_base_is_refused(write_scenario, tmp_path: Path, capsys,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinds, "_KINDS", {})
    assert scenario_main(["run", str(write_scenario(scenario("sqlite:///x.db"))), "-o", str(tmp_path / "o")]) == 2
    assert "line 5: base.kind: a \"database\" base cannot be read here" in capsys.readouterr().err


def test_teams_and_stations_are_named_by_code_or_name(loaded: Engine, db_url: str) -> None:
    base = parse_scenario(scenario(db_url))
    with Session(loaded) as session:
        ds = build_dataset(session, base.base)
    team, team_name = min(ds.team_names.items())
    station = min(s for s in ds.request_station.values() if s in ds.stations)
    text = scenario(db_url, extra=f'[[changes]]\ntype = "remove_team"\nteam = "{team_name}"\n\n'
                                  f'[[changes]]\ntype = "scale_demand"\nstation = "{ds.stations[station].name}"\n'
                                  'factor = 2\n')
    _, log = apply_changes(parse_scenario(text), ds)
    assert f"team {team} dissolved" in log[0] and f"station={station}" in log[1]
