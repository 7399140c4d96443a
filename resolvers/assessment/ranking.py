"""The quarterly assessment through the API: computed on demand, published by center staff, a unit's
trend over the published quarters.

- `assessment(info, scope, quarter, weights)`: the indicators, scores and ranks of the scope's
  subtree, computed from the data (resolvers/assessment/scoring.py) with the configured weights or,
  for a what-if, weights given with the request (checked as the settings are; nothing is stored).
  Staff over the scope (unit admins, dispatchers), analysts and the platform admin.
- `publish(info, data)`: stores the ranking of a center's tree for a quarter that is over, with the
  configured weights, who published it and when (one publication per center and quarter, never
  changed).
- `publication(info, scope, quarter)`, `trend(info, unit, last)`: read the published snapshots,
  within the city (staff with a grant in the tree, analysts, the platform admin).

Figures are totals and shares, never a person: the computation reads through the connection (no
row criteria) once the caller is known to cover the scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import UnitLevel
from db.localtime import local_today
from db.models import Role
from resolvers.access.rules import UNIT_ROLES, Check
from resolvers.assessment.indicators import INDICATORS, Indicator, Quarter, weight_problems
from resolvers.assessment.scoring import Assessment, Contribution, UnitScore, assess
from resolvers.core import globalid
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ClientError, ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import page_of_list

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: The most quarters a trend reads back.
MAX_TREND = 40


def quarter_of(text: str, path: tuple[str, ...]) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise ClientError(f"{path[-1]}: {exc}", ErrorCode.INVALID, path) from None


def _scope(info: Info, scope: str, path: tuple[str, ...]) -> models.Unit:
    """The scope unit, which the caller must cover (staff over it, analysts, the platform admin)."""
    pk = globalid.decode_as(scope, "Unit", path)
    unit = info.context.session.get(models.Unit, pk)
    caller = info.context.auth.caller
    if unit is None or caller is None:
        raise ClientError(f"{path[-1]}: no Unit has this ID", ErrorCode.NOT_FOUND, path)
    if not (caller.is_admin or Role.ANALYST in caller.roles
            or Check(info.context.session, caller).in_subtree(UNIT_ROLES, unit.path)):
        raise ClientError(f"{path[-1]}: you are not staff over this unit: ask for a unit your grants cover",
                          ErrorCode.FORBIDDEN, path)
    return unit


def _tree_reader(info: Info, unit_pk: int, path: tuple[str, ...]) -> None:
    """A published ranking is read within its city: staff with a grant in the unit's tree (the
    center's subtree), analysts and the platform admin; FORBIDDEN naming the field otherwise."""
    caller = info.context.auth.caller
    unit_path = info.context.session.scalar(select(models.Unit.path).where(models.Unit.id == unit_pk))
    if caller is None or unit_path is None:
        raise ClientError(f"{path[-1]}: no Unit has this ID", ErrorCode.NOT_FOUND, path)
    root = "/" + unit_path.strip("/").split("/")[0] + "/"
    if not (caller.is_admin or Role.ANALYST in caller.roles
            or any(g.unit_path and g.unit_path.startswith(root) for g in caller.grants_of(*UNIT_ROLES))):
        raise ClientError(f"{path[-1]}: the rankings of another city are not yours to read", ErrorCode.FORBIDDEN,
                          path)


def what_if_weights(entries: Sequence[Any] | None, path: tuple[str, ...] = ("weights",)
                    ) -> tuple[tuple[str, float], ...] | None:
    """Weights given with a request ([{indicator, weight}]), checked as the settings' are; None: none given."""
    if entries is None:
        return None
    if len(entries) > len(INDICATORS):
        raise ClientError(f"{path[-1]}: at most {len(INDICATORS)} weights, one per indicator", ErrorCode.TOO_LARGE,
                          path)
    weights: dict[str, float] = {}
    for entry in entries:
        if entry.indicator in weights:
            raise ClientError(f"{path[-1]}: {entry.indicator} is weighted twice: give each indicator once",
                              ErrorCode.DUPLICATE, path)
        weights[entry.indicator] = float(entry.weight)
    problems = weight_problems(weights)
    if problems:
        key, message = problems[0]
        code = ErrorCode.NOT_FOUND if key is not None and key not in INDICATORS else ErrorCode.OUT_OF_RANGE
        raise ClientError(f"{path[-1]}: {message}", code, path)
    return tuple(weights.items())


@dataclass(frozen=True)
class WeightView:
    indicator: str
    weight: float


@dataclass(frozen=True)
class AssessmentView:
    """An assessment (computed, or published) as the schema reads it."""

    quarter: str
    scope_pk: int
    normalisation: str
    weights: tuple[WeightView, ...]
    scores: tuple[UnitScore, ...]
    published_at: dt.datetime | None = None
    published_by: str | None = None

    def units(self, info: Info, level: UnitLevel | None, first: int | None, after: str | None) -> Any:
        rows = [s for s in self.scores if level is None or s.level == level]
        return page_of_list(info.context, rows, first, after)


def _view(result: Assessment) -> AssessmentView:
    return AssessmentView(result.quarter.label, result.scope_unit_id, result.normalisation,
                          tuple(WeightView(k, w) for k, w in result.weights), result.units)


def assessment(info: Info, scope: str, quarter: str, weights: Sequence[Any] | None) -> AssessmentView:
    """The live assessment of `scope`'s subtree for `quarter` (see the module docstring)."""
    q = quarter_of(quarter, ("quarter",))
    chosen = what_if_weights(weights) or info.context.settings.assessment.weights
    unit = _scope(info, scope, ("scope",))
    config = info.context.settings.assessment
    return _view(assess(info.context.session.connection(), unit.path, unit.id, q, chosen, config.normalisation))


def indicators() -> list[Indicator]:
    return list(INDICATORS.values())


def publish(info: Info, data: Any) -> Outcome[Any]:
    """Store the ranking of a center's tree for a quarter that is over (see the module docstring)."""
    config = info.context.settings.assessment

    def work(session: Session) -> AssessmentView:
        try:
            q = Quarter.parse(data.quarter)
        except ValueError as exc:
            raise abort(("input", "quarter"), str(exc), ErrorCode.INVALID) from None
        today = local_today()
        if q.end > today:
            raise abort(("input", "quarter"), f"{q.label} ends on {q.end - dt.timedelta(days=1)}: publish its "
                                              "ranking once it is over", ErrorCode.OUT_OF_RANGE)
        pk = globalid.decode_as(data.scope, "Unit", ("input", "scope"))
        unit = session.get(models.Unit, pk)
        if unit is None:
            raise abort(("input", "scope"), "no Unit has this ID", ErrorCode.NOT_FOUND)
        if unit.level != UnitLevel.CENTER:
            raise abort(("input", "scope"), f"{unit.code} is a {unit.level.lower()}: a ranking is published for a "
                                            "center's whole tree", ErrorCode.LEVEL_MISMATCH)
        taken = session.scalar(select(models.AssessmentPublication.id).where(
            models.AssessmentPublication.scope_unit_id == unit.id, models.AssessmentPublication.quarter == q.label))
        if taken is not None:
            raise abort(("input", "quarter"), f"the ranking of {unit.code} for {q.label} is published already; "
                                              "publications are never changed", ErrorCode.DUPLICATE)
        result = assess(session.connection(), unit.path, unit.id, q, config.weights, config.normalisation)
        publication = models.AssessmentPublication(
            scope_unit_id=unit.id, quarter=q.label, normalisation=config.normalisation,
            weights=dict(config.weights), published_by_account_id=actor_account_id(info))
        session.add(publication)
        session.flush()
        session.add_all(models.AssessmentScore(
            publication_id=publication.id, unit_id=s.unit_id, level=s.level, score=s.score, rank=s.rank,
            ranked=s.ranked, explanation=[asdict(c) for c in s.contributions]) for s in result.units)
        session.flush()
        return _published(session, publication)

    return run_mutation(info, work)


def _published(session: Session, publication: models.AssessmentPublication) -> AssessmentView:
    S, U = models.AssessmentScore, models.Unit
    rows = session.execute(select(S, U.code, U.name, U.parent_id).join(U, U.id == S.unit_id)
                           .where(S.publication_id == publication.id)).all()
    order = {UnitLevel.CENTER: 0, UnitLevel.INSTITUTE: 1, UnitLevel.STATION: 2}
    scores = sorted((UnitScore(s.unit_id, code, name, UnitLevel(s.level), parent, s.score, s.rank, s.ranked,
                               tuple(Contribution(**c) for c in s.explanation))
                     for s, code, name, parent in rows), key=lambda x: (order[x.level], x.rank, x.code))
    publisher = session.scalar(select(models.Account.username).where(
        models.Account.id == publication.published_by_account_id))
    return AssessmentView(publication.quarter, publication.scope_unit_id, publication.normalisation,
                          tuple(WeightView(k, float(w)) for k, w in publication.weights.items()), tuple(scores),
                          publication.published_at, publisher)


def publication(info: Info, scope: str, quarter: str) -> AssessmentView | None:
    """The published ranking of `scope` (a center) for `quarter`, or None."""
    q = quarter_of(quarter, ("quarter",))
    session = info.context.session
    pk = globalid.decode_as(scope, "Unit", ("scope",))
    _tree_reader(info, pk, ("scope",))
    found = session.scalar(select(models.AssessmentPublication).where(
        models.AssessmentPublication.scope_unit_id == pk, models.AssessmentPublication.quarter == q.label))
    return None if found is None else _published(session, found)


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    score: float
    rank: int
    ranked: int
    published_at: dt.datetime


def trend(info: Info, unit: str, last: int) -> list[TrendPoint]:
    """The unit's published scores and ranks, the `last` quarters published, oldest first."""
    if not 1 <= last <= MAX_TREND:
        raise ClientError(f"last: give 1 to {MAX_TREND} quarters", ErrorCode.OUT_OF_RANGE, ("last",))
    pk = globalid.decode_as(unit, "Unit", ("unit",))
    _tree_reader(info, pk, ("unit",))
    P, S = models.AssessmentPublication, models.AssessmentScore
    rows = info.context.session.execute(
        select(P.quarter, S.score, S.rank, S.ranked, P.published_at).join(P, P.id == S.publication_id)
        .where(S.unit_id == pk).order_by(P.quarter.desc()).limit(last)).all()
    return [TrendPoint(*row) for row in reversed(rows)]
