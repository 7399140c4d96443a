"""Change requests (资质变更申请): what a volunteer may not change himself (skills and levels,
domains, insurance, limits, status, unit: STAFF_ONLY_FIELDS) he asks staff to change, with the
workflow of resolvers/core/proposals.py.

The request holds the proposed values as the GraphQL input names them (global IDs, ISO dates) and
is checked like `volunteerUpdate` when filed. A unit admin over the volunteer's unit (another
account than the volunteer's) approves it: the values go through `volunteerUpdate`'s own path
(update_volunteer: every check again, the write rules of the volunteer's rows) and the request
keeps the values they replaced. Or he declines it with a reason; the volunteer may withdraw it.
One request per volunteer is pending at a time.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import RequestState, ServiceDomain, VolunteerStatus
from resolvers.access.forces import STAFF_ONLY_FIELDS
from resolvers.core import proposals
from resolvers.core.errors import ErrorCode
from resolvers.core.globalid import encode
from resolvers.core.mutation import Outcome, run
from resolvers.core.validation import Checks
from resolvers.forces.volunteer_mutations import check_staff_fields, update_volunteer

if TYPE_CHECKING:
    from resolvers.core.context import Info

REQUEST = ("input", "requestId")
_DATE = "insurance_valid_until"
_ENUMS: dict[str, Any] = {"status": VolunteerStatus}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _proposed(data: Any) -> dict[str, Any]:
    """The staff-only fields given in `data`, as JSON under their GraphQL names."""
    out: dict[str, Any] = {}
    for attr, field in STAFF_ONLY_FIELDS.items():
        value = getattr(data, attr)
        if value is None:
            continue
        if attr == "skills":
            value = [{"skill": str(e.skill), "level": e.level, "certifiedUntil": _day(e.certified_until)}
                     for e in value]
        elif attr == "domains":
            value = [str(d) for d in value]
        elif attr == _DATE:
            value = _day(value)
        elif attr in _ENUMS or attr == "unit":
            value = str(value)
        out[field] = value
    return out


def _update_input(volunteer_id: int, proposed: dict[str, Any]) -> Any:
    """The volunteerUpdate input that applies `proposed` (every other field left unchanged)."""
    data = SimpleNamespace(id=encode("Volunteer", volunteer_id), name=None, phone=None, home_location=None,
                           weekly=None, **dict.fromkeys(STAFF_ONLY_FIELDS))
    for attr, field in STAFF_ONLY_FIELDS.items():
        value = proposed.get(field)
        if value is None:
            continue
        if attr == "skills":
            value = [SimpleNamespace(skill=e["skill"], level=e["level"], certified_until=(
                dt.date.fromisoformat(e["certifiedUntil"]) if e.get("certifiedUntil") else None)) for e in value]
        elif attr == "domains":
            value = [ServiceDomain(d) for d in value]
        elif attr == _DATE:
            value = dt.date.fromisoformat(value)
        elif attr in _ENUMS:
            value = _ENUMS[attr](value)
        setattr(data, attr, value)
    return data


def _current(session: Session, volunteer: models.Volunteer, fields: set[str]) -> dict[str, Any]:
    """The volunteer's values of the GraphQL `fields`, in the shape of `_proposed` (the audit's 'before')."""
    out: dict[str, Any] = {}
    for attr, field in STAFF_ONLY_FIELDS.items():
        if field not in fields:
            continue
        if attr == "skills":
            rows = session.scalars(select(models.VolunteerSkill).where(
                models.VolunteerSkill.volunteer_id == volunteer.id).order_by(models.VolunteerSkill.skill_id))
            out[field] = [{"skill": str(encode("Skill", r.skill_id)), "level": r.level,
                           "certifiedUntil": _day(r.certified_until)} for r in rows]
        elif attr == "domains":
            out[field] = sorted(str(d) for d in session.scalars(select(models.VolunteerDomain.domain).where(
                models.VolunteerDomain.volunteer_id == volunteer.id)))
        elif attr == "unit":
            out[field] = str(encode("Unit", volunteer.unit_id))
        elif attr == _DATE:
            out[field] = _day(volunteer.insurance_valid_until)
        else:
            value = getattr(volunteer, attr)
            out[field] = str(value) if attr in _ENUMS and value is not None else value
    return out


def volunteer_change_request(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.VolunteerChangeRequest:
        checks = Checks(session)
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        checks.raise_if_any()
        proposals.acting_for(info, volunteer.id, ("input", "volunteer"))
        check_staff_fields(checks, data)
        proposed = _proposed(data)
        if not proposed:
            checks.add(("input",), "name at least one change (skills, domains, insurance, limits, status, unit)",
                       ErrorCode.REQUIRED)
        request = proposals.filed(info, models.VolunteerChangeRequest(volunteer_id=volunteer.id, proposed=proposed),
                                  data.note, checks)
        checks.raise_if_any()
        proposals.refuse_second(session, models.VolunteerChangeRequest, ("input", "volunteer"),
                                models.VolunteerChangeRequest.volunteer_id == volunteer.id)
        session.add(request)
        session.flush()
        return request

    return run(info, work, info.context.present.volunteer_change_request)


def volunteer_change_request_approve(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.VolunteerChangeRequest:
        request = proposals.pending(session, data.request_id, "VolunteerChangeRequest", REQUEST)
        note = Checks(session).text(data.note, ("input", "note"))
        proposals.decide(info, request, RequestState.APPROVED, note, REQUEST)
        volunteer = session.get(models.Volunteer, request.volunteer_id)
        assert volunteer is not None  # the request was read in scope, so was its volunteer
        request.previous = _current(session, volunteer, set(request.proposed))
        update_volunteer(session, info.context.auth.caller, _update_input(volunteer.id, request.proposed))
        session.flush()
        return request

    return run(info, work, info.context.present.volunteer_change_request)


def volunteer_change_request_decline(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.VolunteerChangeRequest:
        reason = proposals.decline_reason(session, data.reason)
        request = proposals.pending(session, data.request_id, "VolunteerChangeRequest", REQUEST)
        proposals.decide(info, request, RequestState.DECLINED, reason, REQUEST)
        session.flush()
        return request

    return run(info, work, info.context.present.volunteer_change_request)


def volunteer_change_request_withdraw(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.VolunteerChangeRequest:
        request = proposals.pending(session, data.request_id, "VolunteerChangeRequest", REQUEST)
        proposals.withdraw(info, request, REQUEST)
        session.flush()
        return request

    return run(info, work, info.context.present.volunteer_change_request)


def change_requests(info: Info, state: RequestState | None, first: int | None, after: str | None) -> Any:
    """The change requests the caller may read (his own; staff: their volunteers'), oldest first."""
    return proposals.listed(info, models.VolunteerChangeRequest, state,
                            info.context.present.volunteer_change_request, first, after)
