"""Rows of insurance -> GraphQL objects of schema/insurance/types.py (no database work)."""

from __future__ import annotations

from typing import Any

from db import models
from schema.insurance.types import policy_object


def insurance_policy(row: models.InsurancePolicy) -> Any:
    return policy_object(row)
