"""The served GraphQL schema: the root types of schema/api.py plus the request extensions.

Extensions, in order: the database slot and session scope of the operation, the caller's
authorisation of every root field, parse and validation caches, and the query limits (depth,
aliases, tokens, cost). Unexpected errors are masked and logged by `Schema.process_errors`, which
strawberry runs on every result, also on one an extension failed (wenming/errors.py).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from schema.api import NODE_TYPES, Mutation, Query, Subscription
from wenming.access import Authorise
from wenming.context import SessionScope
from wenming.errors import mask_and_log
from wenming.guard import QueryLimits

#: Distinct documents whose parse tree and validation result are kept.
DOCUMENT_CACHE_SIZE = 256


class Schema(strawberry.Schema):
    """The strawberry schema, masking unexpected errors and logging them without personal data."""

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        mask_and_log(errors)  # in place: the list is the result's


def build_schema() -> Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=[
            SessionScope,
            Authorise,  # after SessionScope: loads the caller inside the operation's database slot
            # Clients send the same few documents over and over: parse and validate each once.
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            QueryLimits,  # after validation, before execution: depth, aliases, tokens, cost (in `extensions`)
        ],
    )


schema = build_schema()
