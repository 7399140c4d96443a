"""Live updates over graphql-transport-ws: a run's progress (dispatch and scenario runs), and
notifications from the outbox.

Both read the database (the truth) in a fresh short session each time, and wait between reads for
a wake-up from the broker (a background run or a committed mutation, in this process or, on
PostgreSQL, any other) or, at the latest, `POLL_SECONDS`. A run stream ends with the run's final
state; a notification stream lasts until the client stops it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from db import models
from db.models.dispatch import RunState
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import decode_cursor
from resolvers.dispatch.broker import BROKER, wait
from resolvers.dispatch.outbox import events_after

if TYPE_CHECKING:
    from resolvers.core.context import Info

POLL_SECONDS = 1.0
FINAL = (RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED)
#: live subscriptions one account may hold in this process at once
MAX_SUBSCRIPTIONS_PER_ACCOUNT = 16
_OPEN: Counter[int] = Counter()


def open_subscriptions() -> int:
    """Live subscriptions open in this process (for the metrics)."""
    return sum(_OPEN.values())


@contextmanager
def _admitted(info: Info) -> Iterator[None]:
    """Count the subscription against its account's cap for as long as it lives."""
    caller = info.context.auth.caller if info.context.auth is not None else None
    account = caller.account_id if caller is not None else 0
    if _OPEN[account] >= MAX_SUBSCRIPTIONS_PER_ACCOUNT:
        raise ClientError(f"at most {MAX_SUBSCRIPTIONS_PER_ACCOUNT} live subscriptions per account: stop one first",
                          ErrorCode.RATE_LIMITED)
    _OPEN[account] += 1
    try:
        yield
    finally:
        _OPEN[account] -= 1


def _check_credential(info: Info) -> None:
    """A subscription outlives its token: each round asks whether the caller is still signed in."""
    auth = info.context.auth
    if auth is None or not auth.still_valid(info.context.open_session):
        raise ClientError("the credential expired or was revoked: sign in again and resubscribe",
                          ErrorCode.UNAUTHENTICATED)


async def run_progress(info: Info, global_id: str) -> AsyncIterator[Any]:
    """The dispatch run as it is, then each time its state, phase or parts change, until it is final."""
    async for value in run_stream(info, models.DispatchRun, global_id, "run:", info.context.present.run):
        yield value


async def run_stream(info: Info, model: Any, global_id: str, topic: str, present: Callable[[Any], Any]
                     ) -> AsyncIterator[Any]:
    """A run of `model` (dispatch or scenario) as it is, then at each change of its state, phase,
    parts (or commit), woken by the broker's `topic<id>`, until it is final; each as `present(row)`."""
    kind = model.__name__
    pk = globalid.decode_pk(global_id, kind)
    if pk is None:
        raise ClientError(f"run: {global_id!r} is not the ID of a {kind}", ErrorCode.MALFORMED_ID, ("run",))
    last: tuple[Any, ...] | None = None
    with _admitted(info):
        async with BROKER.subscribe(f"{topic}{pk}") as event:
            while True:
                _check_credential(info)
                with info.context.open_session() as session:
                    row = session.get(model, pk)
                    if row is None:
                        raise ClientError(f"run: no {kind} has the ID {global_id!r}", ErrorCode.NOT_FOUND, ("run",))
                    seen = (row.state, row.phase, row.parts_done, row.parts_total, getattr(row, "committed_at", None))
                    value = present(row) if seen != last else None
                if value is not None:
                    last = seen
                    yield value
                    if seen[0] in FINAL:
                        return
                await wait(event, POLL_SECONDS)


async def notifications(info: Info, volunteer: str | None, order: str | None, after: str | None
                        ) -> AsyncIterator[Any]:
    """Outbox events for the volunteer and/or order, from the cursor `after` (default: from now)."""
    volunteer_id = globalid.decode_as(volunteer, "Volunteer", ("volunteer",)) if volunteer else None
    order_id = globalid.decode_as(order, "Order", ("order",)) if order else None
    with _admitted(info):
        async for value in _notification_rounds(info, volunteer_id, order_id, after):
            yield value


async def _notification_rounds(info: Info, volunteer_id: int | None, order_id: int | None, after: str | None
                               ) -> AsyncIterator[Any]:
    async with BROKER.subscribe("outbox") as event:
        with info.context.open_session() as session:
            if after is not None:
                cursor = decode_cursor(after)
            else:
                cursor = session.scalar(select(func.max(models.OutboxEvent.id))) or 0
        while True:
            _check_credential(info)
            with info.context.open_session() as session:
                rows = events_after(session, cursor, volunteer_id=volunteer_id, order_id=order_id)
                values = [info.context.present.outbox_event(row) for row in rows]
            for row, value in zip(rows, values):
                cursor = row.id
                yield value
            if not rows:
                await wait(event, POLL_SECONDS)
