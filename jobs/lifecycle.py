"""The life of one run row on a worker, shared by dispatch and scenario runs.

QUEUED -> RUNNING (unless cancelled first) -> the kind's solve, which ends the run SUCCEEDED
itself; a failure ends it FAILED with a reason (the message of a known error or a RunFailed, such
as the memory limit of jobs/child.py, else a pointer to the server log), and the process keeps
going. `RunProgress` is the solve's progress callback: throttled writes of phase, parts and
objective, and the cancellation point. The engine's part of a solve runs in a child process
(jobs/child.py `solve_apart`), which is killed when the run is cancelled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

import matching as m
from db.models.base import utcnow
from db.models.dispatch import RunState
from jobs.child import SolverCrashed
from jobs.queue import RunCancelled, RunFailed, RunQueue

logger = logging.getLogger("wenming.jobs")

PROGRESS_EVERY = 0.25  # seconds between progress writes (phase changes are always written)

#: write(run_id, only_if_state, **values) -> whether the guarded update matched
Write = Callable[..., bool]


class RunProgress:
    """A solve's progress callback for one run row: throttled writes of phase and parts (and of
    the objective so far, where the row keeps it); raises RunCancelled once the run is cancelled."""

    def __init__(self, write: Write, run_id: int, is_cancelled: Callable[[int], bool], keep_objective: bool) -> None:
        self.write, self.run_id, self.is_cancelled = write, run_id, is_cancelled
        self.keep_objective, self.last = keep_objective, 0.0

    def __call__(self, event: m.Progress) -> None:
        if self.is_cancelled(self.run_id):
            raise RunCancelled()
        values: dict[str, Any]
        if event.phase == "decomposed":
            values = {"phase": "solving", "parts_total": event.parts_total, "parts_done": 0}
        elif event.phase == "solving":
            values = {"parts_done": event.parts_done, "parts_total": event.parts_total}
            if event.objective is not None and self.keep_objective:
                values["best_objective"] = event.objective.as_dict()
        else:  # candidates, widening
            values = {"phase": event.phase}
        now = time.monotonic()
        if "phase" in values or now - self.last >= PROGRESS_EVERY or event.parts_done == event.parts_total:
            self.last = now
            self.write(self.run_id, RunState.RUNNING, **values)


def start_run(queue: RunQueue, engine: Engine, run_id: int, write: Write, solve: Callable[[], None],
              known: tuple[type[Exception], ...]) -> None:
    """Queue run `run_id` (committed as QUEUED, claimed by `queue.claim`) to live the life of
    `execute_run`; returns at once."""
    queue.submit(engine, run_id, lambda: execute_run(queue, write, run_id, solve, known))


def execute_run(queue: RunQueue, write: Write, run_id: int, solve: Callable[[], None],
                known: tuple[type[Exception], ...]) -> None:
    """Run `solve` for run `run_id` as described in the module docstring (on the queue's worker)."""
    try:
        if not write(run_id, RunState.QUEUED, state=RunState.RUNNING, phase="building", started_at=utcnow()):
            return  # cancelled before it started
        solve()
    except RunCancelled:
        pass
    except Exception as exc:
        if isinstance(exc, (*known, RunFailed)):
            reason = str(exc)
            logger.warning("%s %d failed: %s", queue.name, run_id, type(exc).__name__)
        else:
            # the reason is the client's to read: no internal type names (the log has them)
            reason = f"an unexpected error stopped the solve; the server log has it under {queue.name} {run_id}"
            name = exc.name if isinstance(exc, SolverCrashed) else type(exc).__name__
            logger.exception("%s %d failed: unexpected %s", queue.name, run_id, name)
        write(run_id, RunState.RUNNING, state=RunState.FAILED, phase="failed", reason=reason[:2000],
              finished_at=utcnow())
