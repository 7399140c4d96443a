"""Insurance in the API. Fields declare and delegate: the work is in resolvers/insurance/."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.insurance import policies
from schema.core.common import UserError
from schema.insurance.inputs import (
    InsurancePolicyCreateInput,
    InsurancePolicyUpdateInput,
    InsurancePolicyWithdrawInput,
)
from schema.insurance.types import InsurancePolicy, UninsuredAssignment, uninsured


@strawberry.type
class InsurancePolicyPayload:
    policy: InsurancePolicy | None
    user_errors: list[UserError]


def _payload(out: Outcome[Any]) -> InsurancePolicyPayload:
    return InsurancePolicyPayload(policy=out.value, user_errors=out.errors)


@strawberry.type
class InsuranceQueries:
    @strawberry.field(description="Tasks (OFFERED, ACCEPTED) on orders served in `scope`'s subtree over `days` days "
                                  "(1..31) from `start` (default today) whose volunteer no insurance covers for the "
                                  "task's activity kind on its day; those you may see.")
    def uninsured_assignments(self, info: Info, scope: strawberry.ID, days: int = 7,
                              start: datetime.date | None = None) -> list[UninsuredAssignment]:
        return [uninsured(row) for row in policies.uninsured_assignments(info, scope, days, start)]


@strawberry.type
class InsuranceMutations:
    @strawberry.mutation(description="Staff enter a unit's insurance policy.")
    def insurance_policy_create(self, info: Info, input: InsurancePolicyCreateInput) -> InsurancePolicyPayload:
        return _payload(policies.policy_create(info, input))

    @strawberry.mutation(description="Change a policy's period, kinds or whom it covers.")
    def insurance_policy_update(self, info: Info, input: InsurancePolicyUpdateInput) -> InsurancePolicyPayload:
        return _payload(policies.policy_update(info, input))

    @strawberry.mutation(description="Withdraw a policy: it covers nothing from now on.")
    def insurance_policy_withdraw(self, info: Info, input: InsurancePolicyWithdrawInput) -> InsurancePolicyPayload:
        return _payload(policies.policy_withdraw(info, input))
