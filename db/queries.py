"""Shared read queries over the practice tree, the menu and volunteers.

Each function issues a fixed number of statements whatever the size of the result (no N+1):
- `subtree_unit_ids`: the unit and all its descendants, via the materialised path (one range scan);
- `ancestor_unit_ids`: the unit's ancestors, root first, read from its path (one statement);
- `effective_menu_item_ids`: the items offered by the unit or any of its ancestors (two statements);
- `subtree_condition`: the WHERE clause other queries use to filter by a subtree;
- `volunteer_id_by_fingerprint`: the volunteer already registered with an ID number, if any.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from db.errors import TreeError
from db.models import MenuOffer, Unit, Volunteer
from db.tree import path_ids, subtree_pattern


def unit_path(session: Session, unit_id: int) -> str:
    """The materialised path of a unit, or TreeError NOT_FOUND."""
    path = session.scalar(select(Unit.path).where(Unit.id == unit_id))
    if path is None:
        raise TreeError(f"unit {unit_id} does not exist: give the id of an existing unit", code="NOT_FOUND")
    return path


def subtree_condition(path: str) -> ColumnElement[bool]:
    """`Unit.path LIKE '<path>%'`: true for the unit with `path` and every descendant."""
    return Unit.path.like(subtree_pattern(path))


def subtree_unit_ids(session: Session, unit_id: int) -> list[int]:
    """Ids of the unit and all its descendants, ordered by path (parents before children)."""
    path = unit_path(session, unit_id)
    return list(session.scalars(select(Unit.id).where(subtree_condition(path)).order_by(Unit.path)))


def ancestor_unit_ids(session: Session, unit_id: int) -> list[int]:
    """Ids of the unit's ancestors, root first (the unit itself excluded)."""
    return path_ids(unit_path(session, unit_id))[:-1]


def effective_menu_item_ids(session: Session, unit_id: int) -> list[int]:
    """Ids of the service items on the unit's effective menu: its own offers and its ancestors'."""
    chain = path_ids(unit_path(session, unit_id))
    rows = session.scalars(
        select(MenuOffer.item_id).where(MenuOffer.unit_id.in_(chain)).distinct().order_by(MenuOffer.item_id)
    )
    return list(rows)


def volunteer_id_by_fingerprint(session: Session, fingerprint: str) -> int | None:
    """The id of the volunteer registered with this ID-number fingerprint, or None."""
    return session.scalar(select(Volunteer.id).where(Volunteer.id_number_fingerprint == fingerprint))
