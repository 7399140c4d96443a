"""Inputs of the civility mutations (schema/civility/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(description="An item of a new questionnaire.")
class CivilityItemInput:
    text: str
    weight: int = strawberry.field(description="Percent of the index, 1..100; a questionnaire's weights sum to 100.")
    max_score: int = strawberry.field(default=5, description="The highest score, 1..10.")


@strawberry.input(description="A questionnaire of a unit you administer, for a period, with 1..50 items.")
class CivilityQuestionnaireCreateInput:
    unit: strawberry.ID
    title: str
    valid_from: datetime.date
    valid_until: datetime.date
    items: list[CivilityItemInput]


@strawberry.input(description="A household's response, entered by its station's staff while the questionnaire runs.")
class CivilityResponseSubmitInput:
    questionnaire: strawberry.ID
    station: strawberry.ID
    household: str = strawberry.field(description="The code the station gives the household (e.g. its house "
                                                  "number): kept only as a keyed fingerprint, once per questionnaire.")
    scores: list[int] = strawberry.field(description="One score per item, in the items' order, 0..the item's highest.")
