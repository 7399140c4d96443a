"""Resolvers of volunteer forces: the team and skill queries and the fields of Team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from db import models
from db.enums import ServiceDomain, TeamKind
from resolvers.core import filters, globalid
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


#: A presented Team of the schema (read by attribute: pk, path, ...).
Team = Any


def teams(info: Info, *, kind: TeamKind | None, domain: ServiceDomain | None, unit_subtree: str | None,
          name_contains: str | None, first: int | None, after: str | None) -> Any:
    """Teams matching every given filter, in id order."""
    ctx = info.context
    stmt = select(models.Team)
    if kind is not None:
        stmt = stmt.where(models.Team.kind == kind)
    if domain is not None:
        stmt = stmt.where(models.Team.domain == domain)
    if unit_subtree is not None:
        prefix = filters.subtree_path(ctx.session, unit_subtree, ("unitSubtree",))
        stmt = stmt.where(filters.unit_in_subtree(models.Team.unit_id, prefix))
    if name_contains:
        stmt = stmt.where(models.Team.name.contains(name_contains, autoescape=True))
    return paginate(ctx, stmt, models.Team.id, info.context.present.team, first, after)


def skills(info: Info, *, domain: ServiceDomain | None) -> list[Any]:
    """The whole skill catalogue (it is small), optionally one domain's."""
    stmt = select(models.Skill).order_by(models.Skill.id)
    if domain is not None:
        stmt = stmt.where(models.Skill.domain == domain)
    return [info.context.present.skill(row) for row in info.context.session.scalars(stmt)]


def team_by_pk(info: Info, pk: int | None) -> Any:
    return None if pk is None else info.context.loaders.team_by_id.load(pk)


def volunteer_by_pk(info: Info, pk: int) -> Any:
    return info.context.loaders.volunteer_by_id.load(pk)


def team_children(info: Info, team: Team) -> Any:
    return info.context.loaders.teams_by_parent.load(team.pk)


def team_unit(info: Info, team: Team) -> Any:
    return info.context.loaders.unit_by_id.load(team.unit_pk)


def member_count(info: Info, team: Team) -> Any:
    return info.context.loaders.member_count_by_team.load(team.pk)


def members(info: Info, team: Team, first: int | None, after: str | None) -> Any:
    """A page of the team's memberships (a team can have thousands)."""
    ctx = info.context
    stmt = select(models.TeamMembership).where(models.TeamMembership.team_id == team.pk)
    return paginate(ctx, stmt, models.TeamMembership.id, info.context.present.membership, first, after)


def team_pk(global_id: str, path: tuple[str, ...]) -> int:
    return globalid.decode_as(global_id, "Team", path)
