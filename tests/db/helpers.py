"""Small builders for database tests: units through db.tree, with only the fields a test cares about."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from db.enums import UnitLevel
from db.models import Unit
from db.tree import create_unit

_codes = count(1)


def make_unit(session: Session, level: UnitLevel, parent: Unit | None = None, name: str = "") -> Unit:
    """Create a unit at (34.33, 117.96) with a unique code."""
    number = next(_codes)
    return create_unit(
        session,
        level=level,
        parent_id=parent.id if parent else None,
        code=f"T-{level.value[:1]}{number}",
        name=name or f"{level.value.lower()} {number}",
        lat=34.33,
        lon=117.96,
    )


def small_tree(
    session: Session, institutes: int = 2, stations: int = 2
) -> tuple[Unit, list[Unit], list[Unit]]:
    """A center with `institutes` institutes of `stations` stations each."""
    center = make_unit(session, UnitLevel.CENTER)
    made_institutes, made_stations = [], []
    for _ in range(institutes):
        institute = make_unit(session, UnitLevel.INSTITUTE, center)
        made_institutes.append(institute)
        made_stations += [make_unit(session, UnitLevel.STATION, institute) for _ in range(stations)]
    return center, made_institutes, made_stations
