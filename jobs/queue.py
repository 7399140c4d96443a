"""The run queue: one small interface between the API and whatever executes runs.

A `RunQueue` takes a run that is already committed as QUEUED (a row of a run table: dispatch or
scenario runs) together with the work that solves it, and returns at once. Today the work runs
on a thread pool of this process (`workers` threads); the solve itself may fan out to a process
pool or a Dask cluster (matching/executors.py). Replacing this module's executor with a database
queue and worker processes changes nothing above it: resolvers only call `submit`, `cancel`,
`is_cancelled` and `drain`.

A run belongs to the process that queued it: `recover_rows` (called at start-up) marks the rows a
stopped process left QUEUED or RUNNING as FAILED with a reason, so none stays stuck; several API
processes sharing one database must not be started until the queue is shared (docs/architecture.md).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import threading
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.models.base import utcnow
from db.models.dispatch import RunState

logger = logging.getLogger("wenming.jobs")


class RunCancelled(Exception):
    """Raised inside a solve's progress callback when its run was cancelled."""


class RunQueue:
    """Runs of one kind, executed in the background; cancellation is cooperative (the solve's
    progress callback asks `is_cancelled` and raises RunCancelled)."""

    def __init__(self, name: str, workers: int) -> None:
        self.name = name
        self._pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._cancelled: set[int] = set()
        self._pending: set[cf.Future[None]] = set()
        self._lock = threading.Lock()

    def submit(self, run_id: int, work: Callable[[], None]) -> cf.Future[None]:
        """Execute `work` for run `run_id` in the background; returns at once."""
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

    def _forget(self, future: cf.Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def cancel(self, run_id: int) -> None:
        """Ask run `run_id` to stop at its next progress point (its row is updated by the caller)."""
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
    """Mark the rows of a run table (`model`) left QUEUED or RUNNING as FAILED with a reason."""
    try:
        with engine.begin() as conn:
            result = conn.execute(
                update(model)
                .where(model.state.in_([RunState.QUEUED, RunState.RUNNING]))
                .values(state=RunState.FAILED, phase="failed", finished_at=utcnow(),
                        reason="the server stopped while this run was in progress; start a new run"))
            count = int(result.rowcount or 0)
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
