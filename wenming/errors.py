"""What clients see of errors, and what the server logs of them: one rule for every path (HTTP and
websockets, errors of resolvers and of the request extensions).

- graphql-core's own request errors (syntax, validation, variable coercion), the refusals our
  extensions build (authentication, limits) and `ClientError`s (malformed IDs, page size over the
  maximum, ...) are the client's to fix: shown as they are.
- Anything else is a bug or an outage. The client sees only "Unexpected error." with
  `extensions: {code: INTERNAL, requestId}`; the server logs, under the same request ID, the
  exception type, the field path, what the exception says and the traceback's frames (file, line,
  function). What it says is logged without the values it may carry: quoted literals and long digit
  runs (phones, ID numbers) are blanked, a database error is logged as its SQLSTATE, primary message,
  constraint and SQL (never its DETAIL, which repeats key values; bound parameters are hidden by
  the engine), and the query's variables are never logged.

`Schema.process_errors` (wenming/graphql.py) calls `mask_and_log`, which strawberry runs on every
result before it reaches the client (also when an extension raised), so nothing escapes unmasked.
"""

from __future__ import annotations

import logging
import re
import traceback
import uuid

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError

from resolvers.core.errors import ClientError, ErrorCode
from wenming.logs import REQUEST_ID

logger = logging.getLogger("wenming.api")

#: the message of every masked error
UNEXPECTED = "Unexpected error."
#: quoted literals ('...' or "...") and digit runs of phones and ID numbers, blanked in logged text
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\d{5,}[Xx]?")


def is_client_safe(error: GraphQLError) -> bool:
    """True when the error may be shown to the client as it is."""
    original = error.original_error
    if isinstance(original, ClientError):
        return True
    if original is None and (error.extensions or {}).get("code") == ErrorCode.INTERNAL.value:
        return True  # masked already
    # before execution: graphql-core's errors (original None, or a coercion GraphQLError) and our refusals
    return error.path is None and (original is None or isinstance(original, GraphQLError))


def scrub(text: str) -> str:
    """`text` with quoted literals and long digit runs blanked ("?"): loggable without personal data."""
    return _VALUES.sub("?", text)


def describe(exc: BaseException) -> str:
    """What `exc` says, without the values it may carry (see the module docstring)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        orig = exc.orig
        diag = getattr(orig, "diag", None)
        primary = getattr(diag, "message_primary", None) or str(orig).split("\n", 1)[0]
        parts = [f"{_qualified(type(orig))}: {scrub(primary)}"]
        if sqlstate := getattr(orig, "sqlstate", None):
            parts.append(f"sqlstate {sqlstate}")
        if constraint := getattr(diag, "constraint_name", None):
            parts.append(f"constraint {constraint}")
        if exc.statement:
            parts.append(f"SQL: {scrub(' '.join(exc.statement.split()))}")
        return "; ".join(parts)
    return scrub(str(exc))


def _qualified(kind: type) -> str:
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _where(error: GraphQLError) -> str:
    return ".".join(str(part) for part in error.path) if error.path else "(request)"


def _frames(exc: BaseException) -> str:
    """The traceback as "file:line in function" lines, without source text or locals."""
    return "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))


def _masked(error: GraphQLError, request_id: str) -> GraphQLError:
    return GraphQLError(UNEXPECTED, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id})


def mask_and_log(errors: list[GraphQLError]) -> None:
    """Log each error and replace, in place, every one the client may not see by its masked form."""
    request_id: str | None = None
    for index, error in enumerate(errors):
        original = error.original_error
        if is_client_safe(error):
            if isinstance(original, ClientError):
                logger.info("client error %s at %s", original.code.value, _where(error))
            elif error.path is None:
                logger.info("rejected request: %s", type(original).__name__ if original else "invalid document")
            continue
        request_id = request_id or REQUEST_ID.get() or uuid.uuid4().hex
        if original is None:  # graphql-core's own (e.g. null for a non-null field): no user data in it
            logger.error("unexpected error at %s [request %s]: %s", _where(error), request_id, error.message)
        else:
            logger.error("unexpected %s at %s [request %s]: %s\n%s", _qualified(type(original)), _where(error),
                         request_id, describe(original), _frames(original))
        errors[index] = _masked(error, request_id)
