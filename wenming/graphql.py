"""The served GraphQL schema: the root types of schema/api.py plus the request extensions.

Extensions, in order: the database slot and session scope of the operation, the caller's
authorisation of every root field, masking of unexpected errors, parse and validation caches,
and the query limits (depth, aliases, tokens, cost).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache

from resolvers.core import bounds
from schema.api import NODE_TYPES, Mutation, Query, Subscription
from wenming.access import Authorise
from wenming.context import SessionScope
from wenming.errors import is_client_safe, log_errors
from wenming.guard import QueryLimits

#: Distinct documents whose parse tree and validation result are kept.
DOCUMENT_CACHE_SIZE = 256


class Schema(strawberry.Schema):
    """The strawberry schema, logging errors without personal data (see wenming/errors.py)."""

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        log_errors(errors)


def _mask_errors() -> MaskErrors:
    """A fresh masking extension per operation: unexpected errors become "Unexpected error."."""
    return MaskErrors(should_mask_error=lambda error: not is_client_safe(error))


def build_schema() -> Schema:
    served = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=[
            SessionScope,
            Authorise,  # after SessionScope: loads the caller inside the operation's database slot
            _mask_errors,
            # Clients send the same few documents over and over: parse and validate each once.
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            QueryLimits,  # after validation, before execution: depth, aliases, tokens, cost (in `extensions`)
        ],
    )
    bounds.enforce(served._schema)  # every list answers at most its bound (resolvers/core/bounds.py)
    return served


schema = build_schema()
