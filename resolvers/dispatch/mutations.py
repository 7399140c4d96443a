"""dispatchRunStart, dispatchRunCancel and dispatchRunCommit.

Start validates the scope and dates, refuses a scope with no REVIEWED order in the dates
(EMPTY_SCOPE, nothing written), writes a QUEUED run and hands it to the background executor
once the row is committed (resolvers/dispatch/runs.py): the mutation returns at once. Cancel stops a
QUEUED or RUNNING run. Commit is resolvers/dispatch/commit.py in the request's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db import models
from db.models.base import utcnow
from db.models.dispatch import RunKind, RunState
from db.session import lock_for_write
from resolvers.core import globalid
from resolvers.core.context import actor_of
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome, after_commit
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.dispatch import runs
from resolvers.dispatch.commit import commit_run
from resolvers.dispatch.problem import scope_orders

if TYPE_CHECKING:
    from resolvers.core.context import Info
    from resolvers.core.settings import Settings

MAX_DAYS = 31
MAX_TIME_LIMIT = 600.0


def _options(checks: Checks, options: Any) -> dict[str, Any]:
    if options is None:
        return {}
    checks.in_range(options.time_limit, 0.1, MAX_TIME_LIMIT, ("input", "options", "timeLimit"))
    checks.in_range(options.workers, 1, 64, ("input", "options", "workers"))
    return {"time_limit": options.time_limit, "workers": options.workers, "seed": options.seed,
            "requires_insurance": options.requires_insurance, "allow_partial": options.allow_partial,
            "staffing": options.staffing.value if options.staffing is not None else None}


def queue_run(session: Session, info_settings: Settings, *, scope_unit_id: int, date_from: dt.date, date_to: dt.date,
              options: dict[str, Any], actor: str, kind: RunKind = RunKind.DISPATCH,
              repair_order_id: int | None = None) -> models.DispatchRun:
    """Write a QUEUED run and start it once the transaction commits. The certificates' grace period
    in force is kept with the run's options, so its edits are checked as the run was built."""
    options = {**options, "certificate_grace_days": info_settings.training.grace_days}
    run = models.DispatchRun(kind=kind, scope_unit_id=scope_unit_id, date_from=date_from, date_to=date_to,
                             options=options, created_by=actor, repair_order_id=repair_order_id,
                             **runs.QUEUE.claim(info_settings.runs))
    session.add(run)
    session.flush()
    engine = cast(Engine, session.get_bind())  # request sessions are bound to the engine (wenming/app.py)
    run_id = run.id
    after_commit(session, lambda: runs.start(engine, run_id, info_settings))
    return run


def dispatch_run_start(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.DispatchRun:
        checks = Checks(session)
        scope = checks.ref(data.scope, "Unit", ("input", "scope"))
        if data.date_to < data.date_from:
            checks.add(("input", "to"), "to must be on or after from", ErrorCode.OUT_OF_RANGE)
        elif (data.date_to - data.date_from).days >= MAX_DAYS:
            checks.add(("input", "to"), f"a run covers at most {MAX_DAYS} days; split the range",
                       ErrorCode.OUT_OF_RANGE)
        options = _options(checks, data.options)
        actor = actor_of(info)
        checks.raise_if_any()
        first = session.scalars(scope_orders(session, scope.id, data.date_from, data.date_to).limit(1)).first()
        if first is None:
            raise abort(("input", "scope"), f"no REVIEWED order is served in {scope.name}'s area from "
                                            f"{data.date_from} to {data.date_to}; review orders first",
                        "EMPTY_SCOPE")
        options = {k: v for k, v in options.items() if v is not None}
        return queue_run(session, info.context.settings, scope_unit_id=scope.id, date_from=data.date_from,
                         date_to=data.date_to, options=options, actor=actor)

    return run_mutation(info, work, info.context.present.run)


def dispatch_run_cancel(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.DispatchRun:
        run = globalid.load(session, data.run, "DispatchRun", ("input", "run"), lock=True)
        if run.state not in (RunState.QUEUED, RunState.RUNNING):
            raise abort(("input", "run"), f"run {run.id} is {run.state}; only a QUEUED or RUNNING run can be "
                                          "cancelled", "RUN_NOT_READY")
        run.state = RunState.CANCELLED
        run.phase = "cancelled"
        run.finished_at = utcnow()
        run.reason = f"cancelled by {actor_of(info)}"
        run_id = run.id
        after_commit(session, lambda: runs.cancel(run_id))
        return run

    return run_mutation(info, work, info.context.present.run)


def dispatch_run_commit(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.DispatchRun:
        lock_for_write(session)
        pk = globalid.load(session, data.run, "DispatchRun", ("input", "run")).id
        run, _ = commit_run(session, pk, actor_of(info))
        return run

    return run_mutation(info, work, info.context.present.run)


def runs_of_scope(info: Info, scope: str, first: int) -> list[Any]:
    """The latest runs whose scope is this unit, newest first."""
    pk = globalid.decode_as(scope, "Unit", ("scope",))
    rows = info.context.session.scalars(select(models.DispatchRun).where(models.DispatchRun.scope_unit_id == pk)
                                        .order_by(models.DispatchRun.id.desc()).limit(min(first, 100)))
    return [info.context.present.run(row) for row in rows]
