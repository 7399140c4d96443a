"""Star levels (星级志愿者): thresholds, which hours count and who approves each star are
configuration (Settings.stars: WENMING_STAR_HOURS, WENMING_STAR_COUNTS, WENMING_STAR_APPROVERS).

A star award is a request with the workflow of resolvers/core/proposals.py:
- `starsPropose(scope)`: for every volunteer of the scope's subtree whose counted hours reach a
  star above those he holds (APPROVED) and who has no award of it yet, nor a pending one, a PENDING
  award of the highest star reached, proposed automatically (no account named); run twice, it
  proposes nothing new. Two statements read the hours and the awards, whatever the number of
  volunteers.
- `starApply`: a volunteer applies for himself, for the highest star his hours reach.
- `starApprove` / `starDecline` (with a reason): the platform admin, or a unit admin of a unit at
  the configured level of the tree above the volunteer's unit (e.g. institute for 1-2 stars, center
  for 3-5); never the volunteer himself (OWN_REQUEST), nor the account that applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.enums import RequestState
from resolvers.access.rules import Check
from resolvers.core import proposals
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome, run
from resolvers.core.settings import StarSettings
from resolvers.core.validation import Checks
from resolvers.dispatch.queries import minutes_by

if TYPE_CHECKING:
    from resolvers.core.context import Info

AWARD = ("input", "awardId")
#: states in which an award of a star is on record and not proposed again automatically
_HELD = (RequestState.PENDING, RequestState.APPROVED, RequestState.DECLINED)


def counted(rules: StarSettings, credit: int, honour: int) -> int:
    """The minutes that count towards stars."""
    return credit + honour if rules.count_honour else credit


def _subtree(unit: models.Unit) -> Any:
    return select(models.Unit.id).where(models.Unit.path.like(f"{unit.path}%"))


def due(session: Session, rules: StarSettings, *where: Any) -> list[tuple[int, int, int]]:
    """(volunteer, stars, counted minutes) of the volunteers matching `where` (on models.Volunteer)
    whose hours reach a star they do not hold and who have no award of it nor a pending one."""
    reached = {v: (rules.reached(counted(rules, c, h)), counted(rules, c, h))
               for v, c, h in minutes_by(session, models.ServiceRecord.volunteer_id, *where)}
    reached = {v: r for v, r in reached.items() if r[0] > 0}
    if not reached:
        return []
    a = models.StarAward
    approved: dict[int, int] = {}
    blocked: set[int] = set()
    for volunteer, stars, state in session.execute(
            select(a.volunteer_id, func.max(a.stars), a.state).where(a.volunteer_id.in_(list(reached)))
            .group_by(a.volunteer_id, a.state)):
        if state == RequestState.APPROVED:
            approved[volunteer] = int(stars)
        if state == RequestState.PENDING or (state in _HELD and int(stars) >= reached[volunteer][0]):
            blocked.add(volunteer)
    return sorted((v, stars, minutes) for v, (stars, minutes) in reached.items()
                  if v not in blocked and stars > approved.get(v, 0))


def stars_propose(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> int:
        checks = Checks(session)
        scope = checks.ref(data.scope, "Unit", ("input", "scope"))
        checks.raise_if_any()
        caller = info.context.auth.caller
        assert caller is not None  # the root gate admits signed-in staff only
        if not Check(session, caller).administers(scope.id):
            raise abort(("input", "scope"), "propose stars in a unit you administer", ErrorCode.FORBIDDEN)
        awards = [models.StarAward(volunteer_id=v, stars=stars, counted_minutes=minutes, state=RequestState.PENDING,
                                   note="", submitted_by=None, submitted_by_account_id=None)
                  for v, stars, minutes in due(session, info.context.settings.stars,
                                               models.Volunteer.unit_id.in_(_subtree(scope)))]
        session.add_all(awards)
        session.flush()
        return len(awards)

    return run(info, work, lambda count: count)


def star_apply(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.StarAward:
        checks = Checks(session)
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        checks.raise_if_any()
        proposals.acting_for(info, volunteer.id, ("input", "volunteer"))
        proposals.refuse_second(session, models.StarAward, ("input", "volunteer"),
                                models.StarAward.volunteer_id == volunteer.id)
        found = due(session, info.context.settings.stars, models.Volunteer.id == volunteer.id)
        if not found:
            raise abort(("input", "volunteer"), "your counted hours reach no star you hold or were decided on "
                        "already", ErrorCode.OUT_OF_RANGE)
        _, stars, minutes = found[0]
        award = proposals.filed(info, models.StarAward(volunteer_id=volunteer.id, stars=stars,
                                                       counted_minutes=minutes), data.note, checks)
        checks.raise_if_any()
        session.add(award)
        session.flush()
        return award

    return run(info, work, info.context.present.star_award)


def _approver(info: Info, session: Session, award: models.StarAward) -> None:
    """FORBIDDEN unless the caller is the platform admin or a unit admin of a unit at the award's
    approving level whose subtree holds the volunteer's unit."""
    caller = info.context.auth.caller
    assert caller is not None
    if caller.is_admin:
        return
    level = info.context.settings.stars.approver(award.stars)
    path = session.scalar(select(models.Unit.path).join(models.Volunteer, models.Volunteer.unit_id == models.Unit.id)
                          .where(models.Volunteer.id == award.volunteer_id))
    grants = [g.unit_id for g in caller.grants_of(models.Role.UNIT_ADMIN)
              if g.unit_path and path is not None and path.startswith(g.unit_path)]
    if not grants or session.scalar(select(func.count()).select_from(models.Unit).where(
            models.Unit.id.in_(grants), models.Unit.level == level)) == 0:
        raise abort(AWARD, f"a {award.stars}-star award is decided by a unit admin of the {level.lower()} above "
                    "the volunteer's unit", ErrorCode.FORBIDDEN)


def star_approve(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.StarAward:
        award = proposals.pending(session, data.award_id, "StarAward", AWARD)
        note = Checks(session).text(data.note, ("input", "note"))
        proposals.decide(info, award, RequestState.APPROVED, note, AWARD)
        _approver(info, session, award)
        session.flush()
        return award

    return run(info, work, info.context.present.star_award)


def star_decline(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.StarAward:
        reason = proposals.decline_reason(session, data.reason)
        award = proposals.pending(session, data.award_id, "StarAward", AWARD)
        proposals.decide(info, award, RequestState.DECLINED, reason, AWARD)
        _approver(info, session, award)
        session.flush()
        return award

    return run(info, work, info.context.present.star_award)


def star_awards(info: Info, state: RequestState | None, first: int | None, after: str | None) -> Any:
    """The awards the caller may read (his own; staff: their volunteers'), oldest first."""
    return proposals.listed(info, models.StarAward, state, info.context.present.star_award, first, after)
