"""Relay global IDs: base64 of "Type:id", opaque to clients, decoded and checked here.

A global ID names a GraphQL type and an integer primary key. Decoding is strict: anything that is
not base64 of "<KnownType>:<pk>", 1 <= pk <= MAX_PK (the id columns' range), is MALFORMED_ID; a
well-formed ID of another type than a field expects is WRONG_TYPE. Callers in mutations turn these
into `userErrors` (see `Problem`), queries raise them as `ClientError`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy.orm import Session

from resolvers.core.errors import ClientError, ErrorCode, MutationAborted, Problem
from resolvers.core.nodes import NODE_MODELS, OTHER_MODELS


def encode(type_name: str, pk: int) -> strawberry.ID:
    """The global ID of row `pk` of GraphQL type `type_name`."""
    return strawberry.ID(base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii"))


#: the largest primary key: id columns are 32-bit INTEGERs (a larger one names nothing)
MAX_PK = 2**31 - 1
#: the longest global ID this API hands out, with room to spare ("Type:pk", base64)
MAX_ID_CHARS = 64


def _parse(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key) of base64 "<Type>:<pk>" with 1 <= pk <= MAX_PK, else None."""
    if len(global_id) > MAX_ID_CHARS:
        return None
    try:
        raw = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, sep, pk_text = raw.partition(":")
    if not sep or not pk_text.isascii() or not pk_text.isdigit() or not 1 <= int(pk_text) <= MAX_PK:
        return None
    return type_name, int(pk_text)


def decode(global_id: str, path: Sequence[str] = ("id",)) -> tuple[str, int]:
    """(type name, primary key) of a global ID, or ClientError(MALFORMED_ID) naming `path`."""
    parsed = _parse(global_id)
    if parsed is None or parsed[0] not in NODE_MODELS:
        shown = repr(global_id) if len(global_id) <= MAX_ID_CHARS else f"a {len(global_id):,}-character text"
        raise ClientError(
            f"{'.'.join(path)}: {shown} is not a global ID; pass an `id` value returned by this API",
            ErrorCode.MALFORMED_ID,
            path,
        )
    return parsed


def decode_as(global_id: str, expected: str, path: Sequence[str] = ("id",)) -> int:
    """The primary key of a global ID that must name a `expected`; WRONG_TYPE otherwise."""
    type_name, pk = decode(global_id, path)
    if type_name != expected:
        raise ClientError(
            f"{'.'.join(path)}: expected the ID of a {expected}, got the ID of a {type_name}",
            ErrorCode.WRONG_TYPE,
            path,
        )
    return pk


def decode_pk(global_id: str, expected: str) -> int | None:
    """The primary key of `global_id` if it names a `expected` (any type with global IDs), else None."""
    parsed = _parse(global_id)
    return parsed[1] if parsed is not None and parsed[0] == expected else None


def load(session: Session, global_id: str, expected: str, path: Sequence[str], *, lock: bool = False) -> Any:
    """The row `global_id` names, or MutationAborted naming `path` (MALFORMED_ID / NOT_FOUND)."""
    dotted = ".".join(path[1:] if path and path[0] == "input" else path)
    pk = decode_pk(global_id, expected)
    if pk is None:
        raise MutationAborted([Problem(tuple(path), f"{dotted}: not the ID of a {expected}; pass an `id` "
                                                    "returned by this API", ErrorCode.MALFORMED_ID)])
    model = NODE_MODELS.get(expected) or OTHER_MODELS[expected]
    row = session.get(model, pk, with_for_update=lock or None)
    if row is None:
        raise MutationAborted([Problem(tuple(path), f"{dotted}: no {expected} has this ID", ErrorCode.NOT_FOUND)])
    return row
