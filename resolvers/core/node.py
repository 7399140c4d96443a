"""`node(id)` and `nodes(ids)`: any object by its global ID, through the by-ID loaders."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode

if TYPE_CHECKING:
    from resolvers.core.context import Info


def node(info: Info, global_id: str) -> Any:
    """The object, or null when the well-formed ID names nothing (a malformed ID is an error)."""
    type_name, pk = globalid.decode(global_id, ("id",))
    return info.context.loaders.node(type_name).load(pk)


async def nodes(info: Info, global_ids: list[str]) -> list[Any]:
    """The objects in the order asked, null for IDs that name nothing."""
    limit = info.context.settings.max_page_size
    if len(global_ids) > limit:
        raise ClientError(f"ids: at most {limit} IDs per call", ErrorCode.PAGE_SIZE, ("ids",))
    decoded = [globalid.decode(gid, ("ids", str(i))) for i, gid in enumerate(global_ids)]
    loaders = info.context.loaders
    return list(await asyncio.gather(*(loaders.node(t).load(pk) for t, pk in decoded)))
