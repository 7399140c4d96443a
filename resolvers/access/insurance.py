"""Access to insurance: staff enter their units' policies and read who is uninsured.

Unit admins write the policies of units in their subtree, with the kinds and volunteers they
list; a policy is never deleted (it is withdrawn). The uninsured report is for staff (unit
admins, dispatchers) over their subtree; analysts and the platform admin read everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from db import models
from resolvers.access.rules import (
    DISPATCH,
    STAFF,
    UNIT_ADMIN,
    Check,
    Domain,
    KeptByUnit,
    Scope,
    WriteRule,
    fields,
)

_policies = models.InsurancePolicy.__table__


@dataclass(frozen=True)
class PolicyParts(WriteRule):
    """A policy's kinds and named volunteers: a unit admin over the policy's unit."""

    sentence: str = "unit admin over the policy's unit"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        unit = check.session.connection().execute(
            select(_policies.c.unit_id).where(_policies.c.id == obj.policy_id)).scalar()
        return check.in_subtree(UNIT_ADMIN, check.unit_path(unit))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="insurance",
    roots={
        "Query.uninsuredAssignments": DISPATCH,
        **fields("Mutation", ("insurancePolicyCreate", "insurancePolicyUpdate", "insurancePolicyWithdraw"), STAFF),
    },
    writes={
        models.InsurancePolicy: KeptByUnit("policy"),
        models.InsurancePolicyKind: PolicyParts(),
        models.InsuredVolunteer: PolicyParts(),
    },
)
