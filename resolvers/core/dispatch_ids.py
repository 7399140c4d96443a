"""Global IDs of the dispatch workflow's objects: DispatchRun, DispatchProposal, Assignment.

Same format as resolvers/core/globalid.py (base64 of "Type:id"), decoded here because these types
are not (yet) in that module's Node registry; a malformed ID, an ID of another type and an ID
naming nothing each get their own code, like `Checks.ref`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from db import models
from resolvers.core.errors import ErrorCode, MutationAborted, Problem
from resolvers.core.globalid import encode

MODELS: dict[str, type[Any]] = {
    "DispatchRun": models.DispatchRun,
    "DispatchProposal": models.DispatchProposal,
    "Assignment": models.Assignment,
}

__all__ = ["MODELS", "decode", "encode", "load"]


def decode(global_id: str, expected: str) -> int | None:
    """The primary key of `global_id` if it names a `expected`, else None."""
    try:
        raw = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, sep, pk = raw.partition(":")
    if not sep or type_name != expected or not pk.isdigit() or int(pk) < 1:
        return None
    return int(pk)


def load(session: Session, global_id: str, expected: str, path: Sequence[str], *, lock: bool = False) -> Any:
    """The row `global_id` names, or MutationAborted naming `path` (MALFORMED_ID / NOT_FOUND)."""
    dotted = ".".join(path[1:] if path and path[0] == "input" else path)
    pk = decode(global_id, expected)
    if pk is None:
        raise MutationAborted([Problem(tuple(path), f"{dotted}: not the ID of a {expected}; pass an `id` "
                                                    "returned by this API", ErrorCode.MALFORMED_ID)])
    row = session.get(MODELS[expected], pk, with_for_update=lock or None)
    if row is None:
        raise MutationAborted([Problem(tuple(path), f"{dotted}: no {expected} has this ID", ErrorCode.NOT_FOUND)])
    return row
