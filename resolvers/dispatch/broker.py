"""Wake-ups for live subscriptions: run progress and new outbox events, across threads.

The database is the truth (runs and outbox events are rows); the broker only tells waiting
subscriptions that something changed, so they re-read at once instead of at their next poll.
Publishers may be background run threads; subscribers are coroutines on the server's event loop,
so a publication is handed over with `loop.call_soon_threadsafe`.

Across processes on PostgreSQL (`bridge(engine)`, from the app's lifespan and `wenming worker`),
each publication is also sent with NOTIFY on one channel, and a listener thread per process
hands the other processes' publications to its own subscribers: a client of API process B is
woken by a run a worker solves or an order process A commits. Payloads are the topic and the
sender only (ids, never data). A wake-up lost while a listener reconnects costs a subscriber
nothing but latency: it re-reads the database at its next poll.

Topics are plain strings: "run:<id>" for a dispatch run's progress, "scenario:<id>" for a
scenario run's, "outbox" for any new event, "runs" for a run queued for the workers.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger("wenming.broker")

CHANNEL = "wenming"  # the PostgreSQL NOTIFY channel of the wake-ups
SENDER = secrets.token_hex(4)  # this process, as its NOTIFY payloads name it (to skip its own)
LISTEN_TICK = 0.5  # seconds between two looks of a listener at its stop flag


class Broker:
    """Topic -> waiting subscribers (an asyncio.Event each, with its loop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)
        self._bridges: dict[str, _Bridge] = {}  # database URL -> its bridge
        self._remote: list[Callable[[str], None]] = []

    def publish(self, topic: str) -> None:
        """Wake every subscriber of `topic`, here and in the processes bridged with this one;
        callable from any thread."""
        self._wake(topic)
        with self._lock:
            bridges = list(self._bridges.values())
        for bridge in bridges:
            bridge.notify(topic)

    def _wake(self, topic: str) -> None:
        with self._lock:
            waiters = list(self._waiters.get(topic, ()))
        for loop, event in waiters:
            with suppress(RuntimeError):  # the loop has closed: its subscriber is gone
                loop.call_soon_threadsafe(event.set)

    def _arrived(self, topic: str) -> None:
        """A publication of another process."""
        self._wake(topic)
        with self._lock:
            hooks = list(self._remote)
        for hook in hooks:
            hook(topic)

    def on_remote(self, hook: Callable[[str], None]) -> Callable[[], None]:
        """Call `hook(topic)` (on the listener's thread) for each publication of another process;
        returns the function that stops it."""
        with self._lock:
            self._remote.append(hook)

        def stop() -> None:
            with self._lock, suppress(ValueError):
                self._remote.remove(hook)

        return stop

    def bridge(self, engine: Engine) -> Callable[[], None]:
        """Join the processes of `engine`'s database (PostgreSQL; elsewhere nothing to join):
        publish to them and listen to them. Returns the function that leaves."""
        if engine.dialect.name != "postgresql":
            return lambda: None
        key = engine.url.render_as_string(hide_password=False)
        with self._lock:
            bridge = self._bridges.get(key)
            if bridge is None:
                bridge = self._bridges[key] = _Bridge(engine, self._arrived)
            bridge.users += 1

        def leave() -> None:
            with self._lock:
                bridge.users -= 1
                if bridge.users:
                    return
                self._bridges.pop(key, None)
            bridge.close()

        return leave

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


class _Bridge:
    """NOTIFY for one database's publications, and a thread that LISTENs for the others'."""

    def __init__(self, engine: Engine, arrived: Callable[[str], None]) -> None:
        self.engine, self.arrived, self.users = engine, arrived, 0
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.stopping, self.listening = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._listen, name="broker listener", daemon=True)
        self.thread.start()

    def notify(self, topic: str) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                             {"channel": CHANNEL, "payload": f"{SENDER} {topic}"})
                conn.commit()
        except SQLAlchemyError as exc:  # the other processes see the change at their next poll
            logger.warning("wake-up %s not sent to other processes: %s", topic, type(exc).__name__)

    def _listen(self) -> None:
        import psycopg  # the PostgreSQL driver, there when the database is PostgreSQL

        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self.stopping.is_set():
                        for note in conn.notifies(timeout=LISTEN_TICK):
                            sender, _, topic = note.payload.partition(" ")
                            if sender != SENDER:
                                self.arrived(topic)
            except psycopg.Error as exc:
                self.listening.clear()
                logger.warning("listening to other processes: %s; again in a second", type(exc).__name__)
                self.stopping.wait(1)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)


#: The process-wide broker.
BROKER = Broker()
