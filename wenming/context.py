"""The per-request GraphQL context: one SQLAlchemy session, the settings, the DataLoaders.

Resolvers receive it as `info.context` with a precise type (`Info = strawberry.Info[Context,
None]`), never as a dict. The session is opened on first use and closed by the app when the
operation ends (see wenming/app.py), so a request that touches no data opens no connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator

import strawberry
from strawberry.extensions import SchemaExtension

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from resolvers.loaders import Loaders
    from wenming.settings import Settings


@dataclass
class Context:
    """What every resolver may use for one request (HTTP) or one operation (websocket)."""

    settings: Settings
    open_session: Callable[[], Session]
    make_loaders: Callable[[Context], Loaders]
    request: Any = None
    response: Any = None
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


class ReleaseSession(SchemaExtension):
    """Closes the operation's session when the operation ends, on success or failure."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                context.close()
