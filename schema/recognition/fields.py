"""Recognition in the API: points and the ledger, the exchange mall. Fields declare and delegate:
the work is in resolvers/recognition/ (queries.py, mutations.py)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import strawberry

from db.enums import RequestState
from db.models import RedemptionState
from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.recognition import hours, mutations, queries, stars
from resolvers.recognition.hours import HoursGroup
from schema.core.common import UserError
from schema.core.relay import Connection
from schema.recognition.inputs import (
    LedgerTransactionReverseInput,
    MallItemCreateInput,
    MallItemUpdateInput,
    MallItemWithdrawInput,
    MallRedeemInput,
    PointsAdjustInput,
    RedemptionCancelInput,
    RedemptionPickupInput,
    StarApplyInput,
    StarApproveInput,
    StarDeclineInput,
    StarsProposeInput,
)
from schema.recognition.types import (
    LedgerEntry,
    LedgerTransaction,
    MallItem,
    MallRedemption,
    PointsSummary,
    PointsType,
    ServiceHours,
    StarAward,
    points,
    summary,
)


@strawberry.type
class MallItemPayload:
    item: MallItem | None
    user_errors: list[UserError]


@strawberry.type
class MallRedemptionPayload:
    redemption: MallRedemption | None
    user_errors: list[UserError]


@strawberry.type
class LedgerTransactionPayload:
    transaction: LedgerTransaction | None
    user_errors: list[UserError]


def _item(out: Outcome[Any]) -> MallItemPayload:
    return MallItemPayload(item=out.value, user_errors=out.errors)


@strawberry.type
class StarAwardPayload:
    award: StarAward | None
    user_errors: list[UserError]


@strawberry.type
class StarsProposePayload:
    proposed: int | None = strawberry.field(description="How many awards were proposed now (read them with "
                                                       "starAwards(state: PENDING)).")
    user_errors: list[UserError]


def _award(out: Outcome[Any]) -> StarAwardPayload:
    return StarAwardPayload(award=out.value, user_errors=out.errors)


def _redemption(out: Outcome[Any]) -> MallRedemptionPayload:
    return MallRedemptionPayload(redemption=out.value, user_errors=out.errors)


@strawberry.type
class RecognitionQueries:
    @strawberry.field(description="A volunteer's points: your own (leave `volunteer` out), or, for staff, a "
                                  "volunteer they see (null outside their scope).")
    def my_points(self, info: Info, volunteer: strawberry.ID | None = None) -> PointsType | None:
        value = queries.my_points(info, volunteer)
        return None if value is None else points(value)

    @strawberry.field(description="A volunteer's ledger entries, oldest first (as `myPoints` chooses the volunteer).")
    def my_ledger(self, info: Info, volunteer: strawberry.ID | None = None, first: int | None = None,
                  after: str | None = None) -> Connection[LedgerEntry]:
        return queries.my_ledger(info, volunteer, first, after)

    @strawberry.field(description="The mall's items, oldest first: of `unit`'s subtree; `available`: redeemable now.")
    def mall_items(self, info: Info, unit: strawberry.ID | None = None, available: bool | None = None,
                   first: int | None = None, after: str | None = None) -> Connection[MallItem]:
        return queries.mall_items(info, unit, available, first, after)

    @strawberry.field(description="Redemptions you may read: your own; staff: of their units' items and pickup "
                                  "stations.")
    def mall_redemptions(self, info: Info, state: RedemptionState | None = None, first: int | None = None,
                         after: str | None = None) -> Connection[MallRedemption]:
        return queries.mall_redemptions(info, state, first, after)

    @strawberry.field(description="Totals of the points you may read (analysts: all); no person named.")
    def points_summary(self, info: Info) -> PointsSummary:
        return summary(queries.points_summary(info))

    @strawberry.field(description="Credit and honour hours per volunteer, team or unit, of the volunteers registered "
                                  "in `unit`'s subtree (default: all you may read), for service checked in within "
                                  "[from, to); largest credit first. Analysts: per TEAM or UNIT only.")
    def service_hours(self, info: Info, group_by: HoursGroup, unit: strawberry.ID | None = None,
                      from_: Annotated[datetime.datetime | None, strawberry.argument(name="from")] = None,
                      to: datetime.datetime | None = None, first: int | None = None, after: str | None = None
                      ) -> Connection[ServiceHours]:
        return hours.service_hours(info, unit, from_, to, group_by, first, after)

    @strawberry.field(description="Star awards you may read, oldest first: your own; staff: of the volunteers "
                                  "they see.")
    def star_awards(self, info: Info, state: RequestState | None = None, first: int | None = None,
                    after: str | None = None) -> Connection[StarAward]:
        return stars.star_awards(info, state, first, after)


@strawberry.type
class RecognitionMutations:
    @strawberry.mutation(description="A unit admin offers an item in the mall.")
    def mall_item_create(self, info: Info, input: MallItemCreateInput) -> MallItemPayload:
        return _item(mutations.mall_item_create(info, input))

    @strawberry.mutation
    def mall_item_update(self, info: Info, input: MallItemUpdateInput) -> MallItemPayload:
        return _item(mutations.mall_item_update(info, input))

    @strawberry.mutation(description="Take an item off the mall; its redemptions stay.")
    def mall_item_withdraw(self, info: Info, input: MallItemWithdrawInput) -> MallItemPayload:
        return _item(mutations.mall_item_withdraw(info, input))

    @strawberry.mutation(description="Redeem your own points: reserves stock and debits points, all or nothing.")
    def mall_redeem(self, info: Info, input: MallRedeemInput) -> MallRedemptionPayload:
        return _redemption(mutations.mall_redeem(info, input))

    @strawberry.mutation(description="Staff of the pickup station confirm the volunteer picked the item up.")
    def redemption_pickup(self, info: Info, input: RedemptionPickupInput) -> MallRedemptionPayload:
        return _redemption(mutations.redemption_pickup(info, input))

    @strawberry.mutation(description="Cancel a reserved redemption: the points are refunded by a reversing "
                                     "transaction and the stock returns.")
    def redemption_cancel(self, info: Info, input: RedemptionCancelInput) -> MallRedemptionPayload:
        return _redemption(mutations.redemption_cancel(info, input))

    @strawberry.mutation(description="Staff correct a mistaken EARN or ADJUST with its reversing transaction (once).")
    def ledger_transaction_reverse(self, info: Info, input: LedgerTransactionReverseInput
                                   ) -> LedgerTransactionPayload:
        out = mutations.ledger_transaction_reverse(info, input)
        return LedgerTransactionPayload(transaction=out.value, user_errors=out.errors)

    @strawberry.mutation(description="A unit admin adds or deducts a volunteer's points, with a reason.")
    def points_adjust(self, info: Info, input: PointsAdjustInput) -> LedgerTransactionPayload:
        out = mutations.points_adjust(info, input)
        return LedgerTransactionPayload(transaction=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Propose (PENDING) the highest star each volunteer of the subtree reached and "
                                     "does not hold; proposing again proposes nothing new.")
    def stars_propose(self, info: Info, input: StarsProposeInput) -> StarsProposePayload:
        out = stars.stars_propose(info, input)
        return StarsProposePayload(proposed=out.value, user_errors=out.errors)

    @strawberry.mutation(description="A volunteer applies for the highest star his counted hours reach.")
    def star_apply(self, info: Info, input: StarApplyInput) -> StarAwardPayload:
        return _award(stars.star_apply(info, input))

    @strawberry.mutation(description="A unit admin at the configured level above the volunteer's unit approves "
                                     "a pending star (never his own).")
    def star_approve(self, info: Info, input: StarApproveInput) -> StarAwardPayload:
        return _award(stars.star_approve(info, input))

    @strawberry.mutation(description="Decline a pending star with a reason (who may: as starApprove).")
    def star_decline(self, info: Info, input: StarDeclineInput) -> StarAwardPayload:
        return _award(stars.star_decline(info, input))
