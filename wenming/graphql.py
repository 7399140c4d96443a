"""The served GraphQL schema: the root types of schema/api.py plus the request extensions.

Extensions, in order: the database slot and session scope of the operation, the caller's
authorisation of every root field, parse and validation caches, and the query limits (depth,
aliases, tokens, cost). Unexpected errors are masked and logged by `Schema.process_errors`, which
strawberry runs on every result, also on one an extension failed (wenming/errors.py).
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionResult

from resolvers.core import bounds
from resolvers.core.context import Context
from schema.api import NODE_TYPES, Mutation, Query, Subscription
from wenming.access import Authorise
from wenming.context import SessionScope
from wenming.errors import mask_and_log
from wenming.guard import QueryLimits
from wenming.metrics import OperationMetrics

#: Distinct documents whose parse tree and validation result are kept.
DOCUMENT_CACHE_SIZE = 256


#: Threads executing queries and mutations (each with an event loop of its own): more than the
#: database slots, so a free slot never waits for a thread.
OPERATION_THREADS = 16
_operations = ThreadPoolExecutor(max_workers=OPERATION_THREADS, thread_name_prefix="graphql-operation")


class Schema(strawberry.Schema):
    """The strawberry schema, masking unexpected errors and logging them without personal data
    (see wenming/errors.py).

    Resolvers and database calls are synchronous. Run on the server's event loop, one expensive
    operation (the most the cost limit allows takes about a second) would stall every other
    request for as long as it runs. So each query and mutation is admitted on the loop (a
    database slot, see wenming/context.py) and then executed in a worker thread with an event
    loop of its own (DataLoaders batch there as before); the server's loop stays free to accept,
    parse and answer, and the interpreter shares the processor between running operations in
    turn. Subscriptions stay on the server's loop (they wait, they do not compute).
    """

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        context = kwargs.get("context_value")
        slots = None
        if isinstance(context, Context) and context.slots is not None:
            slots, context.slots = context.slots, None  # admitted here: SessionScope takes no second slot
            await slots.acquire()
        try:
            operation = super().execute(*args, **kwargs)
            # in a copy of this context: the request ID (wenming/logs.py) follows into the thread
            return await asyncio.get_running_loop().run_in_executor(
                _operations, contextvars.copy_context().run, asyncio.run, operation)
        finally:
            if slots is not None:  # the operation's session is closed by then (SessionScope)
                slots.release()

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        mask_and_log(errors)  # in place: the list is the result's


def build_schema() -> Schema:
    served = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=[
            OperationMetrics,  # first: times the whole operation
            SessionScope,
            Authorise,  # after SessionScope: loads the caller inside the operation's database slot
            # Clients send the same few documents over and over: parse and validate each once.
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            QueryLimits,  # after validation, before execution: depth, aliases, tokens, cost (in `extensions`)
        ],
    )
    bounds.enforce(served._schema)  # every list answers at most its bound (resolvers/core/bounds.py)
    return served


schema = build_schema()
