"""Tree rules (db/tree.py): level checks on create and move, cycles, and the path rewrite on move."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.enums import UnitLevel
from db.errors import TreeError
from db.models import Unit
from db.tree import create_unit, move_unit
from tests.db.helpers import make_unit, small_tree


def _paths(session: Session) -> dict[int, tuple[str, int, int | None]]:
    session.expire_all()
    return {u.id: (u.path, u.depth, u.parent_id) for u in session.scalars(select(Unit))}


def test_create_sets_path_and_depth_from_the_parent(session: Session) -> None:
    center, institutes, stations = small_tree(session, institutes=1, stations=1)
    assert (center.path, center.depth) == (f"/{center.id}/", 0)
    assert (institutes[0].path, institutes[0].depth) == (f"/{center.id}/{institutes[0].id}/", 1)
    assert stations[0].path == f"/{center.id}/{institutes[0].id}/{stations[0].id}/"
    assert stations[0].depth == 2


@pytest.mark.parametrize(
    ("level", "parent_level", "code"),
    [
        (UnitLevel.STATION, UnitLevel.CENTER, "LEVEL_MISMATCH"),
        (UnitLevel.INSTITUTE, UnitLevel.INSTITUTE, "LEVEL_MISMATCH"),
        (UnitLevel.STATION, UnitLevel.STATION, "LEVEL_MISMATCH"),
        (UnitLevel.CENTER, UnitLevel.CENTER, "CENTER_HAS_PARENT"),
        (UnitLevel.INSTITUTE, None, "LEVEL_MISMATCH"),
    ],
)
def test_create_refuses_a_level_break(
    session: Session, level: UnitLevel, parent_level: UnitLevel | None, code: str
) -> None:
    center, institutes, stations = small_tree(session, institutes=1, stations=1)
    parent = {
        UnitLevel.CENTER: center,
        UnitLevel.INSTITUTE: institutes[0],
        UnitLevel.STATION: stations[0],
        None: None,
    }[parent_level]
    before = _paths(session)
    with pytest.raises(TreeError) as info:
        make_unit(session, level, parent)
    assert (info.value.code, info.value.field) == (code, "parent_id")
    assert _paths(session) == before


def test_create_under_a_missing_parent_is_parent_not_found(session: Session) -> None:
    with pytest.raises(TreeError) as info:
        create_unit(
            session, level=UnitLevel.INSTITUTE, parent_id=999_999, code="X", name="x", lat=0.0, lon=0.0
        )
    assert info.value.code == "PARENT_NOT_FOUND"


def test_move_station_to_another_institute(session: Session) -> None:
    center, (first, second), stations = small_tree(session)
    moved = move_unit(session, stations[0].id, second.id)
    session.commit()
    after = _paths(session)
    assert after[moved.id] == (f"/{center.id}/{second.id}/{moved.id}/", 2, second.id)
    assert after[stations[1].id][2] == first.id  # the sibling stays


def test_move_institute_rewrites_the_whole_subtree_and_nothing_else(session: Session) -> None:
    # Enough institutes that ids such as 2 and 21 coexist: "/1/2/" must not catch "/1/21/".
    old_center, institutes, stations = small_tree(session, institutes=21, stations=1)
    new_center = make_unit(session, UnitLevel.CENTER)
    session.commit()
    before = _paths(session)
    moving = institutes[0]
    subtree = {moving.id} | {s.id for s in stations if s.parent_id == moving.id}
    move_unit(session, moving.id, new_center.id)
    session.commit()
    after = _paths(session)
    for unit_id, (path, depth, _parent) in after.items():
        if unit_id in subtree:
            old_path = before[unit_id][0]
            assert path == old_path.replace(f"/{old_center.id}/", f"/{new_center.id}/", 1)
            assert depth == before[unit_id][1]
        else:
            assert (path, depth) == before[unit_id][:2]
    assert after[moving.id][2] == new_center.id


def test_move_updates_a_subtree_in_a_fixed_number_of_statements(session: Session) -> None:
    def updates_for_move(stations: int) -> int:
        _c, (institute,), _s = small_tree(session, institutes=1, stations=stations)
        target = make_unit(session, UnitLevel.CENTER)
        session.flush()
        seen: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
            if statement.lstrip().upper().startswith("UPDATE"):
                seen.append(statement)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", record)
        try:
            move_unit(session, institute.id, target.id)
            session.flush()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)

    assert updates_for_move(2) == updates_for_move(25)


@pytest.mark.parametrize("target", ["itself", "own_station"])
def test_move_into_own_subtree_is_a_cycle(session: Session, target: str) -> None:
    _center, institutes, stations = small_tree(session, institutes=1, stations=1)
    destination = institutes[0] if target == "itself" else stations[0]
    before = _paths(session)
    with pytest.raises(TreeError) as info:
        move_unit(session, institutes[0].id, destination.id)
    assert info.value.code == "CYCLE"
    assert _paths(session) == before


@pytest.mark.parametrize(
    ("moving", "destination"), [("station", "center"), ("station", "station"), ("institute", "institute")]
)
def test_move_refuses_a_level_break(session: Session, moving: str, destination: str) -> None:
    center, institutes, stations = small_tree(session, institutes=2, stations=1)
    units = {"center": center, "institute": institutes[0], "station": stations[0]}
    target = {"center": center, "institute": institutes[1], "station": stations[1]}[destination]
    before = _paths(session)
    with pytest.raises(TreeError) as info:
        move_unit(session, units[moving].id, target.id)
    assert info.value.code == "LEVEL_MISMATCH"
    assert _paths(session) == before


def test_a_center_cannot_be_moved_under_anything(session: Session) -> None:
    center, _institutes, _stations = small_tree(session, institutes=1, stations=0)
    other = make_unit(session, UnitLevel.CENTER)
    with pytest.raises(TreeError) as info:
        move_unit(session, center.id, other.id)
    assert info.value.code == "CENTER_HAS_PARENT"


def test_move_of_a_missing_unit_is_not_found(session: Session) -> None:
    center = make_unit(session, UnitLevel.CENTER)
    with pytest.raises(TreeError) as info:
        move_unit(session, 999_999, center.id)
    assert (info.value.code, info.value.field) == ("NOT_FOUND", "id")
