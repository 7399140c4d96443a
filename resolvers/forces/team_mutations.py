"""Mutations of volunteer forces: teams (create, update, add a member) and skills.

Team nesting follows Kunshan's three levels: a detachment 支队 sits under a corps 总队, a team 队
under a detachment or a corps; a corps has no parent; a specialist team 专业分队 needs a domain and
may sit under a corps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import MemberRole, TeamKind
from resolvers.core.errors import ErrorCode
from resolvers.core.mutation import Outcome, run
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

ALLOWED_PARENTS: dict[TeamKind, frozenset[TeamKind]] = {
    TeamKind.CORPS: frozenset(),
    TeamKind.DETACHMENT: frozenset({TeamKind.CORPS}),
    TeamKind.TEAM: frozenset({TeamKind.DETACHMENT, TeamKind.CORPS}),
    TeamKind.SPECIALIST: frozenset({TeamKind.CORPS}),
}


def _check_parent(checks: Checks, kind: TeamKind, parent: models.Team | None) -> None:
    if parent is None:
        return
    allowed = ALLOWED_PARENTS[kind]
    if parent.kind not in allowed:
        wanted = " or ".join(sorted(k.lower() for k in allowed)) or "no parent"
        checks.add(("input", "parent"), f"a {kind.lower()} takes {wanted} as parent, not a {parent.kind.lower()}",
                   ErrorCode.LEVEL_MISMATCH)


def team_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Team:
        checks = Checks(session)
        code = checks.name(data.code, ("input", "code"), max_length=64)
        checks.unique(models.Team.code, code, ("input", "code"), "team")
        name = checks.name(data.name, ("input", "name"))
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        parent = checks.ref(data.parent, "Team", ("input", "parent"))
        _check_parent(checks, data.kind, parent)
        if data.kind == TeamKind.SPECIALIST and data.domain is None:
            checks.add(("input", "domain"), "a specialist team needs a service domain", ErrorCode.REQUIRED)
        description = checks.text(data.description, ("input", "description"))
        checks.raise_if_any()
        team = models.Team(code=code, name=name, kind=data.kind, parent_id=parent.id if parent else None,
                           unit_id=unit.id, domain=data.domain, description=description, synthetic=data.synthetic)
        session.add(team)
        session.flush()
        return team

    return run(info, work, info.context.present.team)


def team_update(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Team:
        checks = Checks(session)
        team = checks.ref(data.id, "Team", ("input", "id"))
        name = checks.name(data.name, ("input", "name")) if data.name is not None else None
        description = checks.text(data.description, ("input", "description"))
        checks.raise_if_any()
        assert team is not None
        if name is not None:
            team.name = name
        if data.description is not None:
            team.description = description
        if data.domain is not None:
            team.domain = data.domain
        session.flush()
        return team

    return run(info, work, info.context.present.team)


def team_member_add(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.TeamMembership:
        checks = Checks(session)
        team = checks.ref(data.team, "Team", ("input", "team"))
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        if team is not None and volunteer is not None and session.scalar(
            select(models.TeamMembership.id).where(
                models.TeamMembership.team_id == team.id, models.TeamMembership.volunteer_id == volunteer.id
            )
        ):
            checks.add(("input", "volunteer"), "the volunteer is already a member of this team", ErrorCode.DUPLICATE)
        checks.raise_if_any()
        membership = models.TeamMembership(team_id=team.id, volunteer_id=volunteer.id,
                                           role=data.role or MemberRole.MEMBER)
        session.add(membership)
        session.flush()
        return membership

    return run(info, work, info.context.present.membership)


def skill_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Skill:
        checks = Checks(session)
        code = checks.name(data.code, ("input", "code"), max_length=64)
        checks.unique(models.Skill.code, code, ("input", "code"), "skill")
        name = checks.name(data.name, ("input", "name"))
        checks.raise_if_any()
        skill = models.Skill(code=code, name=name, domain=data.domain, requires_certificate=data.requires_certificate)
        session.add(skill)
        session.flush()
        return skill

    return run(info, work, info.context.present.skill)
