"""Inputs of the quarterly assessment."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A what-if weight of one indicator (an AssessmentIndicator key).")
class AssessmentWeightInput:
    indicator: str
    weight: float


@strawberry.input(description="Publish the ranking of a center's tree for a quarter that is over (e.g. 2026Q3), "
                               "with the configured weights.")
class AssessmentPublishInput:
    scope: strawberry.ID
    quarter: str
