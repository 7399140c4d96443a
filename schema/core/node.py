"""Relay's `node(id)` and `nodes(ids)`: any object by its global ID."""

from __future__ import annotations

import strawberry

from resolvers.core import node as node_resolvers
from resolvers.core.context import Info
from schema.core.relay import Node


@strawberry.type
class NodeQueries:
    @strawberry.field(description="The object with this global ID, or null if there is none.")
    def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return node_resolvers.node(info, id)

    @strawberry.field(description="The objects with these global IDs, in order; null where none.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return await node_resolvers.nodes(info, list(ids))
