"""The civility index of a station or unit for one questionnaire, with its response count.

A response's index is the sum over the questionnaire's items of weight (percent) x score /
highest score: 0..100. A unit's index is the mean of the responses at the stations of its
subtree, so it aggregates up the tree weighted by responses; `parts` gives the same for each
child unit. One grouped statement per unit and one for all its children, over the responses the
caller's restricted session reads (staff: their subtree; analysts and the platform admin: all).

No single household's answers are shown above its station: an index (and the items' means) of
fewer than `MIN_RESPONSES` responses is shown only to the station's own staff (a grant on that
station itself), and to nobody for a unit above a station; the count is always shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db import models
from db.enums import UnitLevel
from resolvers.access.rules import UNIT_ROLES
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: Fewer responses than this are not shown above their station.
MIN_RESPONSES = 5
#: The most children one `parts` lists (a unit has at most a few dozen).
MAX_PARTS = 50


@dataclass(frozen=True)
class ItemMean:
    position: int
    text: str
    mean_score: float
    max_score: int


@dataclass(frozen=True)
class Index:
    """One unit's index: None (and no item means) when it would show too few households."""

    unit_id: int
    questionnaire_id: int
    responses: int
    index: float | None
    items: list[ItemMean]


def _weighted() -> Any:
    I_, A = models.CivilityItem, models.CivilityAnswer
    return func.sum(I_.weight * A.score * 1.0 / I_.max_score)


def _shown(info: Info, unit: models.Unit, responses: int) -> bool:
    if responses >= MIN_RESPONSES:
        return True
    caller = info.context.auth.caller
    return (unit.level == UnitLevel.STATION and caller is not None
            and any(g.unit_path == unit.path for g in caller.grants_of(*UNIT_ROLES)))


def _index(info: Info, session: Session, unit: models.Unit, questionnaire_id: int, responses: int,
           total: float | None) -> Index:
    if not responses or not _shown(info, unit, responses):
        return Index(unit.id, questionnaire_id, responses, None, [])
    I_, A, R, U = models.CivilityItem, models.CivilityAnswer, models.CivilityResponse, models.Unit
    means = session.execute(
        select(I_.position, I_.text, func.avg(A.score * 1.0), I_.max_score)
        .join(A, A.item_id == I_.id).join(R, R.id == A.response_id).join(U, U.id == R.station_id)
        .where(R.questionnaire_id == questionnaire_id, U.path.startswith(unit.path, autoescape=True))
        .group_by(I_.position, I_.text, I_.max_score).order_by(I_.position)).all()
    return Index(unit.id, questionnaire_id, responses, round(float(total or 0) / responses, 2),
                 [ItemMean(p, t, round(float(m), 2), x) for p, t, m, x in means])


def civility_index(info: Info, questionnaire: str, unit: str) -> Index | None:
    session = info.context.session
    qpk = globalid.decode_pk(questionnaire, "CivilityQuestionnaire")
    if qpk is None:
        raise ClientError("questionnaire: not the ID of a CivilityQuestionnaire", ErrorCode.MALFORMED_ID,
                          ("questionnaire",))
    row = session.get(models.Unit, globalid.decode_as(unit, "Unit", ("unit",)))
    if row is None or session.get(models.CivilityQuestionnaire, qpk) is None:
        return None
    return unit_index(info, row, qpk)


def unit_index(info: Info, unit: models.Unit, questionnaire_id: int) -> Index:
    session = info.context.session
    A, R, U = models.CivilityAnswer, models.CivilityResponse, models.Unit
    responses, total = session.execute(
        select(func.count(func.distinct(R.id)), _weighted())
        .select_from(A).join(models.CivilityItem, models.CivilityItem.id == A.item_id)
        .join(R, R.id == A.response_id).join(U, U.id == R.station_id)
        .where(R.questionnaire_id == questionnaire_id, U.path.startswith(unit.path, autoescape=True))).one()
    return _index(info, session, unit, questionnaire_id, int(responses), total)


def parts(info: Info, unit_id: int, questionnaire_id: int) -> list[Index]:
    """The index of each child unit (those with no response too), by code; one grouped statement."""
    session = info.context.session
    A, R, U = models.CivilityAnswer, models.CivilityResponse, models.Unit
    child = aliased(U)
    children = list(session.scalars(select(U).where(U.parent_id == unit_id).order_by(U.code).limit(MAX_PARTS + 1)))
    if len(children) > MAX_PARTS:
        raise ClientError(f"parts: more than {MAX_PARTS} children", ErrorCode.TOO_LARGE, ("parts",))
    sums = {cid: (int(n), t) for cid, n, t in session.execute(
        select(child.id, func.count(func.distinct(R.id)), _weighted())
        .select_from(A).join(models.CivilityItem, models.CivilityItem.id == A.item_id)
        .join(R, R.id == A.response_id).join(U, U.id == R.station_id)
        .join(child, U.path.startswith(child.path))
        .where(R.questionnaire_id == questionnaire_id, child.parent_id == unit_id).group_by(child.id))}
    return [_index(info, session, c, questionnaire_id, *sums.get(c.id, (0, None))) for c in children]
