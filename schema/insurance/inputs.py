"""Inputs of insurance's mutations (schema/insurance/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(description="A new insurance policy, held by a unit you administer. Name a team (every member "
                               "covered) or the volunteers covered.")
class InsurancePolicyCreateInput:
    unit: strawberry.ID
    insurer: str
    policy_number: str
    valid_from: datetime.date
    valid_until: datetime.date = strawberry.field(description="The last day covered; not before validFrom.")
    activity_kinds: list[str] = strawberry.field(description="Service item codes covered; at least one.")
    team: strawberry.ID | None = None
    volunteers: list[strawberry.ID] | None = None


@strawberry.input(description="Change a policy: only the fields given (end it early with a sooner validUntil). "
                               "`team` or `volunteers` given replace whom it covers.")
class InsurancePolicyUpdateInput:
    policy: strawberry.ID
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    activity_kinds: list[str] | None = None
    team: strawberry.ID | None = None
    volunteers: list[strawberry.ID] | None = None


@strawberry.input(description="Withdraw a policy: it covers nothing from now on and stays on record.")
class InsurancePolicyWithdrawInput:
    policy: strawberry.ID
