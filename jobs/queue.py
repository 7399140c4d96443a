"""The run queue: one small interface between the API and whatever executes runs.

A `RunQueue` takes a run that is already committed as QUEUED (a row of a run table: dispatch or
scenario runs) together with the work that solves it, and returns at once. Today the work runs
on a thread pool of this process (`workers` threads), and each solve in a child process of its
own (jobs/child.py). Replacing this module's executor with a database queue and worker processes
changes nothing above it: resolvers only call `claim`, `submit`, `cancel`, `is_cancelled` and
`drain`.

Who solves a run is a setting (`RunSettings.executor`). "inline": the API process that queued it
claims it at once and solves it here. "workers": the row is written unclaimed, with
`lease_until` as the deadline for a worker to take it, and `wenming worker` processes `take` the
oldest unclaimed QUEUED row (`FOR UPDATE SKIP LOCKED` on PostgreSQL; a guarded update on SQLite),
so no run is taken twice, and from then on hold it exactly as an API process would.

A run belongs to the process that claimed it, with a lease. The row is written with
`claimed_by` (this process: host:pid:nonce, `HOLDER`) and `lease_until` (`claim`), and while the
process holds the run (queued here, or working) a heartbeat thread renews the lease every third
of its length. `recover_rows` (at start-up, and periodically from wenming/app.py) fails with a
reason only the rows left QUEUED or RUNNING whose lease expired (or that were never claimed):
never the runs of a live process, so restarting one API process does not fail another's. A run
whose row ended elsewhere meanwhile (cancelled through another process, recovered after a lost
lease) is cancelled here at the next heartbeat, so its solver stops.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, Engine, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.models.base import utcnow
from db.models.dispatch import RunState

logger = logging.getLogger("wenming.jobs")

#: this process, as it signs the runs it claims: host, process id, and a nonce told apart from an
#: earlier process that had the same id
HOLDER = f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"
#: seconds a claim lasts without renewal (Settings.runs.lease_seconds, WENMING_RUN_LEASE_SECONDS)
LEASE_SECONDS = 30
BEAT_TICK = 0.1  # seconds between two looks of the heartbeat at the clock
UNFINISHED = (RunState.QUEUED, RunState.RUNNING)
LOST = "the server stopped while this run was in progress (its lease expired); start a new run"
NO_WORKER = "no worker took this run while it waited (are `wenming worker` processes running?); start a new run"


class Claiming(Protocol):
    """What a claim needs of the run settings (resolvers/core/settings.py RunSettings)."""

    @property
    def lease_seconds(self) -> int: ...

    @property
    def wait_seconds(self) -> int: ...

    @property
    def external(self) -> bool: ...


class RunCancelled(Exception):
    """Raised inside a solve's progress callback when its run was cancelled."""


class RunFailed(Exception):
    """A run cannot finish; the message is its reason, fit for the caller who reads the run."""


class RunQueue:
    """Runs of one kind (rows of `model`), executed in the background; cancellation is cooperative
    (the solve asks `is_cancelled`); the runs this queue holds keep their leases renewed."""

    def __init__(self, name: str, workers: int, model: Any, holder: str = HOLDER) -> None:
        self.name, self.model, self.holder, self.workers = name, model, holder, workers
        self.lease_seconds: float = LEASE_SECONDS
        self._pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._cancelled: set[int] = set()
        self._pending: set[cf.Future[None]] = set()
        self._held: dict[int, Engine] = {}  # run id -> its database, while queued here or working
        self._heartbeat: threading.Thread | None = None
        self._lock = threading.Lock()

    def claim(self, runs: Claiming) -> dict[str, Any]:
        """The columns a new run row is written with: held by this process for a lease, or, when
        workers solve the runs, held by nobody until a worker takes it within `wait_seconds`."""
        self.lease_seconds = runs.lease_seconds
        if runs.external:
            return {"claimed_by": None, "lease_until": utcnow() + timedelta(seconds=runs.wait_seconds)}
        return {"claimed_by": self.holder, "lease_until": self._lease_end()}

    def take(self, engine: Engine, lease_seconds: float) -> int | None:
        """Claim for this process the oldest QUEUED run nobody holds (a worker's claim); its id, or
        None when there is none or another worker took it first."""
        self.lease_seconds = lease_seconds
        model = self.model
        waiting = (model.state == RunState.QUEUED, model.claimed_by.is_(None))
        oldest = select(model.id).where(*waiting).order_by(model.id).limit(1)
        mine = {"claimed_by": self.holder, "lease_until": self._lease_end()}
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # rows another worker is taking are skipped, not waited for
                run_id = conn.scalar(oldest.with_for_update(skip_locked=True))
                if run_id is not None:
                    conn.execute(update(model).where(model.id == run_id).values(**mine))
            else:  # one statement: SQLite's writer lock is taken at once (and waited for), never upgraded
                run_id = conn.scalar(update(model).where(model.id == oldest.scalar_subquery(), *waiting)
                                     .values(**mine).returning(model.id))
        return None if run_id is None else int(run_id)

    def held(self) -> dict[int, Engine]:
        """The runs this process holds, with their databases."""
        with self._lock:
            return dict(self._held)

    def _lease_end(self) -> datetime:
        return utcnow() + timedelta(seconds=self.lease_seconds)

    def submit(self, engine: Engine, run_id: int, work: Callable[[], None]) -> cf.Future[None]:
        """Execute `work` for run `run_id` (claimed by `claim`) in the background; returns at once."""
        with self._lock:
            self._held[run_id] = engine
            if self._heartbeat is None:
                self._heartbeat = threading.Thread(target=self._beat, name=f"{self.name} heartbeat", daemon=True)
                self._heartbeat.start()
        future = self._pool.submit(self._run, run_id, work)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _run(self, run_id: int, work: Callable[[], None]) -> None:
        try:
            work()
        finally:
            with self._lock:
                self._cancelled.discard(run_id)
                self._held.pop(run_id, None)

    def _forget(self, future: cf.Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _beat(self) -> None:
        """Renew the leases of the runs held here every third of a lease, until none is held."""
        last = time.monotonic()
        while True:
            time.sleep(BEAT_TICK)
            if time.monotonic() - last < self.lease_seconds / 3:
                continue  # the lease (a setting) may shorten meanwhile: looked at each tick
            last = time.monotonic()
            with self._lock:
                if not self._held:
                    self._heartbeat = None
                    return
                by_engine: dict[Engine, list[int]] = {}
                for run_id, engine in self._held.items():
                    by_engine.setdefault(engine, []).append(run_id)
            for engine, ids in by_engine.items():
                self.renew(engine, ids)

    def renew(self, engine: Engine, ids: list[int]) -> set[int]:
        """Extend this process's leases of runs `ids`; the runs whose row is no longer ours to work
        on (ended elsewhere, or recovered after a lost lease) are cancelled here. Returns them."""
        model = self.model
        ours = (model.id.in_(ids), model.claimed_by == self.holder, model.state.in_(UNFINISHED))
        try:
            with engine.begin() as conn:
                conn.execute(update(model).where(*ours).values(lease_until=self._lease_end()))
                kept = set(conn.scalars(select(model.id).where(*ours)))
        except SQLAlchemyError as exc:  # a database away for a moment: try again at the next beat
            logger.warning("%s leases not renewed: %s", self.name, type(exc).__name__)
            return set()
        lost = set(ids) - kept
        with self._lock:
            self._cancelled.update(run_id for run_id in lost if run_id in self._held)
        return lost

    def cancel(self, run_id: int) -> None:
        """Ask run `run_id` to stop (its row is updated by the caller)."""
        with self._lock:
            self._cancelled.add(run_id)

    def is_cancelled(self, run_id: int) -> bool:
        with self._lock:
            return run_id in self._cancelled

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every run submitted so far has finished (tests, before their database goes)."""
        with self._lock:
            pending = set(self._pending)
        cf.wait(pending, timeout)


def recover_rows(engine: Engine, model: Any, what: str) -> int:
    """Mark the rows of a run table (`model`) left QUEUED or RUNNING whose lease expired (or that
    have none) as FAILED with a reason: the process holding it stopped (LOST), or no worker took it
    in time (NO_WORKER); the runs a live process holds are left alone."""
    now = utcnow()
    expired = (model.state.in_(UNFINISHED), or_(model.lease_until.is_(None), model.lease_until < now))
    failed = {"state": RunState.FAILED, "phase": "failed", "finished_at": now}
    try:
        with engine.begin() as conn:
            count = 0
            waiting = (model.state == RunState.QUEUED) & model.claimed_by.is_(None)  # for a worker, never taken
            for which, reason in ((waiting, NO_WORKER), (~waiting, LOST)):
                result = conn.execute(update(model).where(*expired, which).values(**failed, reason=reason))
                count += int(result.rowcount or 0)
    except SQLAlchemyError as exc:  # no database or not migrated yet: nothing to recover
        logger.warning("%s recovery skipped: %s", what, type(exc).__name__)
        return 0
    if count:
        logger.warning("marked %d interrupted %s(s) as FAILED", count, what)
    return count


def update_row(sessions: sessionmaker[Session], model: Any, run_id: int, only_if: RunState | None,
               **values: Any) -> bool:
    """Update a run row in its own short transaction; False when the state guard did not match."""
    stmt = update(model).where(model.id == run_id)
    if only_if is not None:
        stmt = stmt.where(model.state == only_if)
    with sessions.begin() as session:
        result = cast(CursorResult[Any], session.execute(stmt.values(**values)))
        return bool(result.rowcount)
