"""The quarterly assessment in the API. Fields declare and delegate: the work is in resolvers/assessment/."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.assessment import ranking
from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from schema.assessment.inputs import AssessmentPublishInput, AssessmentWeightInput
from schema.assessment.types import Assessment, AssessmentIndicator, AssessmentTrendPoint
from schema.core.common import UserError


@strawberry.type
class AssessmentPublishPayload:
    assessment: Assessment | None
    user_errors: list[UserError]


def _as(value: Any) -> Any:
    return value  # the resolvers' dataclasses have the attributes the types read


@strawberry.type
class AssessmentQueries:
    @strawberry.field(description="The quarterly assessment (季度考核) of `scope`'s subtree for `quarter` (e.g. "
                                  "2026Q3), computed from the data: every indicator, normalised score and rank per "
                                  "level. `weights` (what-if) replace the configured weights; they must sum to 1. "
                                  "Staff over the scope, analysts.")
    def assessment(self, info: Info, scope: strawberry.ID, quarter: str,
                   weights: list[AssessmentWeightInput] | None = None) -> Assessment:
        return _as(ranking.assessment(info, scope, quarter, weights))

    @strawberry.field(description="The indicators of the assessment.")
    def assessment_indicators(self) -> list[AssessmentIndicator]:
        return _as(ranking.indicators())

    @strawberry.field(description="The published ranking (通报排名) of a center's tree for `quarter`, or null.")
    def assessment_publication(self, info: Info, scope: strawberry.ID, quarter: str) -> Assessment | None:
        return _as(ranking.publication(info, scope, quarter))

    @strawberry.field(description="A unit's published scores and ranks, the `last` published quarters (1..40), "
                                  "oldest first.")
    def assessment_trend(self, info: Info, unit: strawberry.ID, last: int = 8) -> list[AssessmentTrendPoint]:
        return _as(ranking.trend(info, unit, last))


@strawberry.type
class AssessmentMutations:
    @strawberry.mutation(description="Center staff publish a quarter's ranking of their center's tree; audited, "
                                     "never changed.")
    def assessment_publish(self, info: Info, input: AssessmentPublishInput) -> AssessmentPublishPayload:
        out: Outcome[Any] = ranking.publish(info, input)
        return AssessmentPublishPayload(assessment=out.value, user_errors=out.errors)
