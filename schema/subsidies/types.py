"""GraphQL types of subsidies: a rule, a monthly batch and its lines (money in integer fen)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db import models
from db.models.subsidies import BatchState, LineKind, SubsidyKind
from resolvers.core.context import Info
from resolvers.core.globalid import encode
from resolvers.subsidies import batches
from schema.core.relay import Connection

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]

strawberry.enum(SubsidyKind, description="What a rule pays: TRANSPORT_FLAT (per completed task), TRANSPORT_BAND (per "
                                         "completed task in a travel distance band), LIVING_DAY (per approved service "
                                         "day), LIVING_HOUR (per approved hour); or MONTHLY_CAP (the most a "
                                         "volunteer receives in a month)")
strawberry.enum(BatchState, description="PROPOSED (computed, may be computed again) -> APPROVED (frozen)")
strawberry.enum(LineKind, description="TRANSPORT, LIVING, CAP (negative: down to the monthly cap), ADJUSTMENT (a "
                                      "correction after approval)")


@strawberry.type(description="A unit's subsidy rule for a period (both days included); never deleted, withdrawn.")
class SubsidyRule:
    id: strawberry.ID
    unit_pk: strawberry.Private[int]
    kind: SubsidyKind
    valid_from: datetime.date
    valid_until: datetime.date
    amount_fen: int = strawberry.field(description="Fen per task, day or hour; the cap for MONTHLY_CAP.")
    min_km: float | None = strawberry.field(description="TRANSPORT_BAND: from this distance (included).")
    max_km: float | None = strawberry.field(description="TRANSPORT_BAND: up to this distance (excluded; null: open).")
    withdrawn_at: datetime.datetime | None

    @strawberry.field(description="The unit whose rule it is.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)


@strawberry.type(description="One amount of a batch for one volunteer, with what earned it.")
class SubsidyLine:
    id: strawberry.ID
    volunteer_pk: strawberry.Private[int]
    kind: LineKind
    amount_fen: int
    day: datetime.date | None
    task_id: strawberry.ID | None = strawberry.field(description="The task that earned it (null: a cap, an "
                                                                 "adjustment).")
    rule_id: strawberry.ID | None = strawberry.field(description="The rule that paid it (null: an adjustment).")
    quantity: int = strawberry.field(description="Approved minutes (per hour), travel metres (band), else 1.")
    basis: str = strawberry.field(description="What earned it, or the adjustment's reason.")
    proposed_at: datetime.datetime
    approved_at: datetime.datetime | None

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)


@strawberry.type(description="One unit's subsidies of one month: computed from completed tasks and approved hours, "
                             "approved by another account than the one that proposed it.")
class SubsidyBatch:
    id: strawberry.ID
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    month: str = strawberry.field(description="YYYY-MM")
    state: BatchState
    proposed_at: datetime.datetime
    approved_at: datetime.datetime | None

    @strawberry.field
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The sum of the approved lines, in fen: what is paid.")
    def total_fen(self, info: Info) -> int:
        return batches.totals(info.context.session, self.pk)[0]

    @strawberry.field(description="The sum of the lines awaiting approval, in fen.")
    def pending_fen(self, info: Info) -> int:
        return batches.totals(info.context.session, self.pk)[1]

    @strawberry.field(description="An approved batch: what computing it now would pay, less what its approved lines "
                                  "pay (late tasks or hours approved since), the correction to propose; 0 otherwise.")
    def drift_fen(self, info: Info) -> int:
        row = info.context.session.get(models.SubsidyBatch, self.pk)
        return 0 if row is None else batches.drift(info.context.session, row)

    @strawberry.field(description="The lines, oldest first.")
    def lines(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[SubsidyLine]:
        return batches.lines_page(info, self.pk, first, after)


@strawberry.type
class SubsidyBatchComputed:
    batch: SubsidyBatch
    changed: bool = strawberry.field(description="Whether the lines differ from before (false for an approved batch).")


def rule_object(row: Any) -> SubsidyRule:
    return SubsidyRule(id=encode("SubsidyRule", row.id), unit_pk=row.unit_id, kind=row.kind, valid_from=row.valid_from,
                       valid_until=row.valid_until, amount_fen=row.amount_fen,
                       min_km=None if row.min_metres is None else row.min_metres / 1000,
                       max_km=None if row.max_metres is None else row.max_metres / 1000, withdrawn_at=row.withdrawn_at)


def line_object(row: Any) -> SubsidyLine:
    return SubsidyLine(id=encode("SubsidyLine", row.id), volunteer_pk=row.volunteer_id, kind=row.kind,
                       amount_fen=row.amount_fen, day=row.day,
                       task_id=None if row.assignment_id is None else encode("Assignment", row.assignment_id),
                       rule_id=None if row.rule_id is None else encode("SubsidyRule", row.rule_id),
                       quantity=row.quantity, basis=row.basis, proposed_at=row.proposed_at,
                       approved_at=row.approved_at)


def batch_object(row: Any) -> SubsidyBatch:
    return SubsidyBatch(id=encode("SubsidyBatch", row.id), pk=row.id, unit_pk=row.unit_id,
                        month=f"{row.month:%Y-%m}", state=row.state, proposed_at=row.proposed_at,
                        approved_at=row.approved_at)
