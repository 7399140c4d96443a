"""Subsidy rules through the API: unit staff enter a rule for a period (never deleted, withdrawn).

A rule is refused, with nothing written, when its amount is negative or too large, its period
ends before it starts, its distance band is upside down or given to a kind without bands, or it
would pay the same days twice: transport rules (flat or banded), living rules (per day or per
hour) and caps of one unit do not overlap in time, except bands whose distances do not overlap.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.models.base import utcnow
from db.models.subsidies import SubsidyKind
from resolvers.core import globalid
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ErrorCode
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: The largest amount of one rule, in fen (¥100,000: a cap of a month is the largest).
MAX_AMOUNT_FEN = 10_000_000
#: The farthest band edge, in km; the longest period of a rule, in days.
MAX_KM = 1000.0
MAX_PERIOD_DAYS = 366 * 10
#: Rules of one family pay (or cap) the same thing: they may not cover the same days.
FAMILY = {SubsidyKind.TRANSPORT_FLAT: "transport", SubsidyKind.TRANSPORT_BAND: "transport",
          SubsidyKind.LIVING_DAY: "living", SubsidyKind.LIVING_HOUR: "living", SubsidyKind.MONTHLY_CAP: "cap"}


def _metres(km: float | None) -> int | None:
    return None if km is None else round(km * 1000)


def band_text(low: int | None, high: int | None) -> str:
    """A band in words: "band 5..10 km", "band 20.. km" (open-ended)."""
    return f"band {(low or 0) / 1000:g}..{'' if high is None else f'{high / 1000:g}'} km"


def _band(checks: Checks, kind: SubsidyKind, min_km: float | None,
          max_km: float | None) -> tuple[int | None, int | None]:
    """(min metres, max metres) of a band rule; none for the other kinds."""
    if kind != SubsidyKind.TRANSPORT_BAND:
        if min_km is not None or max_km is not None:
            checks.add(("input", "minKm" if min_km is not None else "maxKm"),
                       "only a TRANSPORT_BAND rule has a distance band", ErrorCode.INVALID)
        return None, None
    low = 0.0 if min_km is None else min_km
    checks.in_range(low, 0, MAX_KM, ("input", "minKm"))
    checks.in_range(max_km, 0, MAX_KM, ("input", "maxKm"))
    if max_km is not None and max_km <= low:
        checks.add(("input", "maxKm"), "maxKm must be more than minKm", ErrorCode.OUT_OF_RANGE)
    return _metres(low), _metres(max_km)


def _overlaps(a_low: int | None, a_high: int | None, b_low: int | None, b_high: int | None) -> bool:
    """Whether two bands [low, high) (high None: open-ended) share a distance."""
    a0, b0 = a_low or 0, b_low or 0
    return (a_high is None or b0 < a_high) and (b_high is None or a0 < b_high)


def _refuse_overlap(checks: Checks, session: Session, unit_id: int, kind: SubsidyKind, start: dt.date,
                    end: dt.date, low: int | None, high: int | None) -> None:
    R = models.SubsidyRule
    family = [k for k, f in FAMILY.items() if f == FAMILY[kind]]
    others = session.scalars(select(R).where(R.unit_id == unit_id, R.kind.in_(family), R.withdrawn_at.is_(None),
                                             R.valid_from <= end, R.valid_until >= start).order_by(R.id))
    for other in others:
        bands = kind == other.kind == SubsidyKind.TRANSPORT_BAND
        if not bands:
            checks.add(("input", "validFrom"), f"a {other.kind} rule of this unit covers {other.valid_from}.."
                       f"{other.valid_until} already: end or withdraw it first", ErrorCode.OVERLAP)
            return
        if _overlaps(low, high, other.min_metres, other.max_metres):
            checks.add(("input", "minKm"), f"the band overlaps the {band_text(other.min_metres, other.max_metres)} "
                       f"of another rule from {max(start, other.valid_from)}", ErrorCode.OVERLAP)
            return


def rule_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.SubsidyRule:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        kind = SubsidyKind(data.kind)
        checks.in_range(data.amount_fen, 0, MAX_AMOUNT_FEN, ("input", "amountFen"))
        low, high = _band(checks, kind, data.min_km, data.max_km)
        start, end = data.valid_from, data.valid_until
        if end < start:
            checks.add(("input", "validUntil"), "validUntil must be on or after validFrom", ErrorCode.OUT_OF_RANGE)
        elif (end - start).days > MAX_PERIOD_DAYS:
            checks.add(("input", "validUntil"), f"a rule runs {MAX_PERIOD_DAYS} days at most", ErrorCode.OUT_OF_RANGE)
        checks.raise_if_any()
        _refuse_overlap(checks, session, unit.id, kind, start, end, low, high)
        checks.raise_if_any()
        rule = models.SubsidyRule(unit_id=unit.id, kind=kind, valid_from=start, valid_until=end,
                                  amount_fen=data.amount_fen, min_metres=low, max_metres=high,
                                  created_at=utcnow(), created_by_account_id=actor_account_id(info))
        session.add(rule)
        session.flush()
        return rule

    return run_mutation(info, work, info.context.present.subsidy_rule)


def rule_withdraw(info: Info, data: Any) -> Outcome[Any]:
    """The rule pays nothing in batches computed from now on; approved batches keep their lines."""
    def work(session: Session) -> models.SubsidyRule:
        rule: models.SubsidyRule = globalid.load(session, data.rule, "SubsidyRule", ("input", "rule"), lock=True)
        if rule.withdrawn_at is None:
            rule.withdrawn_at = utcnow()
        session.flush()
        return rule

    return run_mutation(info, work, info.context.present.subsidy_rule)


def subsidy_rules(info: Info, unit: str, first: int | None, after: str | None) -> Any:
    """The rules of `unit` (withdrawn ones too), oldest first."""
    pk = globalid.decode_as(unit, "Unit", ("unit",))
    R = models.SubsidyRule
    return paginate(info.context, select(R).where(R.unit_id == pk), R.id, info.context.present.subsidy_rule,
                    first, after)
