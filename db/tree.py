"""Rules of the practice tree (center 中心 -> institute 所 -> station 站) and the materialised path.

Only this module writes `Unit.parent_id`, `Unit.path` and `Unit.depth`:
- a CENTER has no parent; an INSTITUTE's parent is a CENTER; a STATION's parent is an INSTITUTE;
- `path` lists the ids from the root down to the unit itself, e.g. "/1/7/42/", and `depth` is the
  number of ancestors, so `path LIKE '/1/7/%'` selects the subtree of unit 7 with one index range;
- a move that would put a unit under itself or its own subtree (CYCLE) or break the levels
  (LEVEL_MISMATCH) is refused; an accepted move rewrites the path and depth of the whole subtree
  in one UPDATE statement.
Violations raise `db.errors.TreeError` with a stable code; nothing is written in that case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, update
from sqlalchemy.orm import Session

from db.enums import UnitLevel
from db.errors import TreeError
from db.models import Unit

PARENT_LEVEL: dict[UnitLevel, UnitLevel | None] = {
    UnitLevel.CENTER: None,
    UnitLevel.INSTITUTE: UnitLevel.CENTER,
    UnitLevel.STATION: UnitLevel.INSTITUTE,
}


def child_path(parent_path: str | None, unit_id: int) -> str:
    """The materialised path of unit `unit_id` under a parent with `parent_path` (None: a root)."""
    return f"{parent_path or '/'}{unit_id}/"


def path_ids(path: str) -> list[int]:
    """The unit ids in a materialised path, root first: "/1/7/42/" -> [1, 7, 42]."""
    return [int(part) for part in path.strip("/").split("/") if part]


def subtree_pattern(path: str) -> str:
    """The LIKE pattern selecting the unit with `path` and all its descendants."""
    return path + "%"


def check_parent(level: UnitLevel, parent: Unit | None) -> None:
    """Raise TreeError unless `parent` is an allowed parent for a unit of `level`."""
    expected = PARENT_LEVEL[UnitLevel(level)]
    if expected is None:
        if parent is not None:
            raise TreeError(
                "a center is the root of its tree and takes no parent: leave parent empty",
                code="CENTER_HAS_PARENT",
                field="parent_id",
            )
        return
    if parent is None:
        raise TreeError(
            f"a {level.lower()} needs a parent {expected.lower()}: give parent_id",
            code="LEVEL_MISMATCH",
            field="parent_id",
        )
    if parent.level != expected:
        raise TreeError(
            f"a {level.lower()} must sit under a {expected.lower()}, "
            f"but unit {parent.id} is a {parent.level.lower()}: choose a {expected.lower()} as parent",
            code="LEVEL_MISMATCH",
            field="parent_id",
        )


def _get_parent(session: Session, parent_id: int | None) -> Unit | None:
    if parent_id is None:
        return None
    parent = session.get(Unit, parent_id)
    if parent is None:
        raise TreeError(
            f"parent unit {parent_id} does not exist: give the id of an existing unit",
            code="PARENT_NOT_FOUND",
            field="parent_id",
        )
    return parent


def create_unit(session: Session, *, level: UnitLevel, parent_id: int | None = None, **fields: Any) -> Unit:
    """Add a unit under `parent_id`, set its path and depth, flush, and return it.

    `fields` are the other Unit columns (code, name, lat, lon, address, ...). The caller commits.
    """
    level = UnitLevel(level)
    parent = _get_parent(session, parent_id)
    check_parent(level, parent)
    unit = Unit(level=level, parent_id=parent_id, path="/", depth=0, **fields)
    session.add(unit)
    session.flush()  # assigns unit.id, needed in the path
    unit.path = child_path(parent.path if parent else None, unit.id)
    unit.depth = parent.depth + 1 if parent else 0
    session.flush()
    return unit


def move_unit(session: Session, unit_id: int, new_parent_id: int | None) -> Unit:
    """Put unit `unit_id` under `new_parent_id`, rewriting the subtree's paths in one UPDATE."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise TreeError(
            f"unit {unit_id} does not exist: give the id of an existing unit", code="NOT_FOUND", field="id"
        )
    parent = _get_parent(session, new_parent_id)
    if parent is None or unit.level == UnitLevel.CENTER:
        check_parent(unit.level, parent)  # raises unless a center stays a root
        return unit
    if parent.path.startswith(unit.path):
        raise TreeError(
            f"unit {parent.id} is {unit.id} itself or inside its subtree; moving there would make a "
            "cycle: choose a parent outside the subtree",
            code="CYCLE",
            field="parent_id",
        )
    check_parent(unit.level, parent)
    if unit.parent_id == parent.id:
        return unit
    old_path = unit.path
    new_path = child_path(parent.path, unit.id)
    depth_delta = parent.depth + 1 - unit.depth
    session.flush()
    session.execute(
        update(Unit)
        .where(Unit.path.like(subtree_pattern(old_path)))
        .values(
            path=literal(new_path) + func.substr(Unit.path, len(old_path) + 1),
            depth=Unit.depth + depth_delta,
        )
        .execution_options(synchronize_session="fetch")
    )
    unit.parent_id = parent.id
    session.flush()
    return unit


def check_department_unit(session: Session, unit_id: int) -> Unit:
    """The unit a department (科室) may belong to: it must exist and be a CENTER."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise TreeError(
            f"unit {unit_id} does not exist: give the id of a center", code="NOT_FOUND", field="unit_id"
        )
    if unit.level != UnitLevel.CENTER:
        raise TreeError(
            f"departments belong to a center, but unit {unit_id} is a {unit.level.lower()}: choose a center",
            code="NOT_A_CENTER",
            field="unit_id",
        )
    return unit
