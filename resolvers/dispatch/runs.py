"""Dispatch runs in the background: build the problem, solve, store proposals, off the request path.

`start(...)` (from dispatchRunStart, or a decline's repair) hands a QUEUED run, claimed by this
process (`QUEUE.claim`), to the run queue (jobs/queue.py) and returns at once. The thread marks
the run RUNNING, builds the matching Problem from the database (resolvers/dispatch/problem.py) and
calls `matching.solve` in a child process with a memory limit (jobs/child.py, killed on cancel),
which solves the independent parts on the engine's executor: in the child for `workers=1`, a
local process pool for more, the Dask cluster when `WENMING_DASK_SCHEDULER` is set
(`Settings.dask_scheduler`). Progress (phase,
parts done of total, objective) is written to the run row and woken subscribers are told
(dispatch_broker). The end state is written with a guard `WHERE state = 'RUNNING'`, so a run
cancelled meanwhile stays CANCELLED. A repair run (after a decline) uses the engine's re-solve
with stability (`matching.resolve`) and commits its proposals itself when they fit.

Runs are rows: `recover(engine)` runs at startup and periodically (wenming/app.py) and marks the
runs left QUEUED or RUNNING whose lease expired as FAILED with a reason, so none stays stuck. A run
belongs to the process that claimed it while that process renews its lease (jobs/queue.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, insert, update
from sqlalchemy.orm import Session, sessionmaker

import matching as m
from db import models
from db.models.base import utcnow
from db.models.dispatch import RunKind, RunState
from db.session import session_factory
from jobs.child import solve_apart
from jobs.lifecycle import RunProgress, start_run
from jobs.queue import RunQueue, recover_rows, update_row
from matching.resolve import Changes, resolve
from resolvers.core.settings import Settings
from resolvers.dispatch.broker import BROKER
from resolvers.dispatch.commit import commit_in_background
from resolvers.dispatch.problem import Built, build, order_request_id, parse_key, volunteer_key

logger = logging.getLogger("wenming.dispatch")

#: Dispatch runs of this process (two at once: a county day and a repair can run side by side).
QUEUE = RunQueue("dispatch run", workers=2, model=models.DispatchRun)


def topic(run_id: int) -> str:
    return f"run:{run_id}"


def start(engine: Engine, run_id: int, settings: Settings) -> None:
    """Queue run `run_id` (already committed as QUEUED, with `QUEUE.claim`) for execution; returns at once."""
    if settings.runs.external:  # the workers take it from the table: wake them
        BROKER.publish("runs")
        return
    sessions = session_factory(engine)
    start_run(QUEUE, engine, run_id, functools.partial(_set, sessions), lambda: _solve(sessions, run_id, settings),
              (m.MatchingError,))


def drain(timeout: float | None = None) -> None:
    """Wait until every run started so far has finished (tests, before their database goes)."""
    QUEUE.drain(timeout)


def cancel(run_id: int) -> None:
    """Ask a running solve to stop at its next progress point (the row is updated by the caller)."""
    QUEUE.cancel(run_id)
    BROKER.publish(topic(run_id))


def recover(engine: Engine) -> int:
    """Mark runs left QUEUED or RUNNING by a stopped server (lease expired) as FAILED; returns how many."""
    return recover_rows(engine, models.DispatchRun, "dispatch run")


def _set(sessions: sessionmaker[Session], run_id: int, only_if: RunState | None, **values: Any) -> bool:
    """Update the dispatch run row and wake its subscribers."""
    changed = update_row(sessions, models.DispatchRun, run_id, only_if, **values)
    BROKER.publish(topic(run_id))
    return changed


def _solve(sessions: sessionmaker[Session], run_id: int, settings: Settings) -> None:
    with sessions() as session:
        run = session.get(models.DispatchRun, run_id)
        assert run is not None
        opts = dict(run.options or {})
        built = build(session, run.scope_unit_id, run.date_from, run.date_to,
                      order_ids=[run.repair_order_id] if run.repair_order_id else None,
                      requires_insurance=opts.get("requires_insurance", True),
                      allow_partial=opts.get("allow_partial", False),
                      staffing=opts.get("staffing") or "people",
                      certificate_grace_days=int(opts.get("certificate_grace_days", 0)))
        kind = run.kind
    _set(sessions, run_id, RunState.RUNNING, order_versions=built.order_versions, phase="candidates")
    options = m.SolveOptions(time_limit=float(opts.get("time_limit", 10.0)), workers=int(opts.get("workers", 1)),
                             seed=int(opts.get("seed", 0)), dask_scheduler=settings.dask_scheduler)
    result = solve_apart(engine_solve, (built.problem, options, _repair(built) if kind == RunKind.REPAIR else None),
                         memory_mb=settings.runs.memory_mb, known=(m.MatchingError,),
                         progress=RunProgress(functools.partial(_set, sessions), run_id, QUEUE.is_cancelled, True),
                         cancelled=lambda: QUEUE.is_cancelled(run_id))
    _set(sessions, run_id, RunState.RUNNING, phase="storing", best_objective=result.objective.as_dict())
    done = store(sessions, run_id, built, result)
    BROKER.publish(topic(run_id))
    if done and kind == RunKind.REPAIR:
        commit_in_background(sessions, run_id)


def engine_solve(problem: m.Problem, options: m.SolveOptions, repair: tuple[m.Result, Changes] | None,
                 progress: Callable[[m.Progress], None]) -> m.Result:
    """The engine's part of a run, in the run's child process: a solve, or a repair's re-solve."""
    options = dataclasses.replace(options, progress=progress)
    return m.solve(problem, options) if repair is None else resolve(problem, *repair, options)


def _repair(built: Built) -> tuple[m.Result, Changes]:
    """The engine's re-solve with stability: the tasks still held are the previous result (and stay
    pinned: whoever accepted keeps their task), the decline is the change, the gap is refilled."""
    present = {v.id for v in built.problem.volunteers}
    declined = tuple(sorted((volunteer_key(v), order_request_id(o)) for v, o in built.declined
                            if volunteer_key(v) in present))
    previous = m.Result(m.Status.FEASIBLE, m.Objective(), assignments=tuple(built.held))
    return previous, Changes(declined=declined)


def store(sessions: sessionmaker[Session], run_id: int, built: Built, result: m.Result) -> bool:
    """Write the result: proposals as rows (pairs already held are left out), the summary and open
    orders in the run, state SUCCEEDED; False (nothing written) if the run was cancelled meanwhile."""
    proposals = [
        {"run_id": run_id, "order_id": parse_key(a.request), "volunteer_id": parse_key(a.volunteer),
         "skill_code": a.skill, "start": _local(a.start), "end": _local(a.end), "distance_km": a.distance_km,
         "travel_minutes": a.travel_minutes, "explanation": _explanation(a), "pinned": False}
        for a in result.assignments
        if a.request.startswith("O") and (parse_key(a.request), parse_key(a.volunteer)) not in built.kept]
    stored = m.result_to_json(result)
    stored["assignments"] = []  # the proposals are rows; keep the summary, open list and timings
    stored["open"] = [o for o in stored["open"] if o["request"].startswith("O")]
    name_certificates(built, stored["open"])
    with sessions() as session:
        session.execute(delete(models.DispatchProposal).where(models.DispatchProposal.run_id == run_id))
        if proposals:
            session.execute(insert(models.DispatchProposal), proposals)
        finished = cast(CursorResult[Any], session.execute(
            update(models.DispatchRun).where(models.DispatchRun.id == run_id,
                                             models.DispatchRun.state == RunState.RUNNING)
            .values(state=RunState.SUCCEEDED, phase="done", result=stored, finished_at=utcnow(),
                    best_objective=result.objective.as_dict(), reason=result.message or "")))
        done = bool(finished.rowcount)
        if done:
            session.commit()
        else:
            session.rollback()  # cancelled while solving: keep CANCELLED, drop the proposals
    return done


def name_certificates(built: Built, open_orders: list[dict[str, Any]]) -> None:
    """A near miss stopped by an expired skill names the certificate that skill counted from
    (course, number, the day it expired), in its detail."""
    needs = {r.id: [n.skill for n in r.skills] for r in built.problem.requests}
    for o in open_orders:
        near = o.get("near_miss")
        if not near or near["reason"] != m.Reason.SKILL_EXPIRED.value:
            continue
        vid = parse_key(near["volunteer"])
        words = [built.certificates[(vid, code)] for code in needs.get(o["request"], [])
                 if (vid, code) in built.certificates]
        if words:
            near["detail"] = f"{near['detail']}: {'; '.join(words)}"


def _local(text: str) -> Any:
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
