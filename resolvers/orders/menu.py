"""Resolvers of the service menu and orders: list queries and the fields of ServiceItem/Order."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from db import models
from db.enums import OrderStatus, ServiceDomain
from resolvers.core import filters, globalid
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


#: A presented ServiceItem of the schema (read by attribute: pk, path, ...).
ServiceItem = Any


def service_items(info: Info, *, domain: ServiceDomain | None, skill: str | None,
                  name_contains: str | None, first: int | None, after: str | None) -> Any:
    """Service items of a domain and/or needing a skill, in id order."""
    ctx = info.context
    stmt = select(models.ServiceItem)
    if domain is not None:
        stmt = stmt.where(models.ServiceItem.domain == domain)
    if skill is not None:
        skill_pk = globalid.decode_as(skill, "Skill", ("skill",))
        stmt = stmt.where(
            exists().where(
                models.ServiceItemSkill.item_id == models.ServiceItem.id, models.ServiceItemSkill.skill_id == skill_pk
            )
        )
    if name_contains:
        stmt = stmt.where(models.ServiceItem.name.contains(name_contains, autoescape=True))
    return paginate(ctx, stmt, models.ServiceItem.id, info.context.present.service_item, first, after)


def orders(info: Info, *, status: OrderStatus | None, unit_subtree: str | None, date: datetime.date | None,
           first: int | None, after: str | None) -> Any:
    """Orders by status, by the unit subtree they are served in, by the day their window starts."""
    ctx = info.context
    stmt = select(models.Order)
    if status is not None:
        stmt = stmt.where(models.Order.status == status)
    if unit_subtree is not None:
        prefix = filters.subtree_path(ctx.session, unit_subtree, ("unitSubtree",))
        stmt = stmt.where(filters.unit_in_subtree(models.Order.unit_id, prefix))
    if date is not None:
        start = datetime.datetime.combine(date, datetime.time())
        stmt = stmt.where(
            models.Order.window_start >= start, models.Order.window_start < start + datetime.timedelta(days=1)
        )
    return paginate(ctx, stmt, models.Order.id, info.context.present.order, first, after)


def required_skills(info: Info, item: ServiceItem) -> Any:
    return info.context.loaders.required_skills_by_item.load(item.pk)


def provider_teams(info: Info, item: ServiceItem) -> Any:
    return info.context.loaders.provider_teams_by_item.load(item.pk)


def item_by_pk(info: Info, pk: int) -> Any:
    return info.context.loaders.service_item_by_id.load(pk)


def unit_by_pk(info: Info, pk: int | None) -> Any:
    return None if pk is None else info.context.loaders.unit_by_id.load(pk)
