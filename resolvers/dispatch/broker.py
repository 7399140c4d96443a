"""Wake-ups for live subscriptions: run progress and new outbox events, across threads.

The database is the truth (runs and outbox events are rows); the broker only tells waiting
subscriptions that something changed, so they re-read at once instead of at their next poll.
Publishers may be background run threads; subscribers are coroutines on the server's event loop,
so a publication is handed over with `loop.call_soon_threadsafe`. A subscriber that misses a
wake-up (another process wrote the row) still sees the change at its next poll.

Topics are plain strings: "run:<id>" for a run's progress, "outbox" for any new event.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress


class Broker:
    """Topic -> waiting subscribers (an asyncio.Event each, with its loop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)

    def publish(self, topic: str) -> None:
        """Wake every subscriber of `topic`; callable from any thread."""
        with self._lock:
            waiters = list(self._waiters.get(topic, ()))
        for loop, event in waiters:
            with suppress(RuntimeError):  # the loop has closed: its subscriber is gone
                loop.call_soon_threadsafe(event.set)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Event]:
        """An Event set on each publication of `topic` while the context is open."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters[topic].add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._waiters[topic].discard(entry)
                if not self._waiters[topic]:
                    del self._waiters[topic]


async def wait(event: asyncio.Event, timeout: float) -> None:
    """Wait for a wake-up or `timeout` seconds, whichever first, then re-arm the event."""
    with suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)
    event.clear()


#: The process-wide broker.
BROKER = Broker()
