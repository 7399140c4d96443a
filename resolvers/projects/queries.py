"""Reads of projects: one project, the projects a caller reads, the library (优秀项目库), and a
project's history, orders, items and stations. The request's restricted session keeps each to
what the caller may read (resolvers/access/projects.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import ServiceDomain
from db.models import ProjectGrade, ProjectState
from db.queries import subtree_condition
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


def evaluation_of(session: Session, project_id: int) -> models.ProjectEvaluation | None:
    found: models.ProjectEvaluation | None = session.scalar(
        select(models.ProjectEvaluation).where(models.ProjectEvaluation.project_id == project_id))
    return found


def _region(session: Session, stmt: Any, unit: str | None, path: tuple[str, ...]) -> Any:
    if unit is None:
        return stmt
    root = session.get(models.Unit, globalid.decode_as(unit, "Unit", path))
    return stmt.where(models.Project.unit_id.in_(
        select(models.Unit.id).where(subtree_condition(root.path) if root is not None else models.Unit.id < 0)))


def projects(info: Info, unit: str | None, state: ProjectState | None, domain: ServiceDomain | None,
             first: int | None, after: str | None) -> Any:
    """The projects the caller reads (of `unit`'s subtree), oldest first."""
    session = info.context.session
    stmt = _region(session, select(models.Project), unit, ("unit",))
    if state is not None:
        stmt = stmt.where(models.Project.state == state)
    if domain is not None:
        stmt = stmt.where(models.Project.domain == domain)
    return paginate(info.context, stmt, models.Project.id, info.context.present.project, first, after)


def library(info: Info, domain: ServiceDomain | None, grade: ProjectGrade | None, region: str | None,
            first: int | None, after: str | None) -> Any:
    """The graded projects (优秀项目库), oldest first: of `domain`, `grade`, `region`'s subtree."""
    session = info.context.session
    E = models.ProjectEvaluation
    stmt = select(models.Project).join(E, E.project_id == models.Project.id).where(E.grade.is_not(None))
    stmt = _region(session, stmt, region, ("region",))
    if domain is not None:
        stmt = stmt.where(models.Project.domain == domain)
    if grade is not None:
        stmt = stmt.where(E.grade == grade)
    return paginate(info.context, stmt, models.Project.id, info.context.present.project, first, after)


def project(info: Info, global_id: str) -> Any:
    pk = globalid.decode_pk(global_id, "Project")
    if pk is None:
        raise ClientError("id: not the ID of a Project", ErrorCode.MALFORMED_ID, ("id",))
    row = info.context.session.scalar(select(models.Project).where(models.Project.id == pk))
    return None if row is None else info.context.present.project(row)


def history(info: Info, project_id: int, first: int | None, after: str | None) -> Any:
    stmt = select(models.ProjectEvent).where(models.ProjectEvent.project_id == project_id)
    return paginate(info.context, stmt, models.ProjectEvent.id, info.context.present.project_event, first, after)


def orders(info: Info, project_id: int, first: int | None, after: str | None) -> Any:
    stmt = select(models.Order).where(models.Order.project_id == project_id)
    return paginate(info.context, stmt, models.Order.id, info.context.present.order, first, after)


def item_ids(session: Session, project_id: int) -> list[int]:
    return list(session.scalars(select(models.ProjectItem.item_id)
                                .where(models.ProjectItem.project_id == project_id)
                                .order_by(models.ProjectItem.item_id)))


def station_ids(session: Session, project_id: int) -> list[int]:
    return list(session.scalars(select(models.ProjectStation.unit_id)
                                .where(models.ProjectStation.project_id == project_id)
                                .order_by(models.ProjectStation.unit_id)))
