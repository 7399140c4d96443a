"""What clients see of errors, and what the server logs of them.

- Errors raised before execution (syntax, validation, variable coercion) and `ClientError`s
  (malformed IDs, page size over the maximum, ...) are the client's to fix: shown as they are.
- Any other exception inside a resolver is a bug or an outage: the client sees only
  "Unexpected error." (strawberry's MaskErrors) and the server logs the exception type, the field
  path and the traceback's frames (file, line, function), but never the exception message nor the query's variables,
  which may hold phone or ID numbers (SQLAlchemy, for one, puts bound parameters in its messages).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence

from graphql import GraphQLError

from resolvers.core.errors import ClientError

logger = logging.getLogger("wenming.api")


def is_client_safe(error: GraphQLError) -> bool:
    """True when the error may be shown to the client as it is."""
    original = error.original_error
    if isinstance(original, ClientError):
        return True
    return error.path is None


def _where(error: GraphQLError) -> str:
    return ".".join(str(part) for part in error.path) if error.path else "(request)"


def _frames(exc: BaseException) -> str:
    """The traceback as "file:line in function" lines, without source text or locals."""
    return "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))


def _origin(exc: BaseException) -> str:
    """Where the exception was raised: the innermost frame as "file:line in function"."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "unknown place"


def log_errors(errors: Sequence[GraphQLError]) -> None:
    """Log each error without personal data (see the module docstring)."""
    for error in errors:
        original = error.original_error
        if isinstance(original, ClientError):
            logger.info("client error %s at %s", original.code.value, _where(error))
        elif error.path is None:
            logger.info("rejected request: %s", type(original).__name__ if original else "invalid document")
        else:
            if original is None:  # graphql-core's own (e.g. null for a non-null field): no user data in it
                logger.error("unexpected GraphQLError at %s: %s", _where(error), error.message)
                continue
            kind = type(original)
            name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
            logger.error("unexpected %s at %s (raised in %s)\n%s", name, _where(error), _origin(original),
                         _frames(original))
