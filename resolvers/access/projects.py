"""Access to projects (志愿服务项目): staff of a unit write its projects; staff above decide them.

Unit admins write the projects of units in their subtree (a draft, its changes, its submission,
start and close), with the service items and stations they list; of them, staff of the unit above
approve, return and evaluate (resolvers/projects/lifecycle.py `above`: a unit admin over the
project's parent unit, for a center's project over the center, never the account that submitted
it). A
project is never deleted; its audit trail and evaluation are added, never changed.

Staff (unit admins, dispatchers) read the projects of their subtree, and every staff member reads
the library (graded projects), to copy from it; analysts and the platform admin read everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from db import models
from resolvers.access.rules import (
    ANALYSTS,
    DISPATCH,
    STAFF,
    UNIT_ADMIN,
    UNIT_ROLES,
    Check,
    Domain,
    KeptByUnit,
    Scope,
    WriteRule,
    fields,
)

_projects = models.Project.__table__
_evaluations = models.ProjectEvaluation.__table__

READERS = DISPATCH | ANALYSTS


def _readable(s: Scope, t: Any) -> ColumnElement[bool]:
    """The projects of the caller's subtree, and the library (graded projects)."""
    units = s.units(*UNIT_ROLES)
    graded = t.c.id.in_(select(_evaluations.c.project_id).where(_evaluations.c.grade.is_not(None)))
    return graded if units is None else or_(t.c.unit_id.in_(units), graded)


def _project_parts(s: Scope, t: Any) -> ColumnElement[bool]:
    return t.c.project_id.in_(select(_projects.c.id).where(_readable(s, _projects)))


def _project_unit(check: Check, project_id: int) -> int | None:
    unit: int | None = check.session.connection().execute(
        select(_projects.c.unit_id).where(_projects.c.id == project_id)).scalar()
    return unit


@dataclass(frozen=True)
class ProjectParts(WriteRule):
    """A project's service items and stations: a unit admin over the project's unit."""

    sentence: str = "unit admin over the project's unit"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return check.in_subtree(UNIT_ADMIN, check.unit_path(_project_unit(check, obj.project_id)))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class ProjectRecords(WriteRule):
    """The audit trail and the evaluation: added with the caller as the actor, by a unit admin over
    the project's unit; never changed or deleted."""

    actor: str = "actor_account_id"
    sentence: str = "new rows only, the caller as the actor, by a unit admin over the project's unit; never changed"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not is_new or obj in check.session.deleted or getattr(obj, self.actor) != check.caller.account_id:
            return False
        return check.in_subtree(UNIT_ADMIN, check.unit_path(_project_unit(check, obj.project_id)))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="projects",
    roots={
        **fields("Query", ("project", "projects", "projectLibrary"), READERS),
        **fields("Mutation", ("projectCreate", "projectUpdate", "projectSubmit", "projectApprove", "projectReturn",
                              "projectStart", "projectClose", "projectEvaluate", "projectCopy"), STAFF),
    },
    scopes={
        "Query.projectLibrary": {r: "library (graded projects) of all" for r in (models.Role.UNIT_ADMIN,
                                                                                  models.Role.DISPATCHER)},
        **{f"Mutation.{name}": {models.Role.UNIT_ADMIN: "the unit above the project's unit, not its submitter"}
           for name in ("projectApprove", "projectReturn", "projectEvaluate")},
    },
    reads={
        models.Project: _readable,
        models.ProjectItem: _project_parts,
        models.ProjectStation: _project_parts,
        models.ProjectEvent: _project_parts,
        models.ProjectEvaluation: _project_parts,
    },
    writes={
        models.Project: KeptByUnit("project"),
        models.ProjectItem: ProjectParts(),
        models.ProjectStation: ProjectParts(),
        models.ProjectEvent: ProjectRecords(),
        models.ProjectEvaluation: ProjectRecords("reviewer_account_id"),
    },
)
