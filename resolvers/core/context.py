"""The per-request context every resolver receives: one SQLAlchemy session, the settings, the
DataLoaders, the caller, and the presenters that turn rows into API objects.

Resolvers receive it as `info.context` with a precise type (`Info = strawberry.Info[Context,
None]`), never as a dict. The session is opened on first use and closed when the operation ends
(wenming/context.py `SessionScope`), so a request that touches no data opens no connection.

`present` is supplied by the schema (schema/core/present.py): resolvers hand it rows and get the
schema's objects back, without importing schema/ (data flows one way, docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import strawberry
from sqlalchemy import event
from sqlalchemy.orm import Session

from resolvers.core.errors import ClientError, ErrorCode

if TYPE_CHECKING:
    from resolvers.core.loaders import Loaders
    from resolvers.core.settings import Settings


@dataclass
class Context:
    """What every resolver may use for one request (HTTP) or one operation (websocket)."""

    settings: Settings
    open_session: Callable[[], Session]
    make_loaders: Callable[[Context], Loaders]
    present: Any = None  # the schema's presenters (schema/core/present.py): row -> API object
    slots: asyncio.Semaphore | None = None
    request: Any = None
    response: Any = None
    auth: Any = None  # the caller of this request (wenming.access.RequestAuth), restricting every session
    connection_params: Any = None  # the graphql-transport-ws `connection_init` payload
    deadline: float | None = None  # monotonic time after which the operation's statements fail
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


def _actor(info: Info) -> Any:
    auth = info.context.auth
    caller = auth.caller if auth is not None else None
    if caller is None:
        raise RuntimeError("an audited write without an authenticated caller (the root gate admits none)")
    return caller


def actor_of(info: Info) -> str:
    """Who acts, for audit lines: the authenticated account's username, never a field of the input."""
    return str(_actor(info).username)


def actor_account_id(info: Info) -> int:
    """The authenticated account's id, for rows that record who acted."""
    return int(_actor(info).account_id)


def watch_deadline(session: Session, context: Context) -> Session:
    """Make every statement of `session` first check the operation's time budget: an operation
    past `context.deadline` fails at its next statement with a TIMEOUT error (one caller cannot
    hold the server for minutes); returns the session."""

    def check(_state: Any) -> None:
        if context.deadline is not None and time.monotonic() > context.deadline:
            seconds = context.settings.limits.execution_seconds
            raise ClientError(f"the operation ran over its budget of {seconds} s: ask for less (smaller pages, "
                              "fewer nested lists)", ErrorCode.TIMEOUT)

    event.listen(session, "do_orm_execute", check)
    return session
