"""Insurance policies through the API: staff enter, change and withdraw their units' policies
(never deleted), and read the tasks of the coming days that no cover insures.

Every mutation runs through the one runner (all or nothing); the access policy lets a unit admin
write policies of units in his subtree only (resolvers/access/insurance.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.localtime import local_today
from db.models.base import utcnow
from db.models.dispatch import AssignmentStatus
from db.queries import subtree_condition
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.insurance.cover import covered, covers

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: The most activity kinds and named volunteers one policy lists.
MAX_KINDS = 100
MAX_VOLUNTEERS = 1000
#: The longest report horizon, in days.
MAX_DAYS = 31
POLICY = ("input", "policy")


def _period(checks: Checks, start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        checks.add(("input", "validUntil"), "validUntil must be on or after validFrom", ErrorCode.OUT_OF_RANGE)


def _kinds(checks: Checks, session: Session, kinds: list[str] | None) -> list[str]:
    """The activity kinds, each a service item's code; REQUIRED when empty."""
    if kinds is None:
        return []
    path = ("input", "activityKinds")
    if len(kinds) > MAX_KINDS:
        checks.add(path, f"at most {MAX_KINDS} activity kinds", ErrorCode.TOO_LARGE)
        return []
    wanted = sorted({k.strip() for k in kinds if k.strip()})
    if not wanted:
        checks.add(path, "name at least one activity kind (a service item code)", ErrorCode.REQUIRED)
    else:
        known = set(session.scalars(select(models.ServiceItem.code).where(models.ServiceItem.code.in_(wanted))))
        unknown = [k for k in wanted if k not in known]
        if unknown:
            checks.add(path, f"no service item has the code {unknown[0]!r}", ErrorCode.NOT_FOUND)
    return wanted


def _volunteers(checks: Checks, ids: list[str] | None) -> list[int]:
    if not ids:
        return []
    if len(ids) > MAX_VOLUNTEERS:
        checks.add(("input", "volunteers"), f"at most {MAX_VOLUNTEERS} volunteers", ErrorCode.TOO_LARGE)
        return []
    rows = [checks.ref(g, "Volunteer", ("input", "volunteers", str(i))) for i, g in enumerate(ids)]
    return sorted({r.id for r in rows if r is not None})


def _whom(checks: Checks, team: Any, volunteers: list[str] | None) -> None:
    if team is None and not volunteers:
        checks.add(("input", "volunteers"), "name the volunteers covered, or a team", ErrorCode.REQUIRED)
    if team is not None and volunteers:
        checks.add(("input", "team"), "a policy covers a whole team or named volunteers, not both",
                   ErrorCode.INVALID)


def _load(session: Session, global_id: str) -> models.InsurancePolicy:
    policy: models.InsurancePolicy = globalid.load(session, global_id, "InsurancePolicy", POLICY, lock=True)
    return policy


def policy_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.InsurancePolicy:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        insurer = checks.name(data.insurer, ("input", "insurer"))
        number = checks.name(data.policy_number, ("input", "policyNumber"), max_length=64)
        team = checks.ref(data.team, "Team", ("input", "team"))
        volunteers = _volunteers(checks, data.volunteers)
        kinds = _kinds(checks, session, data.activity_kinds)
        _whom(checks, data.team, data.volunteers)
        _period(checks, data.valid_from, data.valid_until)
        checks.raise_if_any()
        if session.scalar(select(models.InsurancePolicy.id).where(
                models.InsurancePolicy.insurer == insurer, models.InsurancePolicy.policy_number == number)):
            raise abort(("input", "policyNumber"), "this insurer's policy with this number is entered already",
                        ErrorCode.DUPLICATE)
        policy = models.InsurancePolicy(unit_id=unit.id, insurer=insurer, policy_number=number,
                                        valid_from=data.valid_from, valid_until=data.valid_until,
                                        team_id=None if team is None else team.id, created_at=utcnow())
        session.add(policy)
        session.flush()
        session.add_all([models.InsurancePolicyKind(policy_id=policy.id, kind=k) for k in kinds])
        session.add_all([models.InsuredVolunteer(policy_id=policy.id, volunteer_id=v) for v in volunteers])
        session.flush()
        return policy

    return run_mutation(info, work, info.context.present.insurance_policy)


def policy_update(info: Info, data: Any) -> Outcome[Any]:
    """Change the period, kinds or whom a policy covers: only the fields given."""
    def work(session: Session) -> models.InsurancePolicy:
        checks = Checks(session)
        policy = _load(session, data.policy)
        if policy.withdrawn_at is not None:
            raise abort(POLICY, "the policy is withdrawn; enter a new one", ErrorCode.ILLEGAL_TRANSITION)
        kinds = _kinds(checks, session, data.activity_kinds)
        team = checks.ref(data.team, "Team", ("input", "team"))
        volunteers = _volunteers(checks, data.volunteers)
        if data.team is not None or data.volunteers is not None:
            _whom(checks, data.team, data.volunteers)
        start = data.valid_from if data.valid_from is not None else policy.valid_from
        end = data.valid_until if data.valid_until is not None else policy.valid_until
        _period(checks, start, end)
        checks.raise_if_any()
        policy.valid_from, policy.valid_until = start, end
        if data.activity_kinds is not None:
            _replace(session, models.InsurancePolicyKind, policy.id,
                     [models.InsurancePolicyKind(policy_id=policy.id, kind=k) for k in kinds])
        if data.team is not None or data.volunteers is not None:
            policy.team_id = None if team is None else team.id
            _replace(session, models.InsuredVolunteer, policy.id,
                     [models.InsuredVolunteer(policy_id=policy.id, volunteer_id=v) for v in volunteers])
        session.flush()
        return policy

    return run_mutation(info, work, info.context.present.insurance_policy)


def _replace(session: Session, model: Any, policy_id: int, rows: list[Any]) -> None:
    for old in session.scalars(select(model).where(model.policy_id == policy_id)):
        session.delete(old)
    session.flush()
    session.add_all(rows)


def policy_withdraw(info: Info, data: Any) -> Outcome[Any]:
    """The policy covers nothing from now on; it stays on record."""
    def work(session: Session) -> models.InsurancePolicy:
        policy = _load(session, data.policy)
        if policy.withdrawn_at is None:
            policy.withdrawn_at = utcnow()
        session.flush()
        return policy

    return run_mutation(info, work, info.context.present.insurance_policy)


def kinds_of(session: Session, policy_id: int) -> list[str]:
    return list(session.scalars(select(models.InsurancePolicyKind.kind)
                                .where(models.InsurancePolicyKind.policy_id == policy_id)
                                .order_by(models.InsurancePolicyKind.kind)))


def volunteers_of(session: Session, policy_id: int) -> list[int]:
    return list(session.scalars(select(models.InsuredVolunteer.volunteer_id)
                                .where(models.InsuredVolunteer.policy_id == policy_id)
                                .order_by(models.InsuredVolunteer.volunteer_id)))


@dataclass(frozen=True)
class Uninsured:
    """A task of the coming days whose volunteer no cover insures for its activity on its day."""

    assignment_id: int
    volunteer_id: int
    order_id: int
    activity: str
    day: dt.date


def uninsured_assignments(info: Info, scope: str, days: int, start_day: dt.date | None = None) -> list[Uninsured]:
    """OFFERED and ACCEPTED tasks on orders served in the scope's subtree, starting on `start_day`
    (today, local, when None) or one of the `days` - 1 days after, without a cover: neither the
    volunteer's own date nor a policy. The session's row criteria keep it to what the caller sees."""
    if not 1 <= days <= MAX_DAYS:
        raise ClientError(f"days must be within 1..{MAX_DAYS}", ErrorCode.OUT_OF_RANGE)
    session = info.context.session
    unit_pk = globalid.decode_as(scope, "Unit", ("scope",))
    unit = session.get(models.Unit, unit_pk)
    if unit is None:
        return []
    today = start_day or local_today()
    start = dt.datetime.combine(today, dt.time())
    end = start + dt.timedelta(days=days)
    A, Ord, V = models.Assignment, models.Order, models.Volunteer
    rows = session.execute(
        select(A.id, A.volunteer_id, Ord.id, models.ServiceItem.code, A.start, V.insurance_valid_until)
        .join(Ord, Ord.id == A.order_id).join(models.ServiceItem, models.ServiceItem.id == Ord.item_id)
        .join(V, V.id == A.volunteer_id).join(models.Unit, models.Unit.id == Ord.unit_id)
        .where(subtree_condition(unit.path), A.status.in_((AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)),
               A.start >= start, A.start < end)
        .order_by(A.start, A.id)).all()
    found = covers(session, {r[1] for r in rows}, {r[3] for r in rows}, today, today + dt.timedelta(days=days - 1))
    out = []
    for aid, vid, oid, kind, begin, own in rows:
        day = begin.date()
        if (own is None or own < day) and not covered(found.get(vid, []), kind, day):
            out.append(Uninsured(aid, vid, oid, kind, day))
    return out
