"""Rows of the civility self-assessment -> GraphQL objects of schema/civility/types.py."""

from __future__ import annotations

from typing import Any

from db import models
from schema.civility.types import questionnaire_object, response_object


def civility_questionnaire(row: models.CivilityQuestionnaire) -> Any:
    return questionnaire_object(row)


def civility_response(row: models.CivilityResponse) -> Any:
    return response_object(row)
