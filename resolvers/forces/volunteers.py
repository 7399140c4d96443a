"""Resolvers of volunteers: the volunteer search and the fields of Volunteer."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, not_, or_, select

from db import models
from db.enums import ServiceDomain, VolunteerStatus
from resolvers.access.deidentify import deidentified
from resolvers.core import filters, globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


#: A presented Volunteer of the schema (read by attribute: pk, path, ...).
Volunteer = Any


def volunteers(info: Info, *, skill: str | None, min_level: int | None, team: str | None,
               domain: ServiceDomain | None, unit_subtree: str | None, available_on: datetime.date | None,
               status: VolunteerStatus | None, name_contains: str | None, first: int | None,
               after: str | None) -> Any:
    """Volunteers matching every given filter, in id order."""
    ctx = info.context
    V = models.Volunteer
    stmt = select(V)
    if skill is not None:
        skill_pk = globalid.decode_as(skill, "Skill", ("skill",))
        cond = [models.VolunteerSkill.volunteer_id == V.id, models.VolunteerSkill.skill_id == skill_pk]
        if min_level is not None:
            cond.append(models.VolunteerSkill.level >= min_level)
        stmt = stmt.where(exists().where(*cond))
    if team is not None:
        team_pk = globalid.decode_as(team, "Team", ("team",))
        stmt = stmt.where(
            exists().where(models.TeamMembership.volunteer_id == V.id, models.TeamMembership.team_id == team_pk)
        )
    if domain is not None:
        stmt = stmt.where(
            exists().where(models.VolunteerDomain.volunteer_id == V.id, models.VolunteerDomain.domain == domain)
        )
    if unit_subtree is not None:
        prefix = filters.subtree_path(ctx.session, unit_subtree, ("unitSubtree",))
        stmt = stmt.where(filters.unit_in_subtree(V.unit_id, prefix))
    if available_on is not None:
        stmt = stmt.where(available_on_date(available_on))
    if status is not None:
        stmt = stmt.where(V.status == status)
    if name_contains:
        if deidentified(info):  # a search by name would tell who is who
            raise ClientError("nameContains: an analyst sees names de-identified and cannot search by them",
                              ErrorCode.FORBIDDEN, ("nameContains",))
        stmt = stmt.where(V.name.contains(name_contains, autoescape=True))
    return paginate(ctx, stmt, V.id, info.context.present.volunteer, first, after)


def available_on_date(day: datetime.date) -> Any:
    """SQL condition: the volunteer can serve some time on `day`.

    Either a weekly window on that weekday and no absence covering the whole day, or a dated
    extra window overlapping the day.
    """
    V = models.Volunteer
    E = models.AvailabilityException
    start = datetime.datetime.combine(day, datetime.time())
    end = start + datetime.timedelta(days=1)
    weekly = exists().where(
        models.AvailabilityWindow.volunteer_id == V.id, models.AvailabilityWindow.weekday == day.weekday()
    )
    absent_all_day = exists().where(E.volunteer_id == V.id, not_(E.available), E.start <= start, E.end >= end)
    extra = exists().where(E.volunteer_id == V.id, E.available, E.start < end, E.end > start)
    return or_(and_(weekly, not_(absent_all_day)), extra)


def skills(info: Info, volunteer: Volunteer) -> Any:
    return info.context.loaders.skills_by_volunteer.load(volunteer.pk)


def domains(info: Info, volunteer: Volunteer) -> Any:
    return info.context.loaders.domains_by_volunteer.load(volunteer.pk)


async def availability(info: Info, volunteer: Volunteer) -> Any:
    loaders = info.context.loaders
    weekly = loaders.windows_by_volunteer.load(volunteer.pk)
    dated = loaders.exceptions_by_volunteer.load(volunteer.pk)
    return info.context.present.availability(weekly=await weekly, exceptions=await dated)


def memberships(info: Info, volunteer: Volunteer) -> Any:
    return info.context.loaders.memberships_by_volunteer.load(volunteer.pk)


async def teams(info: Info, volunteer: Volunteer) -> list[Any]:
    loaders = info.context.loaders
    own = await loaders.memberships_by_volunteer.load(volunteer.pk)
    return list(await loaders.team_by_id.load_many([m.team_pk for m in own]))


def unit(info: Info, volunteer: Volunteer) -> Any:
    return info.context.loaders.unit_by_id.load(volunteer.unit_pk)
