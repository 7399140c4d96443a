"""Change requests in the API: a volunteer asks staff to change what only staff record about him
(skills and levels, domains, insurance, limits, status, unit); resolvers/forces/change_requests.py."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.forces import change_requests as request_resolvers
from schema.core.common import UserError
from schema.core.enums import RequestState, ServiceDomain, VolunteerStatus
from schema.core.proposal import VolunteerRequest
from schema.core.relay import Connection
from schema.forces.volunteers import VolunteerSkillInput


@strawberry.type(description="资质变更申请: new values of staff-only fields a volunteer asks for; once approved "
                             "they are applied as by volunteerUpdate.")
class VolunteerChangeRequest(VolunteerRequest):
    proposed: JSON = strawberry.field(description="The fields asked for, as VolunteerChangeRequestInput names them.")
    previous: JSON | None = strawberry.field(description="On approval: the values they replaced.")


@strawberry.input(description="The staff-only fields of VolunteerUpdateInput the volunteer asks to change (left "
                              "out: unchanged), for himself.")
class VolunteerChangeRequestInput:
    volunteer: strawberry.ID = strawberry.field(description="The volunteer asking: the caller himself.")
    unit: strawberry.ID | None = None
    status: VolunteerStatus | None = None
    insurance_valid_until: datetime.date | None = None
    max_travel_km: float | None = None
    max_tasks_per_day: int | None = None
    max_minutes_per_day: int | None = None
    skills: list[VolunteerSkillInput] | None = None
    domains: list[ServiceDomain] | None = None
    note: str | None = None


@strawberry.input
class VolunteerChangeRequestApproveInput:
    request_id: strawberry.ID
    note: str | None = None


@strawberry.input
class VolunteerChangeRequestDeclineInput:
    request_id: strawberry.ID
    reason: str = strawberry.field(description="Required: the volunteer sees it.")


@strawberry.input
class VolunteerChangeRequestWithdrawInput:
    request_id: strawberry.ID


@strawberry.type
class VolunteerChangeRequestPayload:
    request: VolunteerChangeRequest | None
    user_errors: list[UserError]


def _payload(out: Outcome[Any]) -> VolunteerChangeRequestPayload:
    return VolunteerChangeRequestPayload(request=out.value, user_errors=out.errors)


@strawberry.type
class ChangeRequestQueries:
    @strawberry.field(description="Change requests the caller may read, oldest first: a volunteer's own; staff's "
                                  "of the volunteers they see.")
    def volunteer_change_requests(self, info: Info, state: RequestState | None = None, first: int | None = None,
                                  after: str | None = None) -> Connection[VolunteerChangeRequest]:
        return request_resolvers.change_requests(info, state, first, after)


@strawberry.type
class ChangeRequestMutations:
    @strawberry.mutation(description="A volunteer asks staff to change his skills, insurance, limits...: PENDING "
                                     "until a unit admin over his unit (another account) decides.")
    def volunteer_change_request(self, info: Info, input: VolunteerChangeRequestInput
                                 ) -> VolunteerChangeRequestPayload:
        return _payload(request_resolvers.volunteer_change_request(info, input))

    @strawberry.mutation(description="Apply a pending request through volunteerUpdate (every check applies).")
    def volunteer_change_request_approve(self, info: Info, input: VolunteerChangeRequestApproveInput
                                         ) -> VolunteerChangeRequestPayload:
        return _payload(request_resolvers.volunteer_change_request_approve(info, input))

    @strawberry.mutation(description="Decline a pending request with a reason; it stays on record.")
    def volunteer_change_request_decline(self, info: Info, input: VolunteerChangeRequestDeclineInput
                                         ) -> VolunteerChangeRequestPayload:
        return _payload(request_resolvers.volunteer_change_request_decline(info, input))

    @strawberry.mutation(description="The volunteer takes back his pending request; it stays on record, WITHDRAWN.")
    def volunteer_change_request_withdraw(self, info: Info, input: VolunteerChangeRequestWithdrawInput
                                          ) -> VolunteerChangeRequestPayload:
        return _payload(request_resolvers.volunteer_change_request_withdraw(info, input))
