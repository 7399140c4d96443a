"""Inputs of subsidies' mutations (schema/subsidies/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry

from db.models.subsidies import SubsidyKind


@strawberry.input(description="A new subsidy rule of a unit you administer. Amounts in fen (分), never negative; "
                               "a band only for TRANSPORT_BAND.")
class SubsidyRuleCreateInput:
    unit: strawberry.ID
    kind: SubsidyKind
    valid_from: datetime.date
    valid_until: datetime.date = strawberry.field(description="The last day the rule pays; not before validFrom.")
    amount_fen: int
    min_km: float | None = strawberry.field(default=None, description="TRANSPORT_BAND: from (default 0, included).")
    max_km: float | None = strawberry.field(default=None, description="TRANSPORT_BAND: up to (excluded; null: open).")


@strawberry.input(description="Withdraw a rule: batches computed from now on do not use it.")
class SubsidyRuleWithdrawInput:
    rule: strawberry.ID


@strawberry.input(description="Compute (propose) the batch of a unit and month, or compute a proposed one again; "
                               "an approved batch stays as it is.")
class SubsidyBatchComputeInput:
    unit: strawberry.ID
    month: str = strawberry.field(description="YYYY-MM")


@strawberry.input(description="Approve a proposed batch: not by the account that proposed it, nor by a volunteer "
                               "it pays.")
class SubsidyBatchApproveInput:
    batch: strawberry.ID


@strawberry.input(description="Correct an approved batch with a new line for a volunteer (a signed amount in fen and "
                               "the reason), paid once another account approves it.")
class SubsidyAdjustmentProposeInput:
    batch: strawberry.ID
    volunteer: strawberry.ID
    amount_fen: int
    reason: str


@strawberry.input(description="Approve a pending adjustment line: not by the account that proposed it.")
class SubsidyAdjustmentApproveInput:
    line: strawberry.ID
