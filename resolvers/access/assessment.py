"""Access to the quarterly assessment: staff over a unit and analysts read the assessment of its
subtree; center staff publish their center's ranking (audited, never changed or deleted); the
published rankings and trends are read by staff and analysts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from db import models
from resolvers.access.rules import ANALYSTS, DISPATCH, STAFF, UNIT_ADMIN, Check, Domain, Scope, WriteRule

_publications = models.AssessmentPublication.__table__


def _center_admin(check: Check, scope_unit_id: int | None) -> bool:
    """A unit admin whose grant is on a center (path "/<id>/") covering the scope."""
    path = check.unit_path(scope_unit_id)
    return path is not None and any(
        g.unit_path and g.unit_path.count("/") == 2 and path.startswith(g.unit_path)
        for g in check.caller.grants_of(*UNIT_ADMIN))


@dataclass(frozen=True)
class Publications(WriteRule):
    """A new publication of a center's tree by a unit admin of that center; never changed or deleted."""

    sentence: str = "unit admin of the center, new rows only; never changed or deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return is_new and obj not in check.session.deleted and _center_admin(check, obj.scope_unit_id)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class PublishedScores(WriteRule):
    """A published unit score, added with its publication; never changed or deleted."""

    sentence: str = "unit admin of the publication's center, new rows only; never changed or deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not is_new or obj in check.session.deleted:
            return False
        scope = check.session.connection().execute(
            select(_publications.c.scope_unit_id).where(_publications.c.id == obj.publication_id)).scalar()
        return _center_admin(check, scope)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


READERS = DISPATCH | ANALYSTS

DOMAIN = Domain(
    name="assessment",
    roots={
        "Query.assessment": READERS,
        "Query.assessmentIndicators": READERS,
        "Query.assessmentPublication": READERS,
        "Query.assessmentTrend": READERS,
        "Mutation.assessmentPublish": STAFF,
    },
    writes={
        models.AssessmentPublication: Publications(),
        models.AssessmentScore: PublishedScores(),
    },
)
