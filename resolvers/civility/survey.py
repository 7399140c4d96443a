"""Civility questionnaires and households' responses through the API.

A unit admin creates a questionnaire for his unit and a period, with its items (text, weight in
whole percent, highest score); the weights sum to 100. The staff of a station (unit admin or
dispatcher over it) enter a household's response while the questionnaire runs (the server's
local date): one score per item, in the items' order, each from 0 to the item's highest. The
household is named by a code the station gives it (e.g. its house number); only a keyed
fingerprint of the code is stored, so the same household answers once per questionnaire and no
address is kept. Bad input is a coded userError naming the field, nothing written.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import UnitLevel
from db.localtime import local_today
from db.models.base import utcnow
from resolvers.core import globalid
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: The most items of one questionnaire; the highest score an item may have; the longest period.
MAX_ITEMS = 50
MAX_SCORE = 10
MAX_PERIOD_DAYS = 366
#: The longest household code.
MAX_HOUSEHOLD_CHARS = 100


def household_fingerprint(code: str, secret_key: str) -> str:
    """HMAC-SHA256 (64 hex characters) of a household's code, spaces removed, keyed with the secret key."""
    normalised = "".join(code.split()).upper()
    return hmac.new(secret_key.encode("utf-8"), f"household:{normalised}".encode(), hashlib.sha256).hexdigest()


def _items(checks: Checks, items: list[Any]) -> None:
    path = ("input", "items")
    if not items:
        checks.add(path, "a questionnaire has at least one item", ErrorCode.REQUIRED)
        return
    if len(items) > MAX_ITEMS:
        checks.add(path, f"at most {MAX_ITEMS} items", ErrorCode.TOO_LARGE)
        return
    for i, item in enumerate(items):
        checks.name(item.text, (*path, str(i), "text"), max_length=500)
        checks.in_range(item.weight, 1, 100, (*path, str(i), "weight"))
        checks.in_range(item.max_score, 1, MAX_SCORE, (*path, str(i), "maxScore"))
    total = sum(item.weight for item in items)
    if total != 100:
        checks.add(path, f"the weights sum to {total}; they must sum to 100 (percent)", ErrorCode.INVALID)


def questionnaire_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.CivilityQuestionnaire:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        title = checks.name(data.title, ("input", "title"))
        if data.valid_until < data.valid_from:
            checks.add(("input", "validUntil"), "validUntil must be on or after validFrom", ErrorCode.OUT_OF_RANGE)
        elif (data.valid_until - data.valid_from).days > MAX_PERIOD_DAYS:
            checks.add(("input", "validUntil"), f"a questionnaire runs {MAX_PERIOD_DAYS} days at most",
                       ErrorCode.OUT_OF_RANGE)
        _items(checks, data.items)
        checks.raise_if_any()
        row = models.CivilityQuestionnaire(unit_id=unit.id, title=title, valid_from=data.valid_from,
                                           valid_until=data.valid_until, created_by_account_id=actor_account_id(info),
                                           created_at=utcnow())
        session.add(row)
        session.flush()
        session.add_all([models.CivilityItem(questionnaire_id=row.id, position=i + 1, text=item.text.strip(),
                                             weight=item.weight, max_score=item.max_score)
                         for i, item in enumerate(data.items)])
        session.flush()
        return row

    return run_mutation(info, work, info.context.present.civility_questionnaire)


def items_of(session: Session, questionnaire_id: int) -> list[models.CivilityItem]:
    I_ = models.CivilityItem
    return list(session.scalars(select(I_).where(I_.questionnaire_id == questionnaire_id).order_by(I_.position)))


def response_submit(info: Info, data: Any) -> Outcome[Any]:
    secret_key = info.context.settings.secret_key

    def work(session: Session) -> models.CivilityResponse:
        checks = Checks(session)
        path = ("input", "questionnaire")
        questionnaire: models.CivilityQuestionnaire = globalid.load(session, data.questionnaire,
                                                                    "CivilityQuestionnaire", path)
        station = checks.ref(data.station, "Unit", ("input", "station"))
        household = checks.name(data.household, ("input", "household"), max_length=MAX_HOUSEHOLD_CHARS)
        items = items_of(session, questionnaire.id)
        scores = data.scores
        if len(scores) != len(items):
            checks.add(("input", "scores"), f"give one score for each of the {len(items)} items, in their order",
                       ErrorCode.INVALID)
        else:
            for i, (item, score) in enumerate(zip(items, scores, strict=True)):
                checks.in_range(score, 0, item.max_score, ("input", "scores", str(i)))
        checks.raise_if_any()
        scope = session.get(models.Unit, questionnaire.unit_id)
        if station.level != UnitLevel.STATION or scope is None or not station.path.startswith(scope.path):
            raise abort(("input", "station"), "a station of the questionnaire's unit answers it", ErrorCode.INVALID)
        today = local_today()
        if not questionnaire.valid_from <= today <= questionnaire.valid_until:
            raise abort(path, f"the questionnaire runs {questionnaire.valid_from}..{questionnaire.valid_until}",
                        ErrorCode.NOT_AVAILABLE)
        fingerprint = household_fingerprint(household, secret_key)
        R = models.CivilityResponse
        # read through the connection: the household may have answered at a station the caller does not see
        if session.connection().execute(select(R.__table__.c.id).where(
                R.__table__.c.questionnaire_id == questionnaire.id,
                R.__table__.c.household_fingerprint == fingerprint)).first() is not None:
            raise abort(("input", "household"), "this household answered this questionnaire already",
                        ErrorCode.DUPLICATE)
        response = R(questionnaire_id=questionnaire.id, station_id=station.id, household_fingerprint=fingerprint,
                     submitted_by_account_id=actor_account_id(info), submitted_at=utcnow())
        session.add(response)
        session.flush()
        session.add_all([models.CivilityAnswer(response_id=response.id, item_id=item.id, score=score)
                         for item, score in zip(items, scores, strict=True)])
        session.flush()
        return response

    return run_mutation(info, work, info.context.present.civility_response)


def questionnaires(info: Info, unit: str | None, first: int | None, after: str | None) -> Any:
    """Questionnaires, oldest first: of `unit` and the units above it (those its stations answer)."""
    Q = models.CivilityQuestionnaire
    stmt = select(Q)
    if unit is not None:
        pk = globalid.decode_as(unit, "Unit", ("unit",))
        row = info.context.session.get(models.Unit, pk)
        ancestors = [int(p) for p in row.path.strip("/").split("/")] if row is not None else []
        stmt = stmt.where(Q.unit_id.in_(ancestors))
    return paginate(info.context, stmt, Q.id, info.context.present.civility_questionnaire, first, after)
