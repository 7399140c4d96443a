"""GraphQL types of recognition: a volunteer's points and ledger entries, mall items and
redemptions, and the totals analysts read."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.models import LedgerTransactionKind, RedemptionState
from resolvers.core.context import Info
from resolvers.recognition.hours import HoursGroup
from resolvers.recognition.queries import Points, PointsTotals
from schema.core.enums import RequestState

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]

# registered in place (as schema/dispatch/types.py does): the very classes of db/models/recognition.py
strawberry.enum(LedgerTransactionKind, description="What a ledger transaction does: EARN, REDEEM, REFUND, "
                                                   "REVERSAL, EXPIRE, ADJUST")
strawberry.enum(RedemptionState, description="RESERVED -> PICKED_UP | CANCELLED (refunded)")


async def _unit(info: Info, pk: int) -> Any:
    return await info.context.loaders.node("Unit").load(pk)


async def _volunteer(info: Info, pk: int) -> Any:
    return await info.context.loaders.volunteer_by_id.load(pk)


@strawberry.type(name="Points", description="A volunteer's points (积分): the balance is the sum of the ledger "
                                            "entries; earned is net of reversals, spent net of refunds.")
class PointsType:
    volunteer_pk: strawberry.Private[int]
    balance: int
    earned: int
    spent: int
    expired: int

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await _volunteer(info, self.volunteer_pk)


def points(value: Points) -> PointsType:
    return PointsType(volunteer_pk=value.volunteer_pk, balance=value.balance, earned=value.earned,
                      spent=value.spent, expired=value.expired)


@strawberry.type(description="One entry of a volunteer's ledger: a signed amount, and the transaction it belongs "
                             "to (what caused it, when, by whom). Entries never change; a mistake is corrected by "
                             "a reversing transaction.")
class LedgerEntry:
    id: strawberry.ID
    amount: int = strawberry.field(description="Positive: points in; negative: points out.")
    kind: LedgerTransactionKind
    at: datetime.datetime = strawberry.field(description="Stamped by the server.")
    note: str
    transaction_id: strawberry.ID
    reverses_transaction_id: strawberry.ID | None = strawberry.field(
        description="The transaction this one reverses (a REVERSAL or REFUND).")
    redemption_id: strawberry.ID | None


@strawberry.type(description="A ledger transaction: entries summing to zero.")
class LedgerTransaction:
    id: strawberry.ID
    kind: LedgerTransactionKind
    at: datetime.datetime
    note: str
    reverses_transaction_id: strawberry.ID | None


@strawberry.type(description="An item of the exchange mall (积分兑换商城), offered by a unit.")
class MallItem:
    id: strawberry.ID
    unit_pk: strawberry.Private[int]
    pickup_pk: strawberry.Private[int]
    name: str
    description: str
    price: int = strawberry.field(description="Points per piece, more than zero.")
    stock: int
    per_person_limit: int | None = strawberry.field(description="Pieces one volunteer may hold; null: no limit.")
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    available: bool = strawberry.field(description="Redeemable now: offered, in its period, in stock.")

    @strawberry.field(description="The offering unit.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await _unit(info, self.unit_pk)

    @strawberry.field(description="Where the item is picked up.")
    async def pickup_station(self, info: Info) -> UnitRef | None:
        return await _unit(info, self.pickup_pk)


@strawberry.type(description="A volunteer's exchange of points for a mall item (兑换记录).")
class MallRedemption:
    id: strawberry.ID
    item_id: strawberry.ID
    volunteer_pk: strawberry.Private[int]
    quantity: int
    points: int = strawberry.field(description="Points debited (price x quantity at the time).")
    state: RedemptionState
    created_at: datetime.datetime
    picked_up_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str

    @strawberry.field
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await _volunteer(info, self.volunteer_pk)


@strawberry.type(description="Totals over the volunteers' points the caller may read; no person named.")
class PointsSummary:
    earned: int
    redeemed: int
    expired: int
    outstanding: int = strawberry.field(description="Points held by volunteers now.")
    volunteers_with_points: int
    redemptions: int = strawberry.field(description="Redemptions not cancelled.")


def summary(value: PointsTotals) -> PointsSummary:
    return PointsSummary(earned=value.earned, redeemed=value.redeemed, expired=value.expired,
                         outstanding=value.outstanding, volunteers_with_points=value.volunteers_with_points,
                         redemptions=value.redemptions)


strawberry.enum(HoursGroup, description="What one row of serviceHours totals: a VOLUNTEER, a TEAM, a UNIT")


@strawberry.type(description="Hours of one volunteer, team or unit in a period: 信用时长 (credit, from server-"
                             "stamped check-in/out and approved time claims) and 荣誉时长 (honour, staff "
                             "corrections).")
class ServiceHours:
    group: HoursGroup
    id: strawberry.ID = strawberry.field(description="The Volunteer, Team or Unit totalled.")
    name: str
    credit_hours: float
    honour_hours: float


@strawberry.type(description="星级志愿者: a star level of a volunteer, proposed when his counted hours reach a "
                             "threshold (submittedBy null: automatically) or applied for by himself; approved or "
                             "declined at the configured level of the tree.")
class StarAward:
    id: strawberry.ID
    volunteer_pk: strawberry.Private[int]
    state: RequestState
    stars: int = strawberry.field(description="1 to 5 (as many as the configured thresholds).")
    counted_hours: float = strawberry.field(description="The hours that counted when it was proposed.")
    note: str = strawberry.field(description="The volunteer's note.")
    submitted_by: str | None = strawberry.field(description="The account that applied; null: proposed "
                                                            "automatically.")
    submitted_at: datetime.datetime
    decided_by: str | None = strawberry.field(description="The account that approved or declined it.")
    decided_at: datetime.datetime | None
    decision_note: str = strawberry.field(description="The approval's note, or the reason of the decline.")

    @strawberry.field(description="Null where the volunteer lies outside what the caller may see.")
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        result: Any = await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)
        return result
