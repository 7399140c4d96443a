"""Shared read queries over the practice tree, the menu and volunteers.

Each function issues a fixed number of statements whatever the size of the result (no N+1):
- `subtree_unit_ids`: the unit and all its descendants, via the materialised path (one range scan);
- `ancestor_unit_ids`: the unit's ancestors, root first, read from its path (one statement);
- `effective_menu_item_ids`: the items offered by the unit or any of its ancestors (two statements);
- `subtree_condition`: the WHERE clause other queries use to filter by a subtree;
- `volunteer_id_by_fingerprint`: the volunteer already registered with an ID number, if any;
- `run_statistics`: dispatch and scenario runs per state, with the seconds the finished ones took
  (two grouped statements).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.errors import TreeError
from db.models import DispatchRun, MenuOffer, ScenarioRun, Unit, Volunteer
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


def run_statistics(session: Session) -> list[tuple[str, str, int, float]]:
    """(kind "dispatch" or "scenario", state, runs, seconds from start to finish summed over the
    runs of that state that finished) for every state that has runs."""
    postgres = session.get_bind().dialect.name == "postgresql"
    out: list[tuple[str, str, int, float]] = []
    model: Any
    took: ColumnElement[Any]
    for kind, model in (("dispatch", DispatchRun), ("scenario", ScenarioRun)):
        if postgres:
            took = func.extract("epoch", model.finished_at - model.started_at)
        else:
            took = (func.julianday(model.finished_at) - func.julianday(model.started_at)) * 86400.0
        rows = session.execute(select(model.state, func.count(), func.coalesce(func.sum(took), 0.0))
                               .group_by(model.state).order_by(model.state))
        out.extend((kind, state.value, int(n), float(seconds)) for state, n, seconds in rows)
    return out
