"""Volunteers in the API: the volunteer search and the register/update mutations."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.core.context import Info
from resolvers.forces import volunteer_mutations
from resolvers.forces import volunteers as volunteer_resolvers
from schema.core.common import UserError
from schema.core.enums import ServiceDomain, VolunteerStatus
from schema.core.inputs import LocationInput
from schema.core.relay import Connection
from schema.forces.volunteer_types import Volunteer


@strawberry.input
class VolunteerSkillInput:
    skill: strawberry.ID
    level: int = strawberry.field(description="1..5")
    certified_until: datetime.date | None = None


@strawberry.input(description="A weekly window: weekday 0 (Monday)..6, minutes after midnight, end after start.")
class AvailabilityWindowInput:
    weekday: int
    start_minute: int
    end_minute: int


@strawberry.input
class VolunteerRegisterInput:
    volunteer_number: str = strawberry.field(description="Unified volunteer number 统一志愿者编号, unique.")
    name: str
    phone: str
    id_number: str = strawberry.field(description="18-character national ID number; only its tail is kept.")
    home_location: LocationInput
    unit: strawberry.ID = strawberry.field(description="The unit (usually a station) of registration.")
    insurance_valid_until: datetime.date | None = None
    max_travel_km: float | None = None
    max_tasks_per_day: int | None = None
    max_minutes_per_day: int | None = None
    skills: list[VolunteerSkillInput] = strawberry.field(default_factory=list)
    domains: list[ServiceDomain] = strawberry.field(default_factory=list)
    weekly: list[AvailabilityWindowInput] = strawberry.field(default_factory=list)
    synthetic: bool = False


@strawberry.input(description="Fields left out stay unchanged; given lists replace the stored ones.")
class VolunteerUpdateInput:
    id: strawberry.ID
    name: str | None = None
    phone: str | None = None
    home_location: LocationInput | None = None
    unit: strawberry.ID | None = None
    status: VolunteerStatus | None = None
    insurance_valid_until: datetime.date | None = None
    max_travel_km: float | None = None
    max_tasks_per_day: int | None = None
    max_minutes_per_day: int | None = None
    skills: list[VolunteerSkillInput] | None = None
    domains: list[ServiceDomain] | None = None
    weekly: list[AvailabilityWindowInput] | None = None


@strawberry.type
class VolunteerPayload:
    volunteer: Volunteer | None
    user_errors: list[UserError]


@strawberry.type
class VolunteerQueries:
    @strawberry.field(description="Volunteers by skill, team, domain, unit subtree, availability on a date.")
    def volunteers(
        self,
        info: Info,
        skill: strawberry.ID | None = None,
        min_level: int | None = None,
        team: strawberry.ID | None = None,
        domain: ServiceDomain | None = None,
        unit_subtree: strawberry.ID | None = None,
        available_on: datetime.date | None = None,
        status: VolunteerStatus | None = None,
        name_contains: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Volunteer]:
        return volunteer_resolvers.volunteers(
            info, skill=skill, min_level=min_level, team=team, domain=domain, unit_subtree=unit_subtree,
            available_on=available_on, status=status, name_contains=name_contains, first=first, after=after,
        )


@strawberry.type
class VolunteerMutations:
    @strawberry.mutation(description="Register a volunteer; a duplicate number or ID number is refused.")
    def volunteer_register(self, info: Info, input: VolunteerRegisterInput) -> VolunteerPayload:
        out = volunteer_mutations.volunteer_register(info, input)
        return VolunteerPayload(volunteer=out.value, user_errors=out.errors)

    @strawberry.mutation
    def volunteer_update(self, info: Info, input: VolunteerUpdateInput) -> VolunteerPayload:
        out = volunteer_mutations.volunteer_update(info, input)
        return VolunteerPayload(volunteer=out.value, user_errors=out.errors)
