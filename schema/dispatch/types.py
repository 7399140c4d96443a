"""GraphQL types of the dispatch workflow (派单 -> 接单 -> 评单): runs with progress, proposals with
the engine's explanations, open orders with reasons, tasks, service records, the order audit
trail, outbox events, ratings and statistics.

Fields that name other objects (order, volunteer, unit) resolve through the request's DataLoaders,
so a list of N proposals costs the same statements as one.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from db.models.dispatch import AssignmentStatus, EventKind, RunKind, RunState
from resolvers.access.deidentify import DeIdentified, payload, withhold
from resolvers.core.context import Info
from resolvers.dispatch import queries as dispatch_queries
from resolvers.dispatch import time_claims as claim_resolvers
from schema.core.enums import OrderStatus
from schema.core.proposal import VolunteerRequest
from schema.core.relay import Connection

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import Unit
    from schema.orders.types import Order

_WITHHELD = "Free text: withheld (*) for analysts."

OrderRef = Annotated["Order", strawberry.lazy("schema.orders.types")]
UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]

# registered in place (as schema/core/enums.py does): the names are the very classes of db/models/dispatch.py
strawberry.enum(RunState, description="QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED")
strawberry.enum(RunKind, description="A dispatch over a scope, or a repair after a decline")
strawberry.enum(AssignmentStatus, description="A volunteer's task 接单, offer to service")
strawberry.enum(EventKind, description="Kinds of notification in the outbox")


def _load(info: Info, type_name: str, pk: int | None) -> Any:
    return None if pk is None else info.context.loaders.node(type_name).load(pk)


@strawberry.type(description="The four lexicographic levels of the engine's objective (matching/README.md).")
class Objective:
    staffing: int
    travel_m: int
    workload: int
    cohesion: int


@strawberry.type(description="Where a run is: phase, parts solved of the total, objective once known.")
class RunProgress:
    phase: str
    parts_done: int
    parts_total: int
    best_objective: Objective | None


@strawberry.type
class SkillMatch:
    skill: str
    level: int
    min_level: int


@strawberry.type(description="The best other candidate for the slot and why it lost (FARTHER, ...).")
class RunnerUp:
    volunteer: strawberry.ID | None = strawberry.field(description="The runner-up's global ID.")
    distance_km: float
    reason: str


@strawberry.type(description="Why the engine chose this volunteer.")
class ProposalExplanation:
    skills_matched: list[SkillMatch]
    window: JSON | None = strawberry.field(description="The piece of available time used, local times.")
    contributions: JSON = strawberry.field(description="The pair's share of each objective level.")
    runner_up: RunnerUp | None


@strawberry.type(description="One volunteer proposed by a run for one order.")
class DispatchProposal:
    id: strawberry.ID
    order_pk: strawberry.Private[int]
    volunteer_pk: strawberry.Private[int]
    skill: str
    start: datetime.datetime
    end: datetime.datetime
    distance_km: float
    travel_minutes: int
    pinned: bool = strawberry.field(description="Placed by the dispatcher rather than the engine.")
    explanation: ProposalExplanation | None

    @strawberry.field
    def order(self, info: Info) -> OrderRef:
        return _load(info, "Order", self.order_pk)

    @strawberry.field
    def volunteer(self, info: Info) -> VolunteerRef:
        return _load(info, "Volunteer", self.volunteer_pk)


@strawberry.type
class MissingSkill:
    skill: str
    count: int


@strawberry.type(description="The closest volunteer who did not make it, and the rule that stopped them.")
class NearMiss:
    volunteer: strawberry.ID | None = strawberry.field(description="The near miss's global ID.")
    reason: str
    detail: str


@strawberry.type(description="An order the run left (partly) unstaffed, with the engine's reason code.")
class OpenOrder:
    order_pk: strawberry.Private[int]
    reason: str
    missing: list[MissingSkill]
    near_miss: NearMiss | None

    @strawberry.field
    def order(self, info: Info) -> OrderRef:
        return _load(info, "Order", self.order_pk)


@strawberry.type(description="A volunteer on an order, as global IDs.")
class Pairing:
    order: strawberry.ID
    volunteer: strawberry.ID


@strawberry.type(description="After a repair: the pairs kept, added and removed relative to the tasks held.")
class Moved:
    kept: list[Pairing]
    added: list[Pairing]
    removed: list[Pairing]


@strawberry.type(description="A background solve over a unit's subtree and dates.")
class DispatchRun:
    id: strawberry.ID
    pk: strawberry.Private[int]
    scope_pk: strawberry.Private[int]
    kind: RunKind
    state: RunState
    reason: str = strawberry.field(description="Why it failed, or a note from the engine.")
    date_from: datetime.date
    date_to: datetime.date
    progress: RunProgress
    result_status: str | None = strawberry.field(description="The engine's status: OPTIMAL, FEASIBLE, ...")
    gap: float | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    committed_at: datetime.datetime | None
    open_order_list: strawberry.Private[list[OpenOrder]]
    moved: Moved | None = strawberry.field(description="Repair runs only: what the re-solve kept and changed.")

    @strawberry.field(description="The unit whose subtree the run dispatches.")
    def scope(self, info: Info) -> UnitRef:
        return _load(info, "Unit", self.scope_pk)

    @strawberry.field(description="The proposals, in the order they were made (the engine's, then the "
                                  "dispatcher's edits).")
    def proposals(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[DispatchProposal]:
        return dispatch_queries.proposals(info, self.pk, first, after)

    @strawberry.field(description="The orders the run left (partly) unstaffed, with the engine's reasons.")
    def open_orders(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[OpenOrder]:
        return dispatch_queries.open_orders(info, self.open_order_list, first, after)


@strawberry.type(description="Staff added or removed honour minutes, with who and why.")
class ServiceCorrection:
    minutes: int
    staff: str = strawberry.field(extensions=[DeIdentified()], description="De-identified (王*) for analysts.")
    reason: str = strawberry.field(extensions=[DeIdentified(withhold)], description=_WITHHELD)
    at: datetime.datetime


@strawberry.type(description="Check-in and check-out: credit time is service only (travel excluded); "
                             "honour time is added by staff and kept apart.")
class ServiceRecord:
    checked_in_at: datetime.datetime
    checked_out_at: datetime.datetime | None
    credit_minutes: int | None
    honour_minutes: int
    corrections: list[ServiceCorrection]


@strawberry.type(description="A volunteer's task 接单 on an order.")
class Assignment:
    id: strawberry.ID
    pk: strawberry.Private[int]
    order_pk: strawberry.Private[int]
    volunteer_pk: strawberry.Private[int]
    skill: str
    start: datetime.datetime
    end: datetime.datetime
    distance_km: float
    travel_minutes: int
    status: AssignmentStatus
    decline_reason: str = strawberry.field(extensions=[DeIdentified(withhold)], description=_WITHHELD)
    service_record: ServiceRecord | None

    @strawberry.field(description="Null where the order lies outside what the caller may see.")
    def order(self, info: Info) -> OrderRef | None:
        return _load(info, "Order", self.order_pk)

    @strawberry.field(description="Null where the volunteer lies outside what the caller may see "
                                  "(a resident sees that a task exists, not who holds it).")
    def volunteer(self, info: Info) -> VolunteerRef | None:
        return _load(info, "Volunteer", self.volunteer_pk)

    @strawberry.field(description="The volunteer's time claims on this task, oldest first (those the caller may "
                                  "read: the volunteer's own, staff over the order's unit).")
    async def time_claims(self, info: Info) -> list[TimeClaim]:
        return await claim_resolvers.claims_of_task(info, self.pk)


@strawberry.type(description="补录工时: a volunteer's account of his service times on a task that is over; once "
                             "approved, the service record's times and credit minutes follow it (credit bounded "
                             "by the task's window plus a tolerance, as at check-out).")
class TimeClaim(VolunteerRequest):
    assignment_pk: strawberry.Private[int]
    started_at: datetime.datetime
    ended_at: datetime.datetime
    old_credit_minutes: int | None = strawberry.field(description="On approval: the credit before (null: no record).")
    new_credit_minutes: int | None = strawberry.field(description="On approval: the credit after.")

    @strawberry.field(description="The task claimed on (null where the caller may not see it).")
    def assignment(self, info: Info) -> Assignment | None:
        return claim_resolvers.task_of(info, self.assignment_pk)


@strawberry.type(description="One step of an order's audit trail.")
class OrderEvent:
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor: str = strawberry.field(extensions=[DeIdentified()], description="De-identified (王*) for analysts.")
    note: str = strawberry.field(extensions=[DeIdentified(withhold)], description=_WITHHELD)
    at: datetime.datetime


@strawberry.type(description="A notification; `cursor` orders events and resumes a consumer.")
class OutboxEvent:
    cursor: str
    kind: EventKind
    volunteer: strawberry.ID | None
    order: strawberry.ID | None
    assignment: strawberry.ID | None
    payload: JSON = strawberry.field(extensions=[DeIdentified(payload)],
                                     description="Codes and times; free text withheld (*) for analysts.")
    created_at: datetime.datetime


@strawberry.type(description="A page of outbox events; pass `endCursor` as `after` for the next.")
class OutboxPage:
    events: list[OutboxEvent]
    end_cursor: str | None


@strawberry.type(description="The orderer's rating 评单 of a completed order.")
class Rating:
    score: int
    comment: str = strawberry.field(extensions=[DeIdentified(withhold)], description=_WITHHELD)
    created_at: datetime.datetime


@strawberry.type(description="Service statistics: credit and honour hours, completed tasks, ratings, no-shows.")
class ServiceStats:
    credit_hours: float
    honour_hours: float
    tasks_completed: int
    average_rating: float | None
    no_shows: int
