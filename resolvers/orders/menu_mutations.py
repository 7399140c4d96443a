"""Mutations of the service menu: service items, and offering / withdrawing an item on a unit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db import models
from resolvers.core.errors import ErrorCode
from resolvers.core.mutation import Outcome, run
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info


def service_item_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.ServiceItem:
        checks = Checks(session)
        code = checks.name(data.code, ("input", "code"), max_length=64)
        checks.unique(models.ServiceItem.code, code, ("input", "code"), "service item")
        name = checks.name(data.name, ("input", "name"))
        description = checks.text(data.description, ("input", "description"))
        checks.in_range(data.duration_minutes, 1, 24 * 60, ("input", "durationMinutes"))
        if not data.required_skills:
            checks.add(("input", "requiredSkills"), "list at least one required skill", ErrorCode.REQUIRED)
        needs: list[tuple[int, int, int]] = []
        for i, need in enumerate(data.required_skills):
            path = ("input", "requiredSkills", str(i))
            skill = checks.ref(need.skill, "Skill", (*path, "skill"))
            checks.in_range(need.headcount, 1, None, (*path, "headcount"))
            checks.in_range(need.min_level, 1, 5, (*path, "minLevel"))
            if skill is not None:
                if any(skill.id == s for s, _, _ in needs):
                    checks.add((*path, "skill"), "this skill is listed twice", ErrorCode.DUPLICATE)
                needs.append((skill.id, need.headcount, need.min_level))
        teams = [checks.ref(t, "Team", ("input", "providerTeams", str(i))) for i, t in enumerate(data.provider_teams)]
        checks.raise_if_any()
        item = models.ServiceItem(code=code, name=name, domain=data.domain, description=description,
                                  duration_minutes=data.duration_minutes, synthetic=data.synthetic)
        session.add(item)
        session.flush()
        session.add_all(models.ServiceItemSkill(item_id=item.id, skill_id=s, count=c, min_level=m) for s, c, m in needs)
        session.add_all(models.ServiceItemProvider(item_id=item.id, team_id=t.id)
                        for t in {t.id: t for t in teams if t is not None}.values())
        session.flush()
        return item

    return run(info, work, info.context.present.service_item)


def _offer(session: Session, unit_id: int, item_id: int) -> int | None:
    return session.scalar(
        select(models.MenuOffer.id).where(models.MenuOffer.unit_id == unit_id, models.MenuOffer.item_id == item_id)
    )


def menu_offer(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> tuple[models.Unit, models.ServiceItem]:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        item = checks.ref(data.item, "ServiceItem", ("input", "item"))
        if unit is not None and item is not None and _offer(session, unit.id, item.id):
            checks.add(("input", "item"), "the unit already offers this item", ErrorCode.DUPLICATE)
        checks.raise_if_any()
        session.add(models.MenuOffer(unit_id=unit.id, item_id=item.id))
        session.flush()
        return unit, item

    present = info.context.present
    return run(info, work, lambda pair: (present.unit(pair[0]), present.service_item(pair[1])))


def menu_withdraw(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> tuple[models.Unit, models.ServiceItem]:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        item = checks.ref(data.item, "ServiceItem", ("input", "item"))
        if unit is not None and item is not None and not _offer(session, unit.id, item.id):
            checks.add(("input", "item"), "the unit does not offer this item itself", ErrorCode.NOT_OFFERED)
        checks.raise_if_any()
        session.execute(delete(models.MenuOffer).where(models.MenuOffer.unit_id == unit.id,
                                                       models.MenuOffer.item_id == item.id))
        return unit, item

    present = info.context.present
    return run(info, work, lambda pair: (present.unit(pair[0]), present.service_item(pair[1])))
