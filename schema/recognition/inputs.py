"""Inputs of recognition's mutations (schema/recognition/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(description="A new mall item; times without zone are local (Asia/Shanghai).")
class MallItemCreateInput:
    unit: strawberry.ID = strawberry.field(description="The offering unit (you administer it).")
    pickup_station: strawberry.ID = strawberry.field(description="The unit itself or one under it.")
    name: str
    price: int = strawberry.field(description="Points per piece, 1 or more.")
    stock: int = strawberry.field(description="Pieces on offer, 0 or more.")
    description: str | None = None
    per_person_limit: int | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None


@strawberry.input(description="Change a mall item: only the fields given.")
class MallItemUpdateInput:
    item: strawberry.ID
    name: str | None = None
    description: str | None = None
    price: int | None = None
    stock: int | None = None
    per_person_limit: int | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None


@strawberry.input
class MallItemWithdrawInput:
    item: strawberry.ID


@strawberry.input(description="Redeem your own points for `quantity` pieces (default 1).")
class MallRedeemInput:
    item: strawberry.ID
    volunteer: strawberry.ID = strawberry.field(description="Your own volunteer ID.")
    quantity: int | None = None


@strawberry.input
class RedemptionPickupInput:
    redemption: strawberry.ID


@strawberry.input
class RedemptionCancelInput:
    redemption: strawberry.ID
    reason: str | None = None


@strawberry.input(description="Reverse a mistaken EARN or ADJUST transaction, once, with a reason.")
class LedgerTransactionReverseInput:
    transaction: strawberry.ID
    reason: str


@strawberry.input(description="Add (positive) or deduct (negative) points with a reason: a unit admin over the "
                              "volunteer's unit.")
class PointsAdjustInput:
    volunteer: strawberry.ID
    points: int
    reason: str


@strawberry.input(description="Propose the stars the volunteers of a subtree reached and do not hold.")
class StarsProposeInput:
    scope: strawberry.ID = strawberry.field(description="A unit you administer: its subtree's volunteers.")


@strawberry.input(description="Apply for the highest star your counted hours reach.")
class StarApplyInput:
    volunteer: strawberry.ID = strawberry.field(description="Your own volunteer ID.")
    note: str | None = None


@strawberry.input
class StarApproveInput:
    award_id: strawberry.ID
    note: str | None = None


@strawberry.input
class StarDeclineInput:
    award_id: strawberry.ID
    reason: str = strawberry.field(description="Required: the volunteer sees it.")
