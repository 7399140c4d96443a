"""GraphQL types of the civility self-assessment: a questionnaire with its items, an index."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.civility import index as civility_index
from resolvers.civility import survey
from resolvers.core.context import Info
from resolvers.core.globalid import encode

if TYPE_CHECKING:
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]


@strawberry.type(description="One question, its weight (percent of the index) and its highest score.")
class CivilityItem:
    position: int
    text: str
    weight: int
    max_score: int


@strawberry.type(description="A unit's self-assessment questionnaire (修身立德) for a period; its stations' "
                             "households answer it once each.")
class CivilityQuestionnaire:
    id: strawberry.ID
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    title: str
    valid_from: datetime.date
    valid_until: datetime.date

    @strawberry.field
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The items, in order.")
    def items(self, info: Info) -> list[CivilityItem]:
        return [CivilityItem(position=i.position, text=i.text, weight=i.weight, max_score=i.max_score)
                for i in survey.items_of(info.context.session, self.pk)]


@strawberry.type(description="A household's response, as entered: no answers are ever returned.")
class CivilityResponse:
    id: strawberry.ID
    station_pk: strawberry.Private[int]
    submitted_at: datetime.datetime

    @strawberry.field
    async def station(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.station_pk)


@strawberry.type(description="The mean score of one item over the responses counted.")
class CivilityItemMean:
    position: int
    text: str
    mean_score: float
    max_score: int


@strawberry.type(description="The civility index (0..100) of a station or unit: the mean over the responses at the "
                             "stations of its subtree of the weighted item scores. `index` and `items` are null and "
                             "empty when fewer than 5 responses would show households' answers above their station.")
class CivilityIndex:
    unit_pk: strawberry.Private[int]
    questionnaire_pk: strawberry.Private[int]
    responses: int
    index: float | None
    items: list[CivilityItemMean]

    @strawberry.field
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The index of each child unit.")
    def parts(self, info: Info) -> list[CivilityIndex]:
        return [index_object(x) for x in civility_index.parts(info, self.unit_pk, self.questionnaire_pk)]


def index_object(row: civility_index.Index) -> CivilityIndex:
    return CivilityIndex(unit_pk=row.unit_id, questionnaire_pk=row.questionnaire_id, responses=row.responses,
                         index=row.index, items=[CivilityItemMean(position=m.position, text=m.text,
                                                                  mean_score=m.mean_score, max_score=m.max_score)
                                                 for m in row.items])


def questionnaire_object(row: Any) -> CivilityQuestionnaire:
    return CivilityQuestionnaire(id=encode("CivilityQuestionnaire", row.id), pk=row.id, unit_pk=row.unit_id,
                                 title=row.title, valid_from=row.valid_from, valid_until=row.valid_until)


def response_object(row: Any) -> CivilityResponse:
    return CivilityResponse(id=encode("CivilityResponse", row.id), station_pk=row.station_id,
                            submitted_at=row.submitted_at)
