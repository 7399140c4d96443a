"""Access to subsidies and allowances: unit admins enter their units' rules and compute, approve,
correct and export their units' monthly batches; the platform admin does everything.

Rules, batches and lines are read by unit admins over the unit (the platform admin reads all;
analysts reach no root field of the area). Rules and batches are never deleted (a rule is
withdrawn). Lines are written by a unit admin over the batch's unit; an approved line is never
changed nor deleted, whoever asks: a correction is a new adjustment line. That the approver is
another account than the proposer is resolvers/subsidies/batches.py's check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select

from db import models
from resolvers.access.rules import (
    STAFF,
    UNIT_ADMIN,
    Check,
    Domain,
    KeptByUnit,
    Scope,
    WriteRule,
    fields,
    old_value,
)

_batches = models.SubsidyBatch.__table__


def _by_unit(s: Scope, t: Any) -> ColumnElement[bool]:
    units = s.units(*UNIT_ADMIN)
    return t.c.unit_id.in_(units) if units is not None else false()


def _by_batch(s: Scope, t: Any) -> ColumnElement[bool]:
    units = s.units(*UNIT_ADMIN)
    return t.c.batch_id.in_(select(_batches.c.id).where(_batches.c.unit_id.in_(units))) if units is not None \
        else false()


@dataclass(frozen=True)
class Lines(WriteRule):
    """A batch's line: a unit admin over the batch's unit; an approved line never changes."""

    sentence: str = "unit admin over the batch's unit; approved lines are never changed or deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not is_new and old_value(obj, "approved_at") is not None:
            return False
        unit = check.session.connection().execute(
            select(_batches.c.unit_id).where(_batches.c.id == obj.batch_id)).scalar()
        return check.in_subtree(UNIT_ADMIN, check.unit_path(unit))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="subsidies",
    roots={
        **fields("Query", ("subsidyRules", "subsidyBatch"), STAFF),
        **fields("Mutation", ("subsidyRuleCreate", "subsidyRuleWithdraw", "subsidyBatchCompute",
                              "subsidyBatchApprove", "subsidyAdjustmentPropose", "subsidyAdjustmentApprove"), STAFF),
    },
    reads={
        models.SubsidyRule: _by_unit,
        models.SubsidyBatch: _by_unit,
        models.SubsidyLine: _by_batch,
    },
    writes={
        models.SubsidyRule: KeptByUnit(),
        models.SubsidyBatch: KeptByUnit(),
        models.SubsidyLine: Lines(),
    },
)
