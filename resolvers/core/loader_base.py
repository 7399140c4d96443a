"""Base classes of the DataLoaders: a batch function is one synchronous SQL statement over the
request's session, run when the event loop has collected the keys of one tick.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader

from resolvers.core.nodes import NODE_MODELS


class SessionLoader(DataLoader[Any, Any]):
    """A DataLoader whose batch function is the synchronous `fetch(keys)` over the request session."""

    def __init__(self, session: Session, present: Any) -> None:
        super().__init__(load_fn=self._load)
        self.session = session
        self.present = present  # the schema's presenters (Context.present)

    async def _load(self, keys: Sequence[Any]) -> list[Any]:
        return self.fetch(keys)

    def fetch(self, keys: Sequence[Any]) -> list[Any]:
        raise NotImplementedError


class ByIdLoader(SessionLoader):
    """Objects by primary key (None where a key names no row); `on_batch` sees each batch's objects."""

    type_name: str
    on_batch: Callable[[list[Any]], Any] | None = None

    def fetch(self, keys: Sequence[int]) -> list[Any]:
        model, mapper = NODE_MODELS[self.type_name], self.present.node(self.type_name)
        table = model.__table__  # plain rows: the objects are mapped, ORM instances are not needed
        found = {row.id: mapper(row) for row in self.session.execute(select(table).where(table.c.id.in_(keys)))}
        if self.on_batch is not None:
            self.on_batch(list(found.values()))
        return [found.get(key) for key in keys]


class GroupLoader(SessionLoader):
    """Lists of objects by a foreign key; `pairs(keys)` yields (key, object)."""

    def fetch(self, keys: Sequence[Hashable]) -> list[Any]:
        groups: dict[Hashable, list[Any]] = defaultdict(list)
        for key, value in self.pairs(keys):
            groups[key].append(value)
        return [groups.get(key, []) for key in keys]

    def pairs(self, keys: Sequence[Any]) -> Iterable[tuple[Any, Any]]:
        raise NotImplementedError


class CountLoader(SessionLoader):
    """Row counts by a foreign key (0 where none); subclasses name `column`."""

    column: Any

    def fetch(self, keys: Sequence[int]) -> list[int]:
        column = type(self).column  # read on the class: on an instance the ORM descriptor misfires
        stmt = select(column, func.count()).where(column.in_(keys)).group_by(column)
        counts: dict[int, int] = dict(self.session.execute(stmt).all())
        return [counts.get(key, 0) for key in keys]
