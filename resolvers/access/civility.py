"""Access to the civility self-assessment: unit admins create their units' questionnaires; the
staff of a station (unit admin or dispatcher over it) enter its households' responses; staff
and analysts read indexes.

Questionnaires and their items are read by every signed-in caller (no personal data). Responses
and answers are read by staff over the station (the platform admin and analysts: all), and only
as indexes: no root field returns a response. Nothing of the area is ever changed or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select

from db import models
from resolvers.access.rules import (
    ANALYSTS,
    DISPATCH,
    STAFF,
    UNIT_ADMIN,
    UNIT_ROLES,
    ByUnit,
    Check,
    Domain,
    Scope,
    WriteRule,
)

_questionnaires = models.CivilityQuestionnaire.__table__
_responses = models.CivilityResponse.__table__


def _by_station(s: Scope, t: Any) -> ColumnElement[bool]:
    units = s.units(*UNIT_ROLES)
    return t.c.station_id.in_(units) if units is not None else false()


def _by_response(s: Scope, t: Any) -> ColumnElement[bool]:
    units = s.units(*UNIT_ROLES)
    return t.c.response_id.in_(select(_responses.c.id).where(_responses.c.station_id.in_(units))) \
        if units is not None else false()


@dataclass(frozen=True)
class NewOnly(WriteRule):
    """New rows whose unit (`column`, or the parent row's) the caller's grants of `roles` cover;
    never changed or deleted."""

    column: str
    roles: tuple[Any, ...]
    parent: tuple[Any, str, str] | None = None  # (parent table, foreign key on the row, unit column of the parent)

    @property
    def sentence(self) -> str:
        who = " or ".join(r.value.lower().replace("_", " ") for r in self.roles)
        return f"new rows only, by a {who} over the {self.column.removesuffix('_id')}; never changed or deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not is_new:
            return False
        if self.parent is None:
            return ByUnit(self.column, self.roles).allows(check, obj, is_new)
        table, key, column = self.parent
        unit = check.session.connection().execute(
            select(table.c[column]).where(table.c.id == getattr(obj, key))).scalar()
        return check.in_subtree(self.roles, check.unit_path(unit))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="civility",
    roots={
        "Query.civilityQuestionnaires": DISPATCH | ANALYSTS,
        "Query.civilityIndex": DISPATCH | ANALYSTS,
        "Mutation.civilityQuestionnaireCreate": STAFF,
        "Mutation.civilityResponseSubmit": DISPATCH,
    },
    reads={
        models.CivilityResponse: _by_station,
        models.CivilityAnswer: _by_response,
    },
    writes={
        models.CivilityQuestionnaire: NewOnly("unit_id", UNIT_ADMIN),
        models.CivilityItem: NewOnly("unit_id", UNIT_ADMIN, (_questionnaires, "questionnaire_id", "unit_id")),
        models.CivilityResponse: NewOnly("station_id", UNIT_ROLES),
        models.CivilityAnswer: NewOnly("station_id", UNIT_ROLES, (_responses, "response_id", "station_id")),
    },
)
