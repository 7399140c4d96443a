"""GraphQL types of the quarterly assessment: scores that explain themselves, the published ranking,
a unit's trend. The resolvers hand plain dataclasses (resolvers/assessment/), read as they are."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.enums import UnitLevel
from resolvers.core.context import Info
from resolvers.core.globalid import encode
from schema.core.relay import Connection

if TYPE_CHECKING:
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]


@strawberry.type(description="An indicator of the quarterly assessment (季度考核), as configured.")
class AssessmentIndicator:
    key: str = strawberry.field(description="What WENMING_ASSESSMENT_WEIGHTS and the `weights` argument name.")
    label: str
    unit: str
    higher_is_better: bool


@strawberry.type(description="The weight of one indicator in a score.")
class AssessmentWeight:
    indicator: str
    weight: float


@strawberry.type(description="One indicator's part of a unit's score: contribution = weight x normalised x 100; "
                             "a score is the sum of its contributions.")
class AssessmentContribution:
    indicator: str
    label: str
    unit: str
    higher_is_better: bool
    value: float | None = strawberry.field(description="The unit's value (null: nothing to measure).")
    normalised: float = strawberry.field(description="Within the unit's level of the tree (min-max 0..1 or z-score).")
    weight: float
    contribution: float


@strawberry.type(description="A unit's score and rank within its level of the tree, with its explanation.")
class UnitAssessment:
    unit_id: strawberry.Private[int]
    code: str
    name: str
    level: UnitLevel
    score: float
    rank: int = strawberry.field(description="1 is the best of its level; equal scores share a rank.")
    ranked: int = strawberry.field(description="How many units of its level were ranked.")
    contributions: list[AssessmentContribution]

    @strawberry.field(description="The unit's global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode("Unit", self.unit_id))

    @strawberry.field(description="The unit.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_id)


@strawberry.type(description="The assessment of a subtree for a quarter: computed now, or as published.")
class Assessment:
    quarter: str
    scope_pk: strawberry.Private[int]
    normalisation: str = strawberry.field(description="minmax or zscore, within each level of the tree.")
    weights: list[AssessmentWeight]
    published_at: datetime.datetime | None = strawberry.field(description="Null: computed now, not published.")
    published_by: str | None = strawberry.field(description="The account that published it.")

    @strawberry.field(description="The scope unit.")
    def scope_id(self) -> strawberry.ID:
        return strawberry.ID(encode("Unit", self.scope_pk))

    @strawberry.field(description="Every unit's score, level by level (center, institutes, stations), best first.")
    def units(self, info: Info, level: UnitLevel | None = None, first: int | None = None,
              after: str | None = None) -> Connection[UnitAssessment]:
        view: Any = self
        return view.units(info, level, first, after)


@strawberry.type(description="A unit's published score and rank in one quarter.")
class AssessmentTrendPoint:
    quarter: str
    score: float
    rank: int
    ranked: int
    published_at: datetime.datetime
