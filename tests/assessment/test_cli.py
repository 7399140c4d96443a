"""`wenming assessment QUARTER --csv FILE`: the analysts' table of every indicator per unit."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db import models
from resolvers.assessment.indicators import INDICATORS
from tests.assessment.support import Q2_START, Q3_START, expected_indicators, load_city_quarter
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
    assert float(center["projects"]) == 1  # the running psychological health project (examples/projects.py)

    # Q2 2026: Kunshan's example evaluations are dated in it; every unit's projects against the direct count
    q2 = tmp_path / "q2.csv"
    assert main(["assessment", "2026Q2", "--scope", "KS-C", "--csv", str(q2)]) == 0
    with q2.open(encoding="utf-8") as f:
        table2 = list(csv.DictReader(f))
    with engine.connect() as conn:
        paths = dict(conn.execute(select(models.Unit.code, models.Unit.path)).all())
        for row in table2:
            expected2 = expected_indicators(conn, paths[row["unit_code"]], Q2_START, Q3_START)
            assert float(row["projects"]) == pytest.approx(expected2["projects"], abs=1e-9), row["unit_code"]
    graded = {r["unit_code"]: float(r["projects"]) for r in table2 if float(r["projects"])}
    assert graded["KS-C"] > 1 + 3 * 0.4  # running, and at least the three brand projects graded at the center
    assert len(graded) >= 3  # the center and the two towns of the graded town brands
    assert main(["assessment", "2026Q9"]) == 2
    assert main(["assessment", "2026Q3", "--scope", "nowhere"]) == 2
    assert main(["assessment", "2026Q3"]) == 0  # one center in the database: the ranking summary
    assert "CENTER" in capsys.readouterr().out


def test_the_html_report_is_self_contained_and_names_every_unit_and_indicator(
        db_url: str, engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    load_city_quarter(engine, settings, "kunshan", volunteers=300, per_day=5)
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    target = tmp_path / "q3.html"
    assert main(["assessment", "2026Q3", "--scope", "KS-C", "--html", str(target)]) == 0
    assert "written to" in capsys.readouterr().out
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 5  # scores, distributions, contributions
    # nothing fetched: no address but the SVG namespaces' names (identifiers, never loaded)
    unnamed = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", page)
    assert "http://" not in unnamed and "https://" not in unnamed
    assert "<script" not in page and "<link" not in page and "<img" not in page
    with engine.connect() as conn:
        names = conn.execute(select(models.Unit.name).where(models.Unit.path.like("/%"),
                                                            models.Unit.level.in_(("CENTER", "INSTITUTE")))).scalars()
        names = [html.escape(n) for n in names]
    assert len(names) == 16 and all(name in page for name in names)
    assert all(key in page and html.escape(indicator.label) in page for key, indicator in INDICATORS.items())
    assert "what-if" not in page

    # a what-if: every weight on the projects indicator, the ranking beside the configured one
    what_if = tmp_path / "what-if.html"
    assert main(["assessment", "2026Q3", "--scope", "KS-C", "--html", str(what_if), "--weights",
                 "projects:0.6,mean_rating:0.4", "--unit", "KS-C"]) == 0
    page = what_if.read_text(encoding="utf-8")
    assert "what-if rank" in page and page.count("what-if weights") >= 2
    assert main(["assessment", "2026Q3", "--scope", "KS-C", "--html", str(what_if), "--weights",
                 "projects:0.6"]) == 2
    assert "--weights" in capsys.readouterr().err
    assert main(["assessment", "2026Q3", "--scope", "KS-C", "--weights", "projects:1"]) == 2
    assert main(["assessment", "2026Q3", "--scope", "KS-C", "--html", str(what_if), "--unit", "nowhere"]) == 2
