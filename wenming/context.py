"""The session scope of one GraphQL operation (the context itself: resolvers/core/context.py).

Admission: database calls are synchronous, and a session keeps its connection while the
operation awaits its DataLoaders. Were more operations running than the pool has connections,
the next checkout would block an operation that the holders need to finish. An operation is
therefore admitted only when a slot is free (an asyncio semaphore sized to the pool), so the wait
happens in asyncio, never in the pool: queries and mutations over HTTP are admitted by
`wenming.graphql.Schema.execute` on the server's loop before they move to their worker thread;
`SessionScope` admits the operations that reach it unadmitted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from resolvers.core.context import Context


class SessionScope(SchemaExtension):
    """Admits a query or mutation when a database slot is free; closes the session when it ends.

    Subscriptions take no slot: they live as long as the client listens, and would starve every
    other request; their resolvers read through short sessions of their own (`open_session`).
    """

    def __init__(self) -> None:
        super().__init__()
        self._slot: asyncio.Semaphore | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if (
            isinstance(context, Context)
            and context.slots is not None
            and self.execution_context.operation_type is not OperationType.SUBSCRIPTION
        ):
            await context.slots.acquire()
            self._slot = context.slots
        if isinstance(context, Context) and self.execution_context.operation_type is not OperationType.SUBSCRIPTION:
            context.deadline = time.monotonic() + context.settings.limits.execution_seconds
        yield

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                context.close()
            if self._slot is not None:  # released only once the connection is back in the pool
                self._slot.release()
                self._slot = None
