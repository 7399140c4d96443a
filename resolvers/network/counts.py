"""Subtree counts of units (stations, volunteers, open orders), three statements per batch.

For a batch of unit paths ("/1/7/"), the minimal covering prefixes select every unit below them
in one statement; volunteers and open orders are counted per unit with a GROUP BY over the same
subtrees; each row then credits every requested ancestor found in its own path. The cost does
not grow with the number of units asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db import models
from db.enums import OrderStatus, UnitLevel

#: Orders still waiting for or in service.
OPEN_STATUSES = (
    OrderStatus.SUBMITTED,
    OrderStatus.REVIEWED,
    OrderStatus.DISPATCHED,
    OrderStatus.CONFIRMED,
    OrderStatus.IN_SERVICE,
)


def covering_prefixes(paths: Sequence[str]) -> list[str]:
    """The paths of `paths` that are not below another one of them."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


@dataclass(frozen=True)
class UnitCounts:
    """Counts over a unit's subtree (the schema's UnitCounts presents it as it is)."""

    stations: int
    volunteers: int
    open_orders: int


def subtree_counts(session: Session, paths: Sequence[str]) -> list[UnitCounts]:
    """UnitCounts for the units with these materialised paths, in order."""
    in_subtrees = or_(*(models.Unit.path.like(f"{prefix}%") for prefix in covering_prefixes(paths)))
    units = session.execute(select(models.Unit.id, models.Unit.path, models.Unit.level).where(in_subtrees))
    volunteers = _per_unit(session, models.Volunteer.unit_id, in_subtrees)
    orders = _per_unit(session, models.Order.unit_id, in_subtrees, models.Order.status.in_(OPEN_STATUSES))
    wanted = {path: Counter[str]() for path in paths}
    for unit_id, path, level in units:
        for ancestor in ancestor_paths(path):
            counts = wanted.get(ancestor)
            if counts is not None:
                counts["stations"] += level == UnitLevel.STATION
                counts["volunteers"] += volunteers.get(unit_id, 0)
                counts["open_orders"] += orders.get(unit_id, 0)
    return [
        UnitCounts(stations=c["stations"], volunteers=c["volunteers"], open_orders=c["open_orders"])
        for c in (wanted[path] for path in paths)
    ]


def _per_unit(session: Session, unit_column: Any, in_subtrees: Any, *where: Any) -> dict[int, int]:
    stmt = (
        select(unit_column, func.count())
        .join(models.Unit, models.Unit.id == unit_column)
        .where(in_subtrees, *where)
        .group_by(unit_column)
    )
    return dict(session.execute(stmt).all())


def ancestor_paths(path: str) -> list[str]:
    """"/1/7/42/" -> ["/1/", "/1/7/", "/1/7/42/"]."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
