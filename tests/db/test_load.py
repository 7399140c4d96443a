"""Loading example cities (examples/load.py) into migrated databases, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.enums import UnitLevel
from db.models import Base, Skill, Unit
from db.queries import effective_menu_item_ids
from db.tree import create_unit
from examples.generate import generate_city
from examples.load import ExampleLoadError, load_city, load_city_into

DAY = date(2026, 12, 1)
KEY = "test-key"


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in Base.metadata.tables.items()
        }


def test_load_a_small_city_stores_exactly_the_generated_rows(engine: Engine) -> None:
    report = load_city_into(engine, "pizhou", volunteers=300, seed=3, day=DAY, secret_key=KEY)
    expected = generate_city("pizhou", volunteers=300, seed=3, day=DAY, secret_key=KEY)
    assert report.counts == expected.counts()
    stored = _counts(engine)
    assert {name: stored[name] for name in expected.counts()} == expected.counts()
    with Session(engine) as session:
        levels = dict(session.execute(select(Unit.level, func.count()).group_by(Unit.level)).all())
        assert levels == {UnitLevel.CENTER: 1, UnitLevel.INSTITUTE: 25, UnitLevel.STATION: 490}
        station = expected.rows("units")[-1]
        offered = {row["item_id"] for row in expected.rows("menu_offers")}
        station_id = station["id"]
        assert isinstance(station_id, int)
        menu = effective_menu_item_ids(session, station_id)
        assert menu and set(menu) <= offered


def test_two_cities_share_one_database_and_the_catalogue(engine: Engine) -> None:
    load_city_into(engine, "pizhou", volunteers=100, seed=1, day=DAY, secret_key=KEY)
    kunshan = load_city_into(engine, "kunshan", volunteers=100, seed=1, day=DAY, secret_key=KEY)
    assert kunshan.counts["skills"] == 0  # reused from the first city
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Skill)) == 24  # 23 of the menu, first-aid of training
        centers = session.scalars(select(Unit).where(Unit.level == UnitLevel.CENTER).order_by(Unit.id)).all()
        assert [c.name for c in centers] == ["邳州市新时代文明实践中心", "昆山市新时代文明实践中心"]
        assert centers[1].id == kunshan.center_id
        # Ids handed out by the database after a load do not collide (PostgreSQL sequences moved on).
        institute = session.scalars(select(Unit).where(Unit.parent_id == kunshan.center_id)).first()
        assert institute is not None
        added = create_unit(
            session,
            level=UnitLevel.STATION,
            parent_id=institute.id,
            code="NEW-1",
            name="新站",
            lat=31.4,
            lon=120.9,
        )
        session.commit()
        assert added.id > max(u.id for u in centers) and added.path.startswith(institute.path)


def test_loading_a_city_twice_is_refused_and_writes_nothing(engine: Engine) -> None:
    load_city_into(engine, "kunshan", volunteers=50, seed=1, day=DAY, secret_key=KEY)
    before = _counts(engine)
    with pytest.raises(ExampleLoadError, match="kunshan is already loaded"):
        load_city_into(engine, "kunshan", volunteers=50, seed=2, day=DAY, secret_key=KEY)
    assert _counts(engine) == before


def test_load_city_by_url_migrates_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"  # never migrated
    report = load_city(url, "kunshan", volunteers=60, seed=1, day=DAY, secret_key=KEY, progress=False)
    assert report.counts["units"] == 76 and report.counts["volunteers"] == 60


def test_cli_loads_then_refuses_a_second_load(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from wenming.cli import main

    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    assert main(["examples", "load", "kunshan", "--volunteers", "50", "--seed", "2"]) == 0
    assert re.search(r"kunshan: \d+ rows in [\d.]+ s \(center id \d+\)", capsys.readouterr().out)
    assert main(["examples", "load", "kunshan", "--volunteers", "50"]) == 2
    assert "kunshan is already loaded" in capsys.readouterr().err
    assert main(["examples", "load", "pizhou", "--volunteers", "150001"]) == 2
    assert "volunteers=150001: choose between 0 and 150000" in capsys.readouterr().err
