"""Volunteer forces (志愿服务体系): teams (总队 -> 支队 -> 队, 专业分队), the skill catalogue and
team memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.core.context import Info
from resolvers.forces import teams as force_resolvers
from schema.core.enums import MemberRole, ServiceDomain, TeamKind
from schema.core.relay import Connection, Node

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]


@strawberry.type(description="A skill of the catalogue, e.g. doctor 医生.")
class Skill(Node):
    pk: strawberry.Private[int]
    code: str
    name: str
    domain: ServiceDomain | None
    requires_certificate: bool = strawberry.field(description="Dispatch counts this skill only from valid training "
                                                              "certificates (trainingAssessmentRecord issues them).")


@strawberry.type(description="A volunteer team; corps -> detachment -> team, or a specialist team.")
class Team(Node):
    pk: strawberry.Private[int]
    parent_pk: strawberry.Private[int | None]
    unit_pk: strawberry.Private[int]
    code: str
    name: str
    kind: TeamKind
    domain: ServiceDomain | None
    description: str
    synthetic: bool

    @strawberry.field
    def parent(self, info: Info) -> Team | None:
        return force_resolvers.team_by_pk(info, self.parent_pk)

    @strawberry.field(description="At most 50 (TOO_LARGE past it).")
    def children(self, info: Info) -> list[Team]:
        return force_resolvers.team_children(info, self)

    @strawberry.field(description="The practice unit the team belongs to.")
    def unit(self, info: Info) -> UnitRef:
        return force_resolvers.team_unit(info, self)

    @strawberry.field
    def member_count(self, info: Info) -> int:
        return force_resolvers.member_count(info, self)

    @strawberry.field
    def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TeamMembership]:
        return force_resolvers.members(info, self, first, after)


@strawberry.type(description="A volunteer's place in a team.")
class TeamMembership:
    volunteer_pk: strawberry.Private[int]
    team_pk: strawberry.Private[int]
    role: MemberRole

    @strawberry.field
    def team(self, info: Info) -> Team:
        return force_resolvers.team_by_pk(info, self.team_pk)

    @strawberry.field
    def volunteer(self, info: Info) -> VolunteerRef:
        return force_resolvers.volunteer_by_pk(info, self.volunteer_pk)
