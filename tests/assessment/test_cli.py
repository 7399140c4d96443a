"""`wenming assessment QUARTER --csv FILE`: the analysts' table of every indicator per unit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db import models
from resolvers.assessment.indicators import INDICATORS
from tests.assessment.support import expected_indicators, load_city_quarter
from wenming.cli import main
from wenming.settings import Settings


def test_the_csv_table_has_every_indicator_of_every_unit(db_url: str, engine: Engine, settings: Settings,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    load_city_quarter(engine, settings, "kunshan", volunteers=300, per_day=5)
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    target = tmp_path / "q3.csv"
    assert main(["assessment", "2026Q3", "--scope", "KS-C", "--csv", str(target)]) == 0
    assert "units written" in capsys.readouterr().out
    with target.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 1 + 15 + 60
    assert all(key in table[0] for key in INDICATORS)
    with engine.connect() as conn:
        center_path = conn.scalar(select(models.Unit.path).where(models.Unit.code == "KS-C"))
        expected = expected_indicators(conn, center_path)
    center = next(r for r in table if r["level"] == "CENTER")
    for key, value in expected.items():
        assert (float(center[key]) if center[key] else None) == pytest.approx(value, abs=1e-6), key
    assert main(["assessment", "2026Q9"]) == 2
    assert main(["assessment", "2026Q3", "--scope", "nowhere"]) == 2
    assert main(["assessment", "2026Q3"]) == 0  # one center in the database: the ranking summary
    assert "CENTER" in capsys.readouterr().out
