"""Recognition in the API: points and the ledger, the exchange mall. Fields declare and delegate:
the work is in resolvers/recognition/ (queries.py, mutations.py)."""

from __future__ import annotations

from typing import Any

import strawberry

from db.models import RedemptionState
from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.recognition import mutations, queries
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
)
from schema.recognition.types import (
    LedgerEntry,
    LedgerTransaction,
    MallItem,
    MallRedemption,
    PointsSummary,
    PointsType,
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
