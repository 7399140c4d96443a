"""Rows of subsidies -> GraphQL objects of schema/subsidies/types.py (no database work)."""

from __future__ import annotations

from typing import Any

from db import models
from resolvers.subsidies.batches import Computed
from schema.subsidies.types import SubsidyBatchComputed, batch_object, line_object, rule_object


def subsidy_rule(row: models.SubsidyRule) -> Any:
    return rule_object(row)


def subsidy_batch(row: models.SubsidyBatch) -> Any:
    return batch_object(row)


def subsidy_line(row: models.SubsidyLine) -> Any:
    return line_object(row)


def subsidy_computed(result: Computed) -> Any:
    return SubsidyBatchComputed(batch=batch_object(result.batch), changed=result.changed)
