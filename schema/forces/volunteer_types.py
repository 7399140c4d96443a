"""Volunteers (志愿者) and what belongs to each: skills, expert-pool domains (专家库), weekly
availability with dated exceptions, team memberships.

Personal data is masked: the phone shows the first three and last four digits (`phoneFull`
returns the whole number to the roles that may see it, resolvers/access/personal_data.py), the
ID number only its last four characters (the full number is never stored, see db/identity.py).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.access import personal_data
from resolvers.access.deidentify import DeIdentified, on_grid, pseudonym, stars, withhold
from resolvers.core.context import Info
from resolvers.forces import volunteers as volunteer_resolvers
from schema.core.common import Location
from schema.core.enums import ServiceDomain, VolunteerStatus
from schema.core.relay import Node
from schema.forces.types import Skill, Team, TeamMembership

if TYPE_CHECKING:
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]


@strawberry.type(description="A skill held by a volunteer, level 1..5.")
class VolunteerSkill:
    skill: Skill
    level: int
    certified_until: datetime.date | None


@strawberry.type(description="A weekly window: weekday 0 (Monday) .. 6, minutes after midnight.")
class AvailabilityWindow:
    weekday: int
    start_minute: int
    end_minute: int


@strawberry.type(description="A dated exception, local time: an extra window or an absence.")
class AvailabilityException:
    start: datetime.datetime
    end: datetime.datetime
    available: bool
    note: str = strawberry.field(extensions=[DeIdentified(withhold)], description="Withheld (*) for analysts.")


@strawberry.type
class Availability:
    weekly: list[AvailabilityWindow]
    exceptions: list[AvailabilityException]


@strawberry.type(description="A registered volunteer 志愿者.")
class Volunteer(Node):
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    volunteer_number: str = strawberry.field(
        extensions=[DeIdentified(pseudonym)],
        description="Unified volunteer number 统一志愿者编号; for analysts a stable pseudonym (anon-...).")
    name: str = strawberry.field(extensions=[DeIdentified()], description="De-identified (王*) for analysts.")
    phone: str = strawberry.field(description="Masked, e.g. 138****5678.")
    id_number: str = strawberry.field(extensions=[DeIdentified(stars)],
                                      description="Masked: only the last four characters are shown (none to analysts).")
    home_location: Location = strawberry.field(extensions=[DeIdentified(on_grid)],
                                               description="On a 0.01 degree grid for analysts.")
    status: VolunteerStatus
    insurance_valid_until: datetime.date | None
    max_travel_km: float | None
    max_tasks_per_day: int | None
    max_minutes_per_day: int | None
    synthetic: bool

    @strawberry.field(description="The whole phone number for roles that may see it (each read is audit-logged); "
                      "null otherwise. See docs/access.md.")
    async def phone_full(self, info: Info) -> str | None:
        return await personal_data.volunteer_phone(info, self.pk)

    @strawberry.field
    def skills(self, info: Info) -> list[VolunteerSkill]:
        return volunteer_resolvers.skills(info, self)

    @strawberry.field(description="Expert-pool domains 专家库.")
    def domains(self, info: Info) -> list[ServiceDomain]:
        return volunteer_resolvers.domains(info, self)

    @strawberry.field
    async def availability(self, info: Info) -> Availability:
        return await volunteer_resolvers.availability(info, self)

    @strawberry.field
    def memberships(self, info: Info) -> list[TeamMembership]:
        return volunteer_resolvers.memberships(info, self)

    @strawberry.field
    async def teams(self, info: Info) -> list[Team]:
        return await volunteer_resolvers.teams(info, self)

    @strawberry.field(description="The unit where the volunteer is registered.")
    def unit(self, info: Info) -> UnitRef:
        return volunteer_resolvers.unit(info, self)
