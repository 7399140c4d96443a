"""Resolvers of the practice network: the unit list queries and the fields of Unit.

The tree fields (children, menu, teamCount, counts) resolve synchronously through the peer-batched
loaders of resolvers/network/tree.py; every list of units handed out is registered as a peer group so
that those loaders batch over it. Other reference fields return a DataLoader's future (no
coroutine of their own). Either way a list of units costs a constant number of statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from db import models
from db.enums import BaseCategory, PointCategory, UnitLevel
from resolvers.core import filters, globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


#: A presented Unit of the schema (read by attribute: pk, path, ...).
Unit = Any


def units(
    info: Info,
    *,
    level: UnitLevel | None,
    base_category: BaseCategory | None,
    point_category: PointCategory | None,
    name_contains: str | None,
    parent: str | None,
    near: Any,
    first: int | None,
    after: str | None,
) -> Any:
    """Units matching every given filter, in id order."""
    stmt = select(models.Unit)
    if level is not None:
        stmt = stmt.where(models.Unit.level == level)
    if base_category is not None:
        stmt = stmt.where(
            exists().where(
                models.PracticeBase.unit_id == models.Unit.id, models.PracticeBase.category == base_category
            )
        )
    if point_category is not None:
        stmt = stmt.where(
            exists().where(
                models.PracticePoint.unit_id == models.Unit.id, models.PracticePoint.category == point_category
            )
        )
    if name_contains:
        stmt = stmt.where(models.Unit.name.contains(name_contains, autoescape=True))
    if parent is not None:
        stmt = stmt.where(models.Unit.parent_id == globalid.decode_as(parent, "Unit", ("parent",)))
    if near is not None:
        filters.check_circle(near.lat, near.lon, near.radius_km, ("near",))
        stmt = stmt.where(filters.within_radius(models.Unit.lat, models.Unit.lon, near.lat, near.lon, near.radius_km))
    return _page(info, stmt, models.Unit, info.context.present.unit, first, after)


def unit_by_code(info: Info, code: str) -> Any:
    row = info.context.session.scalar(select(models.Unit).where(models.Unit.code == code.strip()))
    if row is None:
        return None
    return info.context.loaders.unit_peers.add([info.context.present.unit(row)])[0]


def _attached(info: Info, model: Any, mapper: Any, category: Any, unit: str | None, name_contains: str | None,
              near: Any, first: int | None, after: str | None) -> Any:
    stmt = select(model)
    if category is not None:
        stmt = stmt.where(model.category == category)
    if unit is not None:
        prefix = filters.subtree_path(info.context.session, unit, ("unitSubtree",))
        stmt = stmt.where(filters.unit_in_subtree(model.unit_id, prefix))
    if name_contains:
        stmt = stmt.where(model.name.contains(name_contains, autoescape=True))
    if near is not None:
        filters.check_circle(near.lat, near.lon, near.radius_km, ("near",))
        stmt = stmt.where(filters.within_radius(model.lat, model.lon, near.lat, near.lon, near.radius_km))
    return _page(info, stmt, model, mapper, first, after)


def practice_bases(info: Info, *, category: BaseCategory | None, unit_subtree: str | None,
                   name_contains: str | None, near: Any, first: int | None, after: str | None) -> Any:
    return _attached(info, models.PracticeBase, info.context.present.practice_base, category, unit_subtree,
                     name_contains, near, first, after)


def practice_points(info: Info, *, category: PointCategory | None, unit_subtree: str | None,
                    name_contains: str | None, near: Any, first: int | None, after: str | None) -> Any:
    return _attached(info, models.PracticePoint, info.context.present.practice_point, category, unit_subtree,
                     name_contains, near, first, after)


def departments(info: Info, *, unit: str | None, first: int | None, after: str | None) -> Any:
    stmt = select(models.Department)
    if unit is not None:
        stmt = stmt.where(models.Department.unit_id == globalid.decode_as(unit, "Unit", ("unit",)))
    return _page(info, stmt, models.Department, info.context.present.department, first, after)


def _page(info: Info, stmt: Any, model: Any, mapper: Any, first: int | None, after: str | None) -> Any:
    ctx = info.context
    page = paginate(ctx, stmt, model.id, mapper, first, after)
    if model is models.Unit:
        ctx.loaders.unit_peers.add(edge.node for edge in page.edges)
    return page


# Fields of Unit -------------------------------------------------------------------------------


def unit_by_pk(info: Info, pk: int | None) -> Any:
    if pk is None:
        return None
    return info.context.loaders.unit_by_id.load(pk)


def parent(info: Info, unit: Unit) -> Any:
    return unit_by_pk(info, unit.parent_pk)


def children(info: Info, unit: Unit) -> list[Any]:
    return info.context.loaders.units_by_parent.get(unit.pk)


def _ancestor_pks(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/")[:-1]]


def ancestors(info: Info, unit: Unit) -> Any:
    return info.context.loaders.unit_by_id.load_many(_ancestor_pks(unit))


def descendants(info: Info, unit: Unit, max_depth: int | None) -> list[Any]:
    if max_depth is not None and max_depth < 0:
        raise ClientError("maxDepth: must be zero or more", ErrorCode.OUT_OF_RANGE, ("maxDepth",))
    return info.context.loaders.descendants_by_unit(max_depth).get(unit.pk)  # bounded (resolvers/core/bounds.py)


def counts(info: Info, unit: Unit) -> Any:
    return info.context.loaders.unit_counts_by_unit.get(unit.pk)


def menu(info: Info, unit: Unit) -> list[Any]:
    return info.context.loaders.menu_by_unit.get(unit.pk)


def effective_menu(info: Info, unit: Unit) -> list[Any]:
    """The unit's own offers and its ancestors', each item once, nearest offer first."""
    menus = info.context.loaders.menu_by_unit.get_many([unit.pk, *reversed(_ancestor_pks(unit))])
    seen: set[int] = set()
    items = []
    for own_menu in menus:
        for item in own_menu:
            if item.pk not in seen:
                seen.add(item.pk)
                items.append(item)
    return items


def teams(info: Info, unit: Unit) -> Any:
    return info.context.loaders.teams_by_unit.load(unit.pk)


def team_count(info: Info, unit: Unit) -> int:
    return info.context.loaders.team_count_by_unit.get(unit.pk)


def bases(info: Info, unit: Unit) -> Any:
    return info.context.loaders.bases_by_unit.load(unit.pk)


def points(info: Info, unit: Unit) -> Any:
    return info.context.loaders.points_by_unit.load(unit.pk)


def departments_of(info: Info, unit: Unit) -> Any:
    return info.context.loaders.departments_by_unit.load(unit.pk)

