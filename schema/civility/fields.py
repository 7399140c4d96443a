"""The civility self-assessment in the API. Fields declare and delegate: the work is in resolvers/civility/."""

from __future__ import annotations

import strawberry

from resolvers.civility import index, survey
from resolvers.core.context import Info
from schema.civility.inputs import CivilityQuestionnaireCreateInput, CivilityResponseSubmitInput
from schema.civility.types import CivilityIndex, CivilityQuestionnaire, CivilityResponse, index_object
from schema.core.common import UserError
from schema.core.relay import Connection


@strawberry.type
class CivilityQuestionnairePayload:
    questionnaire: CivilityQuestionnaire | None
    user_errors: list[UserError]


@strawberry.type
class CivilityResponsePayload:
    response: CivilityResponse | None
    user_errors: list[UserError]


@strawberry.type
class CivilityQueries:
    @strawberry.field(description="Questionnaires, oldest first: of `unit` and the units above it (default: all).")
    def civility_questionnaires(self, info: Info, unit: strawberry.ID | None = None, first: int | None = None,
                                after: str | None = None) -> Connection[CivilityQuestionnaire]:
        return survey.questionnaires(info, unit, first, after)

    @strawberry.field(description="The civility index of `unit` for `questionnaire`, over the responses you may read, "
                                  "with its count and its children's (`parts`).")
    def civility_index(self, info: Info, questionnaire: strawberry.ID, unit: strawberry.ID) -> CivilityIndex | None:
        row = index.civility_index(info, questionnaire, unit)
        return None if row is None else index_object(row)


@strawberry.type
class CivilityMutations:
    @strawberry.mutation(description="A unit admin creates a self-assessment questionnaire with its items and weights.")
    def civility_questionnaire_create(self, info: Info,
                                      input: CivilityQuestionnaireCreateInput) -> CivilityQuestionnairePayload:
        out = survey.questionnaire_create(info, input)
        return CivilityQuestionnairePayload(questionnaire=out.value, user_errors=out.errors)

    @strawberry.mutation(description="A station's staff enter a household's response (once per household).")
    def civility_response_submit(self, info: Info, input: CivilityResponseSubmitInput) -> CivilityResponsePayload:
        out = survey.response_submit(info, input)
        return CivilityResponsePayload(response=out.value, user_errors=out.errors)
