"""Scenario runs through the API (analysts and platform admins): start, cancel, read, compare.

`scenarioRunStart` takes a scenario as TOML text (the file format of matching/scenarios/spec.py)
or the name of an example (`examples/scenarios/<name>.toml`), checks it in the request (syntax,
keys, values, and for a database base that the unit exists and the period has orders), writes a
QUEUED `ScenarioRun` claimed by this process (jobs/queue.py) and, once committed, hands it to a
one-thread background executor; the mutation returns at once. Bad input is a userError naming
the line and key (`line 7: base.unit: ...`) and nothing is stored. Two kinds of base are refused here because they would
let a caller reach the server's files or other databases: `kind = "problem"` (a path) and a
database base with `url`; a database base always reads the server's own database.

The thread marks the run RUNNING, takes the database snapshot of a database base (through
resolvers/scenarios/base.py, with its own session; its size is bounded by the checks above), and
hands the scenario to a child process with a memory limit (jobs/child.py, killed on cancel), which
builds a generated base, applies the changes and solves with the scenario's engine settings,
exactly as `wenming scenario run` does (`matching.scenarios.run`), so the same text and seed give
the same KPIs either way; a run past its memory limit FAILS with "memory limit: ...". Progress
(phase, parts done of total) is written to the row; the end state is written with a guard
`WHERE state = 'RUNNING'`, so a run cancelled meanwhile stays CANCELLED. A change naming an
institute or team the base lacks is only found once the base is built: the run then FAILS with
that message (line and key) as reason.
The stored record (the report's source) places orders and volunteers' homes on the grid of
resolvers/access/deidentify.py, whoever reads it: a database base holds real homes.
`recover(engine)` (wenming/app.py, at startup and periodically) marks runs left QUEUED or RUNNING
whose lease expired as FAILED.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

import matching as m
from db import models
from db.models.base import utcnow
from db.models.dispatch import RunState
from db.session import session_factory
from jobs.child import solve_apart
from jobs.lifecycle import RunProgress, start_run
from jobs.queue import RunQueue, recover_rows, update_row
from matching.scenarios.compare import Difference, differences
from matching.scenarios.dataset import materialise
from matching.scenarios.errors import BaseUnusable, ScenarioError
from matching.scenarios.report import run_report
from matching.scenarios.runner import RunRecord
from matching.scenarios.runner import run as run_scenario
from matching.scenarios.spec import Scenario, parse_scenario
from resolvers.access.deidentify import grid
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode, MutationAborted, Problem
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import connection, decode_cursor, encode_cursor, page_size
from resolvers.core.settings import Settings
from resolvers.dispatch.broker import BROKER
from resolvers.dispatch.live import run_stream
from resolvers.scenarios import base as scenario_base

if TYPE_CHECKING:
    from resolvers.core.context import Info

logger = logging.getLogger("wenming.scenarios")

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
MAX_WORKERS = 64
MAX_SOURCE = 100_000  # characters of TOML

#: Analysts' runs of this process, one at a time (each may fan out to the engine's workers).
QUEUE = RunQueue("scenario run", workers=1, model=models.ScenarioRun)


# --- examples -----------------------------------------------------------------------------------

def examples() -> dict[str, Path]:
    """Example name -> file, for `scenarioRunStart(input: {example})`."""
    return {p.stem: p for p in sorted(EXAMPLES_DIR.glob("*.toml"))}


def example_list() -> list[tuple[str, str]]:
    """(name, description) of every example scenario."""
    out = []
    for name, path in examples().items():
        try:
            out.append((name, parse_scenario(path.read_text(encoding="utf-8"), path).description))
        except (OSError, ScenarioError):  # a broken example is left out, not shown half-read
            logger.warning("example scenario %s cannot be read", name)
    return out


# --- start and cancel ---------------------------------------------------------------------------

def _fail(path: tuple[str, ...], message: str, code: ErrorCode = ErrorCode.INVALID) -> MutationAborted:
    return MutationAborted([Problem(path, message, code)])


def _checked(session: Session, data: Any) -> tuple[Scenario, str, str | None]:
    """The scenario of the input, checked; (scenario, TOML text, example name)."""
    text, example = data.toml, data.example
    if (text is None) == (example is None):
        raise _fail(("input", "toml"), "give exactly one of `toml` (the scenario's text) or `example` (a name)",
                    ErrorCode.REQUIRED)
    field = ("input", "toml") if text is not None else ("input", "example")
    file = None
    if example is not None:
        known = examples()
        if example not in known:
            raise _fail(field, f"no example scenario {example!r}; known: {', '.join(known)}", ErrorCode.NOT_FOUND)
        file = known[example]
        text = file.read_text(encoding="utf-8")
    assert text is not None
    if len(text) > MAX_SOURCE:
        raise _fail(field, f"the scenario is {len(text)} characters long; at most {MAX_SOURCE}", ErrorCode.OUT_OF_RANGE)
    try:
        scenario = parse_scenario(text, file)
        base = scenario.base
        if base.kind == "problem":
            raise scenario.error(("base", "kind"), 'a "problem" base reads a file of the server; the API takes '
                                                   '"generated" and "database" bases')
        if base.url is not None:
            raise scenario.error(("base", "url"), "the API reads its own database; remove url")
        if scenario.engine.workers > MAX_WORKERS:
            raise scenario.error(("engine", "workers"), f"at most {MAX_WORKERS}")
        if base.kind == "database":
            try:
                scenario_base.demand(session, base, limit=1)
            except BaseUnusable as exc:
                raise scenario.error(("base", exc.key), exc.detail) from None
    except ScenarioError as exc:
        raise _fail(field, str(exc)) from None
    return scenario, text, example


def scenario_run_start(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.ScenarioRun:
        scenario, text, example = _checked(session, data)
        name = (data.name or "").strip() or scenario.name
        if len(name) > 200:
            raise _fail(("input", "name"), "at most 200 characters", ErrorCode.OUT_OF_RANGE)
        row = models.ScenarioRun(name=name, source=text, example=example, created_by=_username(info),
                                 **QUEUE.claim(info.context.settings.runs))
        session.add(row)
        session.flush()
        return row

    out = run_mutation(info, work, info.context.present.scenario_run)
    if out.value is not None:  # committed: now it may start
        engine = cast(Engine, info.context.session.get_bind())  # request sessions are bound to the engine
        start(engine, out.value.pk, info.context.settings)
    return out


def scenario_run_cancel(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.ScenarioRun:
        row = load(session, data.run, ("input", "run"))
        if row.state not in (RunState.QUEUED, RunState.RUNNING):
            raise _fail(("input", "run"), f"run {row.id} is {row.state}; only a QUEUED or RUNNING run can be cancelled")
        row.state, row.phase, row.finished_at = RunState.CANCELLED, "cancelled", utcnow()
        row.reason = f"cancelled by {_username(info) or 'an analyst'}"
        return row

    out = run_mutation(info, work, info.context.present.scenario_run)
    if out.value is not None:
        cancel(out.value.pk)
    return out


def load(session: Session, global_id: str, path: tuple[str, ...]) -> models.ScenarioRun:
    """The run a global ID names (MutationAborted naming `path`: MALFORMED_ID / NOT_FOUND)."""
    pk = globalid.decode_pk(global_id, "ScenarioRun")
    if pk is None:
        raise _fail(path, f"{path[-1]}: not the ID of a ScenarioRun; pass an `id` returned by this API",
                    ErrorCode.MALFORMED_ID)
    row = session.get(models.ScenarioRun, pk)
    if row is None:
        raise _fail(path, f"{path[-1]}: no ScenarioRun has this ID", ErrorCode.NOT_FOUND)
    return row


def _username(info: Info) -> str:
    caller = info.context.auth.caller if info.context.auth is not None else None
    return caller.username if caller is not None else ""


# --- reads --------------------------------------------------------------------------------------

def _get(info: Info, global_id: str, name: str) -> models.ScenarioRun | None:
    pk = globalid.decode_pk(global_id, "ScenarioRun")
    if pk is None:
        raise ClientError(f"{name}: {global_id!r} is not the ID of a ScenarioRun; pass an `id` returned by this API",
                          ErrorCode.MALFORMED_ID, (name,))
    return info.context.session.get(models.ScenarioRun, pk, populate_existing=True)


def scenario_run(info: Info, global_id: str) -> Any:
    row = _get(info, global_id, "id")
    return None if row is None else info.context.present.scenario_run(row)


def scenario_runs(info: Info, first: int | None, after: str | None) -> Any:
    """Newest first: the page after `after` holds older runs (keyset on the id, descending)."""
    session = info.context.session
    size = page_size(first, info.context.settings.max_page_size)
    after_pk = decode_cursor(after) if after is not None else None
    stmt = select(models.ScenarioRun).order_by(models.ScenarioRun.id.desc()).limit(size + 1)
    if after_pk is not None:
        stmt = stmt.where(models.ScenarioRun.id < after_pk)
    rows = session.scalars(stmt).all()
    has_next, rows = len(rows) > size, rows[:size]

    def count() -> int:
        return int(session.scalar(select(func.count()).select_from(models.ScenarioRun)) or 0)

    present = info.context.present
    return connection(info.context, [(encode_cursor(r.id), present.scenario_run(r)) for r in rows], has_next,
                      after_pk is not None, count)


def compare(info: Info, a: str, b: str) -> tuple[Any, Any, list[Difference]]:
    """Both runs (SUCCEEDED) and the headline differences of B against A (matching/scenarios/compare.py)."""
    mapped = info.context.present.scenario_run

    rows = []
    kpis: list[dict[str, Any]] = []
    for name, global_id in (("a", a), ("b", b)):
        row = _get(info, global_id, name)
        if row is None:
            raise ClientError(f"{name}: no ScenarioRun has this ID", ErrorCode.NOT_FOUND, (name,))
        if row.state != RunState.SUCCEEDED or row.kpis is None:
            raise ClientError(f"{name}: run {row.id} is {row.state}; only SUCCEEDED runs have KPIs to compare",
                              ErrorCode.INVALID, (name,))
        rows.append(row)
        kpis.append(row.kpis)
    return mapped(rows[0]), mapped(rows[1]), differences(kpis[0], kpis[1])


def _stored(rec: RunRecord) -> RunRecord:
    """The record as it is stored and reported: the map's orders and volunteers' homes on the grid
    of resolvers/access/deidentify.py (the solve itself used exact coordinates), no engine result."""
    return dataclasses.replace(
        rec, result_json=None,
        requests=[(grid(lat), grid(lon), state) for lat, lon, state in rec.requests],
        lines=[(grid(v_lat), grid(v_lon), grid(r_lat), grid(r_lon)) for v_lat, v_lon, r_lat, r_lon in rec.lines])


def report_html(row: models.ScenarioRun) -> str | None:
    """The self-contained HTML report of a SUCCEEDED run, rendered from its stored record."""
    if row.record is None:
        return None
    doc = dict(row.record)
    for key in ("towns", "stations", "requests", "lines"):
        doc[key] = [tuple(x) for x in doc.get(key, [])]
    return run_report(RunRecord(**doc))


# --- background execution -----------------------------------------------------------------------

KNOWN = (ScenarioError, m.MatchingError)  # errors whose message is the reason of a failed run


def start(engine: Engine, run_id: int, settings: Settings) -> None:
    """Queue run `run_id` (already committed as QUEUED, with `QUEUE.claim`); returns at once."""
    if settings.runs.external:  # the workers take it from the table: wake them
        BROKER.publish("runs")
        return
    sessions = session_factory(engine)
    start_run(QUEUE, engine, run_id, functools.partial(_set, sessions), lambda: _solve(sessions, run_id, settings),
              KNOWN)


def drain(timeout: float | None = None) -> None:
    """Wait until every run queued so far has finished (tests; an orderly shutdown)."""
    QUEUE.drain(timeout)


def cancel(run_id: int) -> None:
    """Ask a running solve to stop at its next progress point (the row is updated by the caller),
    here or, through the broker, in the worker solving it."""
    QUEUE.cancel(run_id)
    BROKER.publish(f"scenario:{run_id}")


def recover(engine: Engine) -> int:
    """Mark scenario runs left QUEUED or RUNNING by a stopped server (lease expired) as FAILED; returns how many."""
    return recover_rows(engine, models.ScenarioRun, "scenario run")


def _set(sessions: sessionmaker[Session], run_id: int, only_if: RunState | None, **values: Any) -> bool:
    """Update the scenario run row and wake its subscribers."""
    changed = update_row(sessions, models.ScenarioRun, run_id, only_if, **values)
    BROKER.publish(f"scenario:{run_id}")
    return changed


async def run_progress(info: Info, global_id: str) -> AsyncIterator[Any]:
    """The scenario run as it is, then at each change of state, phase or parts, until it is final."""
    async for value in run_stream(info, models.ScenarioRun, global_id, "scenario:", info.context.present.scenario_run):
        yield value


def _solve(sessions: sessionmaker[Session], run_id: int, settings: Settings) -> None:
    with sessions() as session:
        row = session.get(models.ScenarioRun, run_id)
        assert row is not None
        file = EXAMPLES_DIR / f"{row.example}.toml" if row.example else None
        scenario = parse_scenario(row.source, file)
        scenario = materialise(scenario, lambda spec: scenario_base.build_dataset(session, spec))
    _set(sessions, run_id, RunState.RUNNING, phase="candidates")
    progress = RunProgress(functools.partial(_set, sessions), run_id, QUEUE.is_cancelled, False)
    rec = solve_apart(run_scenario, (scenario, None, settings.dask_scheduler), memory_mb=settings.runs.memory_mb,
                      known=KNOWN, progress=progress, cancelled=lambda: QUEUE.is_cancelled(run_id))
    record = dataclasses.asdict(_stored(rec))
    _set(sessions, run_id, RunState.RUNNING, state=RunState.SUCCEEDED, phase="done", kpis=rec.kpis,
         record=record, fingerprint=rec.fingerprint, finished_at=utcnow(), reason="")
