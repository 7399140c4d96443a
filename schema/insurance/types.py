"""GraphQL types of insurance: a policy and an uninsured task of the coming days."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.globalid import encode
from resolvers.insurance import policies

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]


@strawberry.type(description="An insurance policy (保单) held by a unit: it covers named volunteers or every member "
                             "of a team for the activity kinds it lists, on every day of its period (both days "
                             "included), unless withdrawn.")
class InsurancePolicy:
    id: strawberry.ID
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    team_pk: strawberry.Private[int | None]
    insurer: str
    policy_number: str
    valid_from: datetime.date
    valid_until: datetime.date
    withdrawn_at: datetime.datetime | None

    @strawberry.field(description="The unit that holds the policy.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The team covered as a whole (null: named volunteers).")
    def team_id(self) -> strawberry.ID | None:
        return None if self.team_pk is None else encode("Team", self.team_pk)

    @strawberry.field(description="The activity kinds covered: service item codes.")
    def activity_kinds(self, info: Info) -> list[str]:
        return policies.kinds_of(info.context.session, self.pk)

    @strawberry.field(description="The volunteers named (empty for a team's policy), those you may see.")
    async def volunteers(self, info: Info) -> list[VolunteerRef]:
        found = [await info.context.loaders.volunteer_by_id.load(v)
                 for v in policies.volunteers_of(info.context.session, self.pk)]
        return [v for v in found if v is not None]


@strawberry.type(description="A task of the coming days (OFFERED or ACCEPTED) whose volunteer no insurance covers "
                             "for its activity kind on its day.")
class UninsuredAssignment:
    volunteer_pk: strawberry.Private[int]
    task_id: strawberry.ID
    order_id: strawberry.ID
    activity_kind: str
    day: datetime.date

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)


def uninsured(row: policies.Uninsured) -> UninsuredAssignment:
    return UninsuredAssignment(volunteer_pk=row.volunteer_id, task_id=encode("Assignment", row.assignment_id),
                               order_id=encode("Order", row.order_id), activity_kind=row.activity, day=row.day)


def policy_object(row: Any) -> InsurancePolicy:
    return InsurancePolicy(id=encode("InsurancePolicy", row.id), pk=row.id, unit_pk=row.unit_id, team_pk=row.team_id,
                           insurer=row.insurer, policy_number=row.policy_number, valid_from=row.valid_from,
                           valid_until=row.valid_until, withdrawn_at=row.withdrawn_at)
