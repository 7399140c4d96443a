"""The public honour roll (嘉许礼遇): per period and unit of the tree, the volunteers and teams with
the most approved hours (credit: server-stamped check-in/out and approved time claims; honour:
approved staff corrections), then the best average rating of the orders they completed.

Anyone may read it, also without signing in, so it is computed with the request's restriction
paused and hands out only a rank, hours, a rating and a name: a volunteer's as he chose
(`PublicationPreference`: full, masked (the default), or not listed at all), a team's as it is.
No ID, number, phone or unit of a volunteer leaves it. A volunteer counts under the unit he is
registered with (resolvers/recognition/hours.py); a team counts its members' records.

A volunteer sets his own preference (nobody else may: the write rule and the resolver both check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.localtime import local_days
from db.models import PublicationListing
from db.models.dispatch import AssignmentStatus
from resolvers.access.masking import mask_name
from resolvers.accounts.mutations import credential_access
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.dispatch.queries import minutes_by
from resolvers.recognition.queries import volunteer_named

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: the most volunteers (and teams) one roll lists
MAX_LISTED = 100
#: the longest period one roll covers
MAX_PERIOD = dt.timedelta(days=366 * 5)
DEFAULT_LISTING = PublicationListing.MASKED_NAME


@dataclass(frozen=True)
class Honoured:
    """One line of the roll: a name as allowed, hours and the average rating."""

    rank: int
    name: str
    team_id: str | None
    credit_hours: float
    honour_hours: float
    average_rating: float | None

    @property
    def hours(self) -> float:
        return round(self.credit_hours + self.honour_hours, 2)


@dataclass(frozen=True)
class HonourRoll:
    unit_name: str
    period_start: dt.date
    period_end: dt.date
    volunteers: list[Honoured]
    teams: list[Honoured]


def _ratings(session: Session, key: Any, keys: list[int], *join: Any) -> dict[int, float]:
    """The average rating of the completed orders of each `key` (a volunteer's or a team's)."""
    if not keys:
        return {}
    a, r = models.Assignment, models.Rating
    stmt = select(key, func.avg(r.score)).select_from(a).join(r, r.order_id == a.order_id)
    for target, on in join:
        stmt = stmt.join(target, on)
    stmt = stmt.where(a.status == AssignmentStatus.COMPLETED, key.in_(keys)).group_by(key)
    return {int(k): round(float(v), 2) for k, v in session.execute(stmt)}


def _contenders(totals: list[tuple[Any, int, int]], limit: int) -> list[tuple[int, int, int]]:
    """The rows that may rank in the first `limit` by minutes: the `limit` largest and those tied
    with the last of them (ratings, read for these only, order the ties)."""
    rows = sorted(((int(k), c, h) for k, c, h in totals if k is not None and c + h > 0),
                  key=lambda row: -(row[1] + row[2]))
    if len(rows) <= limit:
        return rows
    cutoff = rows[limit - 1][1] + rows[limit - 1][2]
    return [row for row in rows if row[1] + row[2] >= cutoff]


def _ranked(rows: list[tuple[int, int, int]], ratings: dict[int, float], limit: int) -> list[tuple[int, int, int]]:
    """The first `limit` (key, credit, honour) by approved minutes, then rating, then key (stable ranks)."""
    return sorted(rows, key=lambda row: (-(row[1] + row[2]), -ratings.get(row[0], 0.0), row[0]))[:limit]


def honour_roll(info: Info, unit: str, start: dt.date, end: dt.date, first: int | None) -> HonourRoll:
    limit = 10 if first is None else first
    if not 1 <= limit <= MAX_LISTED:
        raise ClientError(f"first: within 1..{MAX_LISTED}", ErrorCode.OUT_OF_RANGE, ("first",))
    if end < start or end - start > MAX_PERIOD:
        raise ClientError("to: must be on or after `from`, at most 5 years later", ErrorCode.OUT_OF_RANGE, ("to",))
    unit_pk = globalid.decode_as(unit, "Unit", ("unit",))
    low, high = local_days(start, end)
    sr, v, m = models.ServiceRecord, models.Volunteer, models.TeamMembership
    # a deliberate public read (see the module docstring): only the fields of `Honoured` leave it
    with credential_access(info) as session:
        scope = session.get(models.Unit, unit_pk)
        if scope is None:
            raise ClientError("unit: no Unit has this ID", ErrorCode.NOT_FOUND, ("unit",))
        subtree = select(models.Unit.id).where(models.Unit.path.like(f"{scope.path}%"))
        where = (v.unit_id.in_(subtree), sr.checked_in_at >= low, sr.checked_in_at < high)
        people = minutes_by(session, sr.volunteer_id, *where)
        pref = models.PublicationPreference
        listings: dict[Any, PublicationListing] = {k: PublicationListing(value) for k, value in session.execute(
            select(pref.volunteer_id, pref.listing).where(pref.volunteer_id.in_(
                select(v.id).where(v.unit_id.in_(subtree)))))}
        listed = _contenders([row for row in people
                              if listings.get(row[0], DEFAULT_LISTING) != PublicationListing.NOT_LISTED], limit)
        ratings = _ratings(session, models.Assignment.volunteer_id, [k for k, _, _ in listed])
        top = _ranked(listed, ratings, limit)
        names = {k: n for k, n in session.execute(select(v.id, v.name).where(v.id.in_([k for k, _, _ in top])))}
        volunteers = [Honoured(rank, names[k] if listings.get(k, DEFAULT_LISTING) == PublicationListing.FULL_NAME
                               else mask_name(names[k]), None, round(c / 60, 2), round(h / 60, 2), ratings.get(k))
                      for rank, (k, c, h) in enumerate(top, start=1)]
        teams_totals = _contenders(minutes_by(session, m.team_id, m.volunteer_id == sr.volunteer_id, *where), limit)
        team_ratings = _ratings(session, m.team_id, [k for k, _, _ in teams_totals],
                                (m, m.volunteer_id == models.Assignment.volunteer_id))
        top_teams = _ranked(teams_totals, team_ratings, limit)
        team_names = {k: n for k, n in session.execute(select(models.Team.id, models.Team.name).where(
            models.Team.id.in_([k for k, _, _ in top_teams])))}
        teams = [Honoured(rank, team_names[k], globalid.encode("Team", k), round(c / 60, 2), round(h / 60, 2),
                          team_ratings.get(k)) for rank, (k, c, h) in enumerate(top_teams, start=1)]
        return HonourRoll(scope.name, start, end, volunteers, teams)


def _own_volunteer(info: Info, volunteer: str | None, path: tuple[str, ...]) -> int:
    caller = info.context.auth.caller
    own = caller.volunteer_ids if caller is not None else frozenset()
    if volunteer is None:
        if caller is None or caller.own_volunteer is None:
            raise abort(path, "volunteer: name the volunteer (your account is not exactly one volunteer)",
                        ErrorCode.REQUIRED)
        return caller.own_volunteer
    pk = globalid.decode_pk(volunteer, "Volunteer")
    if pk is None:
        raise abort(path, "volunteer: not the ID of a Volunteer; pass an `id` returned by this API",
                    ErrorCode.MALFORMED_ID)
    if pk not in own:
        raise abort(path, "a volunteer sets his own publication preference only", ErrorCode.FORBIDDEN)
    return pk


def listing_of(info: Info, volunteer: str | None) -> PublicationListing | None:
    """The volunteer's preference (the default when he set none); null for a volunteer the caller does not see."""
    session = info.context.session
    pk = volunteer_named(info, volunteer)
    if pk is None:
        return None
    found = session.scalar(select(models.PublicationPreference.listing).where(
        models.PublicationPreference.volunteer_id == pk))
    return DEFAULT_LISTING if found is None else PublicationListing(found)


def publication_preference_set(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> PublicationListing:
        pk = _own_volunteer(info, data.volunteer, ("input", "volunteer"))
        row = session.scalar(select(models.PublicationPreference).where(
            models.PublicationPreference.volunteer_id == pk))
        if row is None:
            row = models.PublicationPreference(volunteer_id=pk, listing=data.listing)
            session.add(row)
        row.listing = data.listing
        row.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        return PublicationListing(row.listing)

    return run_mutation(info, work)
