"""Synchronous, peer-batched loaders for the unit tree: children, own menu, team count, subtree
counts.

Why not DataLoaders here: a whole-tree read touches ~500 units and three or four fields each; a
future per field costs more than the rest of the field's work (graphql-core gathers them in
tasks). Instead every list of units the API hands out is registered as a peer group
(`UnitPeers`). When a field of one unit misses the cache, its loader fetches the value for the
whole peer group in one statement, and every sibling then resolves synchronously from the cache.
The statement count stays one per level and field, whatever the tree's size (the N+1 test holds
us to it), and the fields stay plain synchronous calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db import models
from resolvers.network.counts import ancestor_paths, covering_prefixes, subtree_counts

#: A presented Unit of the schema (read by attribute: pk, path, ...).
Unit = Any


class UnitPeers:
    """Which units were handed out together (one list, one loader batch) in this request."""

    def __init__(self) -> None:
        self.units: dict[int, Unit] = {}
        self._group: dict[int, tuple[int, ...]] = {}

    def add(self, units: Iterable[Unit]) -> list[Unit]:
        """Register `units` as one peer group (a unit keeps the first group it was seen in)."""
        listed = list(units)
        group = tuple(u.pk for u in listed)
        for unit in listed:
            self.units.setdefault(unit.pk, unit)
            self._group.setdefault(unit.pk, group)
        return listed

    def of(self, pk: int) -> tuple[int, ...]:
        return self._group.get(pk, (pk,))


class UnitPeerLoader:
    """Values by unit pk, fetched for a unit's whole peer group on the first miss."""

    def __init__(self, session: Session, present: Any, peers: UnitPeers) -> None:
        self.session = session
        self.present = present  # the schema's presenters (Context.present)
        self.peers = peers
        self.cache: dict[int, Any] = {}

    def get(self, pk: int) -> Any:
        try:
            return self.cache[pk]
        except KeyError:
            self._fill([pk])
            return self.cache[pk]

    def get_many(self, pks: Sequence[int]) -> list[Any]:
        missing = [pk for pk in pks if pk not in self.cache]
        if missing:
            self._fill(missing)
        return [self.cache[pk] for pk in pks]

    def _fill(self, pks: Sequence[int]) -> None:
        keys = list(dict.fromkeys(k for pk in pks for k in (*self.peers.of(pk), pk) if k not in self.cache))
        self.cache.update(zip(keys, self.fetch(keys)))

    def fetch(self, pks: Sequence[int]) -> list[Any]:
        raise NotImplementedError

    def path_of(self, pk: int) -> str:
        """The materialised path of unit `pk` (read from the database if it was never handed out)."""
        unit = self.peers.units.get(pk)
        if unit is not None:
            return unit.path
        return self.session.scalar(select(models.Unit.path).where(models.Unit.id == pk)) or f"/{pk}/"


class UnitsByParentLoader(UnitPeerLoader):
    """Children of units in id order; all children fetched together become one peer group."""

    def fetch(self, pks: Sequence[int]) -> list[Any]:
        table = models.Unit.__table__
        rows = self.session.execute(select(table).where(table.c.parent_id.in_(pks)).order_by(table.c.id))
        children = self.peers.add(self.present.unit(row) for row in rows)
        groups: dict[int, list[Any]] = defaultdict(list)
        for child in children:
            groups[child.parent_pk].append(child)
        return [groups.get(pk, []) for pk in pks]


class MenuByUnitLoader(UnitPeerLoader):
    """Items each unit offers itself, in item id order; one object per item per request."""

    def __init__(self, session: Session, present: Any, peers: UnitPeers) -> None:
        super().__init__(session, present, peers)
        self.items: dict[int, Any] = {}

    def fetch(self, pks: Sequence[int]) -> list[Any]:
        items = models.ServiceItem.__table__
        offers = models.MenuOffer.__table__
        stmt = (
            select(offers.c.unit_id, items)
            .join(items, items.c.id == offers.c.item_id)
            .where(offers.c.unit_id.in_(pks))
            .order_by(items.c.id)
        )
        groups: dict[int, list[Any]] = defaultdict(list)
        for row in self.session.execute(stmt):
            item = self.items.get(row.id)
            if item is None:
                item = self.items[row.id] = self.present.service_item(row)
            groups[row.unit_id].append(item)
        return [groups.get(pk, []) for pk in pks]


class TeamCountByUnitLoader(UnitPeerLoader):
    """How many teams each unit has itself."""

    def fetch(self, pks: Sequence[int]) -> list[Any]:
        column = models.Team.__table__.c.unit_id
        stmt = select(column, func.count()).where(column.in_(pks)).group_by(column)
        counts: dict[int, int] = dict(self.session.execute(stmt).all())
        return [counts.get(pk, 0) for pk in pks]


class UnitCountsByUnitLoader(UnitPeerLoader):
    """Subtree counts (stations, volunteers, open orders) of units."""

    def fetch(self, pks: Sequence[int]) -> list[Any]:
        return subtree_counts(self.session, [self.path_of(pk) for pk in pks])


class DescendantsByUnitLoader(UnitPeerLoader):
    """The units below each unit, at most `max_depth` levels down (None: all), by depth then id."""

    def __init__(self, session: Session, present: Any, peers: UnitPeers, max_depth: int | None) -> None:
        super().__init__(session, present, peers)
        self.max_depth = max_depth

    def fetch(self, pks: Sequence[int]) -> list[Any]:
        wanted = {self.path_of(pk): pk for pk in pks}
        table = models.Unit.__table__
        in_subtrees = or_(*(table.c.path.like(f"{prefix}%") for prefix in covering_prefixes(list(wanted))))
        rows = self.session.execute(select(table).where(in_subtrees).order_by(table.c.depth, table.c.id))
        below: dict[int, list[Any]] = defaultdict(list)
        found = []
        for row in rows:
            unit = None
            for ancestor_path in ancestor_paths(row.path)[:-1]:  # the unit itself is not its descendant
                ancestor = wanted.get(ancestor_path)
                if ancestor is None:
                    continue
                ancestor_depth = ancestor_path.count("/") - 2
                if self.max_depth is None or row.depth <= ancestor_depth + self.max_depth:
                    unit = unit or self.present.unit(row)
                    below[ancestor].append(unit)
            if unit is not None:
                found.append(unit)
        self.peers.add(found)
        return [below.get(pk, []) for pk in pks]
