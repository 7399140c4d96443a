"""Cursor connections: `first`/`after` over a SELECT ordered by primary key (keyset paging).

A cursor is base64 of "cursor:<id>"; the next page is `id > <id>`, which stays correct when rows
are added between pages and costs an index seek instead of an OFFSET scan. `first` defaults to
and is capped by `Settings.max_page_size`; over the cap is a clean error naming `first`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, func, select

from resolvers.core.context import Context
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.globalid import MAX_ID_CHARS, MAX_PK


def encode_cursor(pk: int) -> str:
    return base64.b64encode(f"cursor:{pk}".encode()).decode("ascii")


def decode_cursor(cursor: str) -> int:
    """The primary key behind a cursor, or ClientError(INVALID_CURSOR) naming `after`."""
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raw = ""
    prefix, _, pk = raw.partition(":") if len(cursor) <= MAX_ID_CHARS else ("", "", "")
    if prefix != "cursor" or not pk.isascii() or not pk.isdigit() or int(pk) > MAX_PK:
        shown = repr(cursor) if len(cursor) <= MAX_ID_CHARS else f"a {len(cursor):,}-character text"
        raise ClientError(
            f"after: {shown} is not a cursor; pass an `endCursor` returned by this API",
            ErrorCode.INVALID_CURSOR,
            ("after",),
        )
    return int(pk)


def page_size(first: int | None, max_page_size: int) -> int:
    """The effective page size: `first`, or the maximum when omitted; errors name `first`."""
    if first is None:
        return max_page_size
    if first < 0:
        raise ClientError("first: must be zero or more", ErrorCode.PAGE_SIZE, ("first",))
    if first > max_page_size:
        raise ClientError(
            f"first: {first} is over the maximum page size {max_page_size}; page with `after`",
            ErrorCode.PAGE_SIZE,
            ("first",),
        )
    return first


def paginate(
    ctx: Context,
    stmt: Select[Any],
    pk_column: Any,
    mapper: Callable[[Any], Any],
    first: int | None,
    after: str | None,
) -> Any:
    """One page of `stmt` (a SELECT of one entity) as the schema's Connection; totalCount runs on demand."""
    session = ctx.session
    size = page_size(first, ctx.settings.max_page_size)
    after_pk = decode_cursor(after) if after is not None else None
    page_stmt = stmt.order_by(pk_column).limit(size + 1)
    if after_pk is not None:
        page_stmt = page_stmt.where(pk_column > after_pk)
    rows = session.scalars(page_stmt).all()
    has_next = len(rows) > size

    def count() -> int:
        return int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)

    return connection(ctx, [(encode_cursor(row.id), mapper(row)) for row in rows[:size]], has_next,
                      after_pk is not None, count)


def page_of_list(ctx: Context, items: Sequence[Any], first: int | None, after: str | None) -> Any:
    """One page of a list held in memory (a run's stored result) as the schema's Connection; a
    cursor is a position (the item's index + 1), which stays correct because the list does not change."""
    size = page_size(first, ctx.settings.max_page_size)
    start = decode_cursor(after) if after is not None else 0
    chunk = items[start:start + size]
    return connection(ctx, [(encode_cursor(start + i + 1), item) for i, item in enumerate(chunk)],
                      start + size < len(items), start > 0, lambda: len(items))


def connection(ctx: Context, nodes: list[tuple[str, Any]], has_next: bool, has_previous: bool,
               count: Callable[[], int]) -> Any:
    """The schema's Connection of (cursor, node) pairs."""
    present = ctx.present
    edges = [present.edge(cursor=cursor, node=node) for cursor, node in nodes]
    return present.connection(
        edges=edges,
        page_info=present.page_info(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )
