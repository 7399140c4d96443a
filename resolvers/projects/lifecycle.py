"""The life of a volunteer service project (志愿服务项目) through the API: a unit's staff write a
draft, submit it, start it once approved and close it; staff of the unit above approve it, return
it with a reason (the draft is changed and resubmitted) and evaluate it when closed
(resolvers/projects/evaluation.py). A graded project enters the library, from which another unit
copies a new draft.

Every mutation runs through the one runner (all or nothing) and every step appends a
`ProjectEvent` with the signed-in account and the server's time. Who approves is the tree's: a
unit admin over the unit above the project's (for a center's project: over the center), never the
account that submitted it. The access policy (resolvers/access/projects.py) keeps the writes to
those units; this module says which step is whose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import UnitLevel
from db.models import ProjectState
from db.models.base import utcnow
from db.session import lock_for_write
from resolvers.core import globalid
from resolvers.core.context import actor_account_id, actor_of
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome, run
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: bounds of one project's input
MAX_ITEMS = 20
MAX_STATIONS = 50
MAX_BUDGET_FEN = 1_000_000_000  # 1000万元
MAX_DAYS = 366 * 5
PROJECT = ("input", "project")
#: the states in which a project's own staff may still change it
EDITABLE = (ProjectState.DRAFT, ProjectState.RETURNED)


def _caller(info: Info) -> Any:
    caller = info.context.auth.caller
    if caller is None:
        raise RuntimeError("a project step without an authenticated caller (the root gate admits none)")
    return caller


def event(info: Info, session: Session, project: models.Project, from_state: ProjectState | None,
          note: str = "") -> None:
    """Append the step to `project`'s audit trail: the caller, the server's time."""
    session.add(models.ProjectEvent(project_id=project.id, from_state=from_state, to_state=project.state,
                                    actor=actor_of(info), actor_account_id=actor_account_id(info), note=note,
                                    at=utcnow()))


def load(session: Session, global_id: str, path: Sequence[str] = PROJECT) -> models.Project:
    project: models.Project = globalid.load(session, global_id, "Project", path, lock=True)
    return project


def _expect(project: models.Project, states: Sequence[ProjectState], step: str) -> None:
    if project.state not in states:
        wanted = " or ".join(states)
        raise abort(PROJECT, f"the project is {project.state}; only a {wanted} project can be {step}",
                    ErrorCode.ILLEGAL_TRANSITION)


def above(info: Info, session: Session, project: models.Project, step: str) -> None:
    """FORBIDDEN unless the caller is a unit admin over the unit above the project's (a center's
    project: over the center) or the platform admin; OWN_REQUEST for an account that submitted it
    (now or before a return)."""
    caller = _caller(info)
    submitters = set(session.scalars(select(models.ProjectEvent.actor_account_id).where(
        models.ProjectEvent.project_id == project.id, models.ProjectEvent.to_state == ProjectState.SUBMITTED)))
    if caller.account_id in submitters | {project.submitted_by_account_id}:
        raise abort(PROJECT, f"you submitted this project: other staff of the unit above {step} it",
                    ErrorCode.OWN_REQUEST)
    if caller.is_admin:
        return
    unit = session.get(models.Unit, project.unit_id)
    parent = session.get(models.Unit, unit.parent_id) if unit is not None and unit.parent_id else None
    deciding = parent or unit
    if deciding is None or not any(g.unit_path and deciding.path.startswith(g.unit_path)
                                   for g in caller.grants_of(models.Role.UNIT_ADMIN)):
        raise abort(PROJECT, f"a project is {step} by a unit admin of the unit above the project's "
                    "(a center's project: of the center)", ErrorCode.FORBIDDEN)


def _period(checks: Checks, start: dt.date | None, end: dt.date | None) -> None:
    if start is None or end is None:
        return
    if end < start:
        checks.add(("input", "endsOn"), "endsOn must be on or after startsOn", ErrorCode.OUT_OF_RANGE)
    elif (end - start).days > MAX_DAYS:
        checks.add(("input", "endsOn"), f"a project runs at most {MAX_DAYS} days", ErrorCode.OUT_OF_RANGE)


def money(checks: Checks, value: int | None, path: Sequence[str]) -> None:
    """An amount in fen: 0 .. MAX_BUDGET_FEN."""
    if value is not None and not 0 <= value <= MAX_BUDGET_FEN:
        checks.add(path, f"{path[-1]} must be within 0..{MAX_BUDGET_FEN} fen", ErrorCode.OUT_OF_RANGE)


def _items(checks: Checks, ids: list[str] | None, required: bool) -> list[int] | None:
    path = ("input", "serviceItems")
    if ids is None:
        if required:
            checks.add(path, "name the service items the project runs (at least one)", ErrorCode.REQUIRED)
        return None
    if len(ids) > MAX_ITEMS:
        checks.add(path, f"at most {MAX_ITEMS} service items", ErrorCode.TOO_LARGE)
        return None
    if not ids:
        checks.add(path, "name the service items the project runs (at least one)", ErrorCode.REQUIRED)
        return None
    rows = [checks.ref(g, "ServiceItem", (*path, str(i))) for i, g in enumerate(ids)]
    return sorted({r.id for r in rows if r is not None})


def _stations(checks: Checks, ids: list[str] | None) -> list[models.Unit] | None:
    path = ("input", "stations")
    if ids is None:
        return None
    if len(ids) > MAX_STATIONS:
        checks.add(path, f"at most {MAX_STATIONS} stations", ErrorCode.TOO_LARGE)
        return None
    rows = [checks.ref(g, "Unit", (*path, str(i))) for i, g in enumerate(ids)]
    for i, row in enumerate(rows):
        if row is not None and row.level != UnitLevel.STATION:
            checks.add((*path, str(i)), "not a station (站)", ErrorCode.INVALID)
    return list({r.id: r for r in rows if r is not None}.values())


def _in_subtree(checks: Checks, unit: models.Unit | None, stations: list[models.Unit] | None) -> None:
    if unit is None or not stations:
        return
    for station in stations:
        if not station.path.startswith(unit.path):
            checks.add(("input", "stations"), f"station {station.name} is outside the project unit's subtree",
                       ErrorCode.OUT_OF_RANGE)


def _replace(session: Session, model: Any, project_id: int, rows: list[Any]) -> None:
    for old in session.scalars(select(model).where(model.project_id == project_id)):
        session.delete(old)
    session.flush()
    session.add_all(rows)


def _links(session: Session, project: models.Project, items: list[int] | None,
           stations: list[models.Unit] | None) -> None:
    if items is not None:
        _replace(session, models.ProjectItem, project.id,
                 [models.ProjectItem(project_id=project.id, item_id=i) for i in items])
    if stations is not None:
        _replace(session, models.ProjectStation, project.id,
                 [models.ProjectStation(project_id=project.id, unit_id=s.id) for s in stations])


def _texts(checks: Checks, data: Any) -> dict[str, Any]:
    """The given texts of a create or update input, checked."""
    out: dict[str, Any] = {}
    if data.name is not None:
        out["name"] = checks.name(data.name, ("input", "name"))
    for attr, field in (("goals", "goals"), ("target_groups", "targetGroups")):
        if getattr(data, attr) is not None:
            out[attr] = checks.text(getattr(data, attr), ("input", field))
    return out


def project_create(info: Info, data: Any) -> Outcome[Any]:
    """A new DRAFT project of a unit."""
    def work(session: Session) -> models.Project:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        team = checks.ref(data.team, "Team", ("input", "team"))
        texts = _texts(checks, data)
        items = _items(checks, data.service_items, required=True)
        stations = _stations(checks, data.stations)
        _in_subtree(checks, unit, stations)
        _period(checks, data.starts_on, data.ends_on)
        money(checks, data.budget_fen, ("input", "budgetFen"))
        checks.raise_if_any()
        project = models.Project(unit_id=unit.id, team_id=None if team is None else team.id, domain=data.domain,
                                 starts_on=data.starts_on, ends_on=data.ends_on, budget_fen=data.budget_fen,
                                 state=ProjectState.DRAFT, created_at=utcnow(), **texts)
        session.add(project)
        session.flush()
        _links(session, project, items, stations)
        event(info, session, project, None)
        session.flush()
        return project

    return run(info, work, info.context.present.project)


def project_update(info: Info, data: Any) -> Outcome[Any]:
    """Change a DRAFT or RETURNED project: only the fields given (lists given replace the old)."""
    def work(session: Session) -> models.Project:
        lock_for_write(session)
        checks = Checks(session)
        project = load(session, data.project)
        _expect(project, EDITABLE, "changed")
        team = checks.ref(data.team, "Team", ("input", "team"))
        texts = _texts(checks, data)
        items = _items(checks, data.service_items, required=False)
        stations = _stations(checks, data.stations)
        _in_subtree(checks, session.get(models.Unit, project.unit_id), stations)
        start = data.starts_on if data.starts_on is not None else project.starts_on
        end = data.ends_on if data.ends_on is not None else project.ends_on
        _period(checks, start, end)
        money(checks, data.budget_fen, ("input", "budgetFen"))
        checks.raise_if_any()
        for attr, value in texts.items():
            setattr(project, attr, value)
        project.starts_on, project.ends_on = start, end
        if data.domain is not None:
            project.domain = data.domain
        if data.budget_fen is not None:
            project.budget_fen = data.budget_fen
        if team is not None:
            project.team_id = team.id
        _links(session, project, items, stations)
        session.flush()
        return project

    return run(info, work, info.context.present.project)


def _step(info: Info, global_id: str, states: Sequence[ProjectState], to: ProjectState, verb: str,
          decide: bool = False, note: str | None = None, reason: bool = False,
          extra: Any = None) -> Outcome[Any]:
    """One transition of a project: from `states` to `to`, by its own unit's staff (the access
    policy) or, with `decide`, by staff of the unit above; audited with `note` (required: `reason`).
    `extra` writes what a step adds: `extra.check(checks)` with the input's checks, then
    `extra.apply(info, session, project, note)` once the step is allowed."""
    def work(session: Session) -> models.Project:
        lock_for_write(session)  # a step reads the state it changes: writers queue (SQLite)
        checks = Checks(session)
        text = checks.text(note, ("input", "reason" if reason else "note"))
        if reason and not text:
            checks.add(("input", "reason"), "say why, so the project's staff know what to change", ErrorCode.REQUIRED)
        if extra is not None:
            extra.check(checks)
        checks.raise_if_any()
        project = load(session, global_id)
        _expect(project, states, verb)
        if decide:
            above(info, session, project, verb)
        before = project.state
        project.state = to
        if to == ProjectState.SUBMITTED:
            project.submitted_by_account_id = _caller(info).account_id
            project.return_reason = ""
        if to == ProjectState.RETURNED:
            project.return_reason = text
        if extra is not None:
            extra.apply(info, session, project, text)
        session.flush()
        event(info, session, project, before, text)
        session.flush()
        return project

    return run(info, work, info.context.present.project)


def project_submit(info: Info, data: Any) -> Outcome[Any]:
    return _step(info, data.project, EDITABLE, ProjectState.SUBMITTED, "submitted", note=data.note)


def project_approve(info: Info, data: Any) -> Outcome[Any]:
    return _step(info, data.project, (ProjectState.SUBMITTED,), ProjectState.APPROVED, "approved", decide=True,
                 note=data.note)


def project_return(info: Info, data: Any) -> Outcome[Any]:
    return _step(info, data.project, (ProjectState.SUBMITTED,), ProjectState.RETURNED, "returned", decide=True,
                 note=data.reason, reason=True)


def project_start(info: Info, data: Any) -> Outcome[Any]:
    return _step(info, data.project, (ProjectState.APPROVED,), ProjectState.RUNNING, "started", note=data.note)


class _Spent:
    """projectClose's amount spent: checked with the input, written with the step."""

    def __init__(self, spent_fen: int) -> None:
        self.spent_fen = spent_fen

    def check(self, checks: Checks) -> None:
        money(checks, self.spent_fen, ("input", "spentFen"))

    def apply(self, info: Info, session: Session, project: models.Project, note: str) -> None:
        project.spent_fen = self.spent_fen


def project_close(info: Info, data: Any) -> Outcome[Any]:
    return _step(info, data.project, (ProjectState.RUNNING,), ProjectState.CLOSED, "closed", note=data.note,
                 extra=_Spent(data.spent_fen))


def step(info: Info, global_id: str, states: Sequence[ProjectState], to: ProjectState, verb: str, note: str | None,
         extra: Any) -> Outcome[Any]:
    """A decided step with more to write (the evaluation): see `_step`."""
    return _step(info, global_id, states, to, verb, decide=True, note=note, extra=extra)


def project_copy(info: Info, data: Any) -> Outcome[Any]:
    """A new DRAFT at `unit` from a library entry: its name, domain, goals, target groups, budget
    and service items (not its stations, which belong to the entry's unit)."""
    def work(session: Session) -> models.Project:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        _period(checks, data.starts_on, data.ends_on)
        checks.raise_if_any()
        entry = globalid.load(session, data.entry, "Project", ("input", "entry"))
        graded = session.scalar(select(models.ProjectEvaluation.grade)
                                .where(models.ProjectEvaluation.project_id == entry.id))
        if graded is None:
            raise abort(("input", "entry"), "this project is not in the library (not graded)", ErrorCode.NOT_FOUND)
        project = models.Project(unit_id=unit.id, team_id=None, name=entry.name, domain=entry.domain,
                                 goals=entry.goals, target_groups=entry.target_groups, starts_on=data.starts_on,
                                 ends_on=data.ends_on, budget_fen=entry.budget_fen, state=ProjectState.DRAFT,
                                 copied_from_id=entry.id, created_at=utcnow())
        session.add(project)
        session.flush()
        items = list(session.scalars(select(models.ProjectItem.item_id)
                                     .where(models.ProjectItem.project_id == entry.id)))
        _links(session, project, items, None)
        event(info, session, project, None, f"copied from the library: {entry.name}")
        session.flush()
        return project

    return run(info, work, info.context.present.project)
