"""The per-request GraphQL context: one SQLAlchemy session, the settings, the DataLoaders.

Resolvers receive it as `info.context` with a precise type (`Info = strawberry.Info[Context,
None]`), never as a dict. The session is opened on first use and closed when the operation ends
(`SessionScope`), so a request that touches no data opens no connection.

Admission: database calls are synchronous, on the event loop, and a session keeps its connection
while the operation awaits its DataLoaders. Were more operations running than the pool has
connections, the next checkout would block the loop that the holders need to finish: a deadlock.
`SessionScope` therefore admits a query or mutation only when a slot is free (an asyncio semaphore
sized to the pool), so the wait happens in asyncio, never in the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from resolvers.core.loaders import Loaders
    from wenming.settings import Settings


@dataclass
class Context:
    """What every resolver may use for one request (HTTP) or one operation (websocket)."""

    settings: Settings
    open_session: Callable[[], Session]
    make_loaders: Callable[[Context], Loaders]
    slots: asyncio.Semaphore | None = None
    request: Any = None
    response: Any = None
    auth: Any = None  # the caller of this request (wenming.access.RequestAuth), restricting every session
    connection_params: Any = None  # the graphql-transport-ws `connection_init` payload
    _session: Session | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        """The request's session, opened on first use."""
        if self._session is None:
            self._session = self.open_session()
        return self._session

    @cached_property
    def loaders(self) -> Loaders:
        """The request's DataLoaders (batched, cached for this request only)."""
        return self.make_loaders(self)

    def close(self) -> None:
        """Roll back anything left open and return the connection to the pool."""
        if self._session is not None:
            self._session.close()
            self._session = None


Info = strawberry.Info[Context, None]


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
