"""Subsidies in the API. Fields declare and delegate: the work is in resolvers/subsidies/."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.subsidies import batches, rules
from schema.core.common import UserError
from schema.core.relay import Connection
from schema.subsidies.inputs import (
    SubsidyAdjustmentApproveInput,
    SubsidyAdjustmentProposeInput,
    SubsidyBatchApproveInput,
    SubsidyBatchComputeInput,
    SubsidyRuleCreateInput,
    SubsidyRuleWithdrawInput,
)
from schema.subsidies.types import SubsidyBatch, SubsidyBatchComputed, SubsidyLine, SubsidyRule, batch_object


@strawberry.type
class SubsidyRulePayload:
    rule: SubsidyRule | None
    user_errors: list[UserError]


@strawberry.type
class SubsidyBatchComputePayload:
    result: SubsidyBatchComputed | None
    user_errors: list[UserError]


@strawberry.type
class SubsidyBatchPayload:
    batch: SubsidyBatch | None
    user_errors: list[UserError]


@strawberry.type
class SubsidyLinePayload:
    line: SubsidyLine | None
    user_errors: list[UserError]


def _rule(out: Outcome[Any]) -> SubsidyRulePayload:
    return SubsidyRulePayload(rule=out.value, user_errors=out.errors)


def _line(out: Outcome[Any]) -> SubsidyLinePayload:
    return SubsidyLinePayload(line=out.value, user_errors=out.errors)


@strawberry.type
class SubsidyQueries:
    @strawberry.field(description="The subsidy rules of `unit` (withdrawn ones too), oldest first.")
    def subsidy_rules(self, info: Info, unit: strawberry.ID, first: int | None = None,
                      after: str | None = None) -> Connection[SubsidyRule]:
        return rules.subsidy_rules(info, unit, first, after)

    @strawberry.field(description="The batch of `unit` and `month` (YYYY-MM), if computed.")
    def subsidy_batch(self, info: Info, unit: strawberry.ID, month: str) -> SubsidyBatch | None:
        row = batches.batch_of(info, unit, month)
        return None if row is None else batch_object(row)


@strawberry.type
class SubsidyMutations:
    @strawberry.mutation(description="Unit staff enter a subsidy rule.")
    def subsidy_rule_create(self, info: Info, input: SubsidyRuleCreateInput) -> SubsidyRulePayload:
        return _rule(rules.rule_create(info, input))

    @strawberry.mutation(description="Withdraw a subsidy rule.")
    def subsidy_rule_withdraw(self, info: Info, input: SubsidyRuleWithdrawInput) -> SubsidyRulePayload:
        return _rule(rules.rule_withdraw(info, input))

    @strawberry.mutation(description="Compute (propose) a unit's batch of a month from completed tasks and approved "
                                     "hours; an approved batch is left as it is.")
    def subsidy_batch_compute(self, info: Info, input: SubsidyBatchComputeInput) -> SubsidyBatchComputePayload:
        out = batches.compute(info, input)
        return SubsidyBatchComputePayload(result=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Approve a proposed batch (another account than its proposer).")
    def subsidy_batch_approve(self, info: Info, input: SubsidyBatchApproveInput) -> SubsidyBatchPayload:
        out = batches.approve(info, input)
        return SubsidyBatchPayload(batch=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Propose an adjustment line of an approved batch.")
    def subsidy_adjustment_propose(self, info: Info, input: SubsidyAdjustmentProposeInput) -> SubsidyLinePayload:
        return _line(batches.adjustment_propose(info, input))

    @strawberry.mutation(description="Approve a pending adjustment line (another account than its proposer).")
    def subsidy_adjustment_approve(self, info: Info, input: SubsidyAdjustmentApproveInput) -> SubsidyLinePayload:
        return _line(batches.adjustment_approve(info, input))
