"""Volunteer forces in the API: team and skill queries and mutations."""

from __future__ import annotations

import strawberry

from resolvers.core.context import Info
from resolvers.forces import team_mutations as force_mutations
from resolvers.forces import teams as force_resolvers
from schema.core.common import UserError
from schema.core.enums import MemberRole, ServiceDomain, TeamKind
from schema.core.relay import Connection
from schema.forces.types import Skill, Team, TeamMembership


@strawberry.input
class TeamCreateInput:
    code: str
    name: str
    kind: TeamKind
    unit: strawberry.ID = strawberry.field(description="The practice unit the team belongs to.")
    parent: strawberry.ID | None = None
    domain: ServiceDomain | None = strawberry.field(default=None, description="Required for a specialist team.")
    description: str | None = None
    synthetic: bool = False


@strawberry.input(description="Fields left out stay unchanged.")
class TeamUpdateInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    domain: ServiceDomain | None = None


@strawberry.input
class TeamMemberAddInput:
    team: strawberry.ID
    volunteer: strawberry.ID
    role: MemberRole | None = MemberRole.MEMBER


@strawberry.input
class SkillCreateInput:
    code: str
    name: str
    domain: ServiceDomain | None = None
    requires_certificate: bool = strawberry.field(default=False, description="Count it for dispatch only from "
                                                                             "valid training certificates.")


@strawberry.type
class TeamPayload:
    team: Team | None
    user_errors: list[UserError]


@strawberry.type
class TeamMemberAddPayload:
    membership: TeamMembership | None
    user_errors: list[UserError]


@strawberry.type
class SkillCreatePayload:
    skill: Skill | None
    user_errors: list[UserError]


@strawberry.type
class TeamQueries:
    @strawberry.field(description="Teams by kind, domain, unit subtree or name.")
    def teams(
        self, info: Info, kind: TeamKind | None = None, domain: ServiceDomain | None = None,
        unit_subtree: strawberry.ID | None = None, name_contains: str | None = None, first: int | None = None,
        after: str | None = None,
    ) -> Connection[Team]:
        return force_resolvers.teams(
            info, kind=kind, domain=domain, unit_subtree=unit_subtree, name_contains=name_contains, first=first,
            after=after,
        )

    @strawberry.field(description="The skill catalogue.")
    def skills(self, info: Info, domain: ServiceDomain | None = None) -> list[Skill]:
        return force_resolvers.skills(info, domain=domain)


@strawberry.type
class TeamMutations:
    @strawberry.mutation
    def team_create(self, info: Info, input: TeamCreateInput) -> TeamPayload:
        out = force_mutations.team_create(info, input)
        return TeamPayload(team=out.value, user_errors=out.errors)

    @strawberry.mutation
    def team_update(self, info: Info, input: TeamUpdateInput) -> TeamPayload:
        out = force_mutations.team_update(info, input)
        return TeamPayload(team=out.value, user_errors=out.errors)

    @strawberry.mutation
    def team_member_add(self, info: Info, input: TeamMemberAddInput) -> TeamMemberAddPayload:
        out = force_mutations.team_member_add(info, input)
        return TeamMemberAddPayload(membership=out.value, user_errors=out.errors)

    @strawberry.mutation
    def skill_create(self, info: Info, input: SkillCreateInput) -> SkillCreatePayload:
        out = force_mutations.skill_create(info, input)
        return SkillCreatePayload(skill=out.value, user_errors=out.errors)
