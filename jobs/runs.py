"""Dispatch runs in the background: build the problem, solve, store proposals, off the request path.

`start(...)` (from dispatchRunStart, or a decline's repair) hands a QUEUED run to a small thread
pool and returns at once. The thread marks the run RUNNING, builds the matching Problem from the
database (resolvers/dispatch/problem.py) and calls `matching.solve`, which solves the independent
parts on the engine's executor: in-process for `workers=1`, a local process pool for more, the
Dask cluster when `WENMING_DASK_SCHEDULER` is set (`Settings.dask_scheduler`). Progress (phase,
parts done of total, objective) is written to the run row and woken subscribers are told
(dispatch_broker). The end state is written with a guard `WHERE state = 'RUNNING'`, so a run
cancelled meanwhile stays CANCELLED. A repair run (after a decline) uses the engine's re-solve
with stability (`matching.resolve`) and commits its proposals itself when they fit.

Runs are rows: `recover(engine)` runs at startup (wenming/app.py) and marks the runs a stopped
server left QUEUED or RUNNING as FAILED with a reason, so none stays stuck. One server process
owns the queue; several processes sharing a database would each need their own run rows.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import matching as m
from db import models
from db.models.base import utcnow
from db.models.dispatch import RunKind, RunState
from db.session import session_factory
from resolvers.dispatch.broker import BROKER
from resolvers.dispatch.problem import Built, build, order_request_id, parse_key, volunteer_key

logger = logging.getLogger("wenming.dispatch")

_POOL = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="dispatch-run")
_CANCELLED: set[int] = set()
_PENDING: set[cf.Future[None]] = set()
_LOCK = threading.Lock()
PROGRESS_EVERY = 0.25  # seconds between progress writes (phase changes are always written)


class RunCancelled(Exception):
    """Raised inside the solve's progress callback when the run was cancelled."""


def topic(run_id: int) -> str:
    return f"run:{run_id}"


def start(engine: Engine, run_id: int, dask_scheduler: str | None) -> cf.Future[None]:
    """Queue run `run_id` (already committed as QUEUED) for execution; returns at once."""
    future = _POOL.submit(_execute, session_factory(engine), run_id, dask_scheduler)
    with _LOCK:
        _PENDING.add(future)
    future.add_done_callback(_forget)
    return future


def _forget(future: cf.Future[None]) -> None:
    with _LOCK:
        _PENDING.discard(future)


def drain(timeout: float | None = None) -> None:
    """Wait until every run started so far has finished (tests, before their database goes)."""
    with _LOCK:
        pending = set(_PENDING)
    cf.wait(pending, timeout)


def cancel(run_id: int) -> None:
    """Ask a running solve to stop at its next progress point (the row is updated by the caller)."""
    with _LOCK:
        _CANCELLED.add(run_id)
    BROKER.publish(topic(run_id))


def recover(engine: Engine) -> int:
    """Mark runs left QUEUED or RUNNING by a stopped server as FAILED; returns how many."""
    return recover_rows(engine, models.DispatchRun, "dispatch run")


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
        return bool(session.execute(stmt.values(**values)).rowcount)


def _set(sessions: sessionmaker[Session], run_id: int, only_if: RunState | None, **values: Any) -> bool:
    """Update the dispatch run row and wake its subscribers."""
    changed = update_row(sessions, models.DispatchRun, run_id, only_if, **values)
    BROKER.publish(topic(run_id))
    return changed


class RunProgress:
    """A solve's progress callback for one run row: throttled writes of phase and parts (and of
    the objective so far, where the row keeps it); raises RunCancelled once the run is in
    `cancelled`. Shared by dispatch and scenario runs."""

    def __init__(self, write: Callable[..., bool], run_id: int, cancelled: set[int], lock: threading.Lock,
                 keep_objective: bool) -> None:
        self.write, self.run_id, self.cancelled, self.lock = write, run_id, cancelled, lock
        self.keep_objective, self.last = keep_objective, 0.0

    def __call__(self, event: m.Progress) -> None:
        with self.lock:
            if self.run_id in self.cancelled:
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


def _execute(sessions: sessionmaker[Session], run_id: int, dask_scheduler: str | None) -> None:
    execute_run(functools.partial(_set, sessions), run_id, lambda: _solve(sessions, run_id, dask_scheduler),
                _CANCELLED, _LOCK, (m.MatchingError,), "dispatch run")


def execute_run(write: Callable[..., bool], run_id: int, solve: Callable[[], None], cancelled: set[int],
                lock: threading.Lock, known: tuple[type[Exception], ...], what: str) -> None:
    """The life of one run row on a worker thread, shared by dispatch and scenario runs: QUEUED
    -> RUNNING (unless cancelled first), then `solve`; a failure ends the run FAILED with a
    reason (the message of a `known` error, else a pointer to the server log), and the server
    keeps going."""
    try:
        if not write(run_id, RunState.QUEUED, state=RunState.RUNNING, phase="building", started_at=utcnow()):
            return  # cancelled before it started
        solve()
    except RunCancelled:
        pass
    except Exception as exc:
        if isinstance(exc, known):
            reason = str(exc)
            logger.warning("%s %d failed: %s", what, run_id, type(exc).__name__)
        else:
            reason = f"unexpected {type(exc).__name__} while solving; see the server log"
            logger.exception("%s %d failed", what, run_id)
        write(run_id, RunState.RUNNING, state=RunState.FAILED, phase="failed", reason=reason[:2000],
              finished_at=utcnow())
    finally:
        with lock:
            cancelled.discard(run_id)


def _solve(sessions: sessionmaker[Session], run_id: int, dask_scheduler: str | None) -> None:
    with sessions() as session:
        run = session.get(models.DispatchRun, run_id)
        assert run is not None
        opts = dict(run.options or {})
        built = build(session, run.scope_unit_id, run.date_from, run.date_to,
                      order_ids=[run.repair_order_id] if run.repair_order_id else None,
                      requires_insurance=opts.get("requires_insurance", True),
                      allow_partial=opts.get("allow_partial", False))
        kind = run.kind
    _set(sessions, run_id, RunState.RUNNING, order_versions=built.order_versions, phase="candidates")
    options = m.SolveOptions(time_limit=float(opts.get("time_limit", 10.0)), workers=int(opts.get("workers", 1)),
                             seed=int(opts.get("seed", 0)), dask_scheduler=dask_scheduler,
                             progress=RunProgress(functools.partial(_set, sessions), run_id, _CANCELLED, _LOCK,
                                                  True))
    result = _repair(built, options) if kind == RunKind.REPAIR else m.solve(built.problem, options)
    _set(sessions, run_id, RunState.RUNNING, phase="storing", best_objective=result.objective.as_dict())
    done = store(sessions, run_id, built, result)
    BROKER.publish(topic(run_id))
    if done and kind == RunKind.REPAIR:
        from resolvers.dispatch.commit import commit_in_background

        commit_in_background(sessions, run_id)


def _repair(built: Built, options: m.SolveOptions) -> m.Result:
    """The engine's re-solve with stability: the tasks still held are the previous result (and stay
    pinned: whoever accepted keeps their task), the decline is the change, the gap is refilled."""
    from matching.resolve import Changes, resolve

    present = {v.id for v in built.problem.volunteers}
    declined = tuple(sorted((volunteer_key(v), order_request_id(o)) for v, o in built.declined
                            if volunteer_key(v) in present))
    previous = m.Result(m.Status.FEASIBLE, m.Objective(), assignments=tuple(built.held))
    return resolve(built.problem, previous, Changes(declined=declined), options)


def store(sessions: sessionmaker[Session], run_id: int, built: Built, result: m.Result) -> bool:
    """Write the result: proposals as rows (pairs already held are left out), the summary and open
    orders in the run, state SUCCEEDED; False (nothing written) if the run was cancelled meanwhile."""
    proposals = [
        {"run_id": run_id, "order_id": parse_key(a.request), "volunteer_id": parse_key(a.volunteer), "skill_code": a.skill,
             "start": _local(a.start), "end": _local(a.end), "distance_km": a.distance_km, "travel_minutes": a.travel_minutes,
             "explanation": _explanation(a), "pinned": False}
        for a in result.assignments
        if a.request.startswith("O") and (parse_key(a.request), parse_key(a.volunteer)) not in built.kept]
    stored = m.result_to_json(result)
    stored["assignments"] = []  # the proposals are rows; keep the summary, open list and timings
    stored["open"] = [o for o in stored["open"] if o["request"].startswith("O")]
    with sessions() as session:
        session.execute(delete(models.DispatchProposal).where(models.DispatchProposal.run_id == run_id))
        if proposals:
            session.execute(insert(models.DispatchProposal), proposals)
        done = bool(session.execute(
            update(models.DispatchRun).where(models.DispatchRun.id == run_id,
                                             models.DispatchRun.state == RunState.RUNNING)
            .values(state=RunState.SUCCEEDED, phase="done", result=stored, finished_at=utcnow(),
                    best_objective=result.objective.as_dict(), reason=result.message or "")).rowcount)
        if done:
            session.commit()
        else:
            session.rollback()  # cancelled while solving: keep CANCELLED, drop the proposals
    return done


def _local(text: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(text)


def _explanation(a: m.Assignment) -> dict[str, Any] | None:
    e = a.explanation
    if e is None:
        return None
    return {"skills_matched": [{"skill": s.skill, "level": s.level, "min_level": s.min_level}
                               for s in e.skills_matched],
            "window": dict(e.window) if e.window else None, "contributions": dict(e.contributions),
            "runner_up": ({"volunteer": e.runner_up.volunteer, "distance_km": e.runner_up.distance_km,
                           "reason": e.runner_up.reason} if e.runner_up else None)}
