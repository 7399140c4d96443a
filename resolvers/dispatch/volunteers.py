"""The volunteers of a dispatch problem, read in bulk (resolvers/dispatch/problem.py uses this).

Eligible: ACTIVE, holding at least one skill the orders need, and a member of a provider team of
the orders' items (when every item names provider teams). Volunteers named explicitly (`only`,
when a dispatcher's edit is re-checked) need only be ACTIVE: the engine's rules then say what is
wrong with them. Seven Core statements whatever the number of volunteers: the skill ids, the
eligible volunteers, those of them who declared no weekly window, their needed skills,
provider-team memberships, weekly windows on the period's weekdays, dated exceptions around it.

Skills that require a certificate (`Skill.requires_certificate`) come from certificates only
(resolvers/training/eligibility.py: one more statement), each naming its certificate
(`Candidate.certificates`) for the explanation; a holder of such a certificate is eligible as a
holder of the skill is.

Availability: weekly windows plus dated extra windows minus dated absences. A volunteer who
declared no window at all is available at any time (the matching contract's "no availability"),
minus their absences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, or_, select, true
from sqlalchemy.orm import Session

import matching as m
from db import models
from db.enums import VolunteerStatus
from resolvers.training.eligibility import certified_skills

COMMITMENT_SKILL = "__commitment__"
ALL_WEEK = tuple(m.WeeklyWindow(day, 0, 1440) for day in range(7))


@dataclass
class Candidate:
    """One eligible volunteer's rows, gathered before conversion to `matching.Volunteer`."""

    id: int
    lat: float
    lon: float
    insurance: dt.date | None
    max_km: float | None
    tasks_per_day: int | None
    minutes_per_day: int | None
    skills: list[m.SkillLevel] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    weekly: list[m.WeeklyWindow] = field(default_factory=list)
    dated: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    absences: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    declared_windows: bool = True  # has weekly windows at all (perhaps none on the period's weekdays)
    certificates: dict[str, str] = field(default_factory=dict)  # skill code -> the words naming its certificate


def load_volunteers(session: Session, orders: list[models.Order], needs: dict[int, list[Any]],
                    providers: dict[int, list[tuple[int, str]]], only: Iterable[int] | None,
                    date_from: dt.date, date_to: dt.date, grace_days: int = 0) -> dict[int, Candidate]:
    """Eligible volunteers by id (see the module docstring); `grace_days`: how long an expired
    certificate still counts."""
    items = {o.item_id for o in orders if needs.get(o.item_id)}
    codes = sorted({need[0] for i in items for need in needs[i]})
    if not codes:
        return {}
    flags = session.execute(select(models.Skill.id, models.Skill.requires_certificate)
                            .where(models.Skill.code.in_(codes))).all()
    plain_ids = [pk for pk, certified in flags if not certified]  # counted from the volunteers' skill rows
    certified_ids = [pk for pk, certified in flags if certified]  # counted from certificates only
    team_ids = sorted({tid for i in items for tid, _ in providers.get(i, [])})
    eligible = select(models.Volunteer.id).where(models.Volunteer.status == VolunteerStatus.ACTIVE)
    if only is not None:  # named volunteers are checked, not filtered: the rules then say what is wrong
        eligible = eligible.where(models.Volunteer.id.in_(sorted(set(only))))
    else:
        eligible = eligible.where(or_(
            exists().where(models.VolunteerSkill.volunteer_id == models.Volunteer.id,
                           models.VolunteerSkill.skill_id.in_(plain_ids)),
            exists().where(models.Certificate.volunteer_id == models.Volunteer.id,
                           models.Certificate.skill_id.in_(certified_ids))))
        if all(providers.get(i) for i in items):
            eligible = eligible.where(models.Volunteer.id.in_(
                select(models.TeamMembership.volunteer_id).where(models.TeamMembership.team_id.in_(team_ids))))
    V = models.Volunteer
    out: dict[int, Candidate] = {
        row[0]: Candidate(*row) for row in session.execute(
            select(V.id, V.home_lat, V.home_lon, V.insurance_valid_until, V.max_travel_km, V.max_tasks_per_day,
                   V.max_minutes_per_day).where(V.id.in_(eligible)).order_by(V.id))}
    aw = models.AvailabilityWindow
    for vid in session.scalars(select(V.id).where(V.id.in_(eligible), ~exists().where(aw.volunteer_id == V.id))):
        out[vid].declared_windows = False
    # The details are selected by cheap conditions (needed skills, provider teams, the period's
    # weekdays and dates) and kept for the eligible volunteers here, rather than evaluating the
    # eligibility subquery again in each statement; a short explicit list is filtered in SQL.
    def mine(column: Any) -> Any:
        return column.in_(sorted(out)) if only is not None else true()

    vs = models.VolunteerSkill
    for vid, code, level, until in session.execute(
            select(vs.volunteer_id, models.Skill.code, vs.level, vs.certified_until)
            .join(models.Skill, models.Skill.id == vs.skill_id)
            .where(vs.skill_id.in_(plain_ids), mine(vs.volunteer_id)).order_by(vs.volunteer_id, vs.id)):
        if vid in out:
            out[vid].skills.append(m.SkillLevel(code, level, until))
    for vid, held in certified_skills(session, certified_ids, grace_days,
                                      sorted(out) if only is not None else None).items():
        if vid in out:
            for code, h in held.items():
                out[vid].skills.append(m.SkillLevel(code, h.level, h.counts_until))
                out[vid].certificates[code] = h.words()
    tm = models.TeamMembership
    for vid, code in session.execute(
            select(tm.volunteer_id, models.Team.code).join(models.Team, models.Team.id == tm.team_id)
            .where(tm.team_id.in_(team_ids), mine(tm.volunteer_id)).order_by(tm.volunteer_id, tm.id)):
        if vid in out:
            out[vid].teams.append(code)
    days = (date_to - date_from).days + 1
    weekdays = sorted({(date_from + dt.timedelta(days=d)).weekday() for d in range(min(days, 7))})
    for vid, weekday, first_minute, last_minute in session.execute(
            select(aw.volunteer_id, aw.weekday, aw.start_minute, aw.end_minute)
            .where(aw.weekday.in_(weekdays), mine(aw.volunteer_id)).order_by(aw.volunteer_id, aw.id)):
        if vid in out:
            out[vid].weekly.append(m.WeeklyWindow(weekday, first_minute, last_minute))
    period_start = dt.datetime.combine(date_from, dt.time()) - dt.timedelta(days=1)
    period_end = dt.datetime.combine(date_to, dt.time()) + dt.timedelta(days=2)
    ae = models.AvailabilityException
    for vid, start, end, available in session.execute(
            select(ae.volunteer_id, ae.start, ae.end, ae.available)
            .where(ae.end > period_start, ae.start < period_end, mine(ae.volunteer_id))
            .order_by(ae.volunteer_id, ae.id)):
        if vid in out:
            (out[vid].dated if available else out[vid].absences).append((start, end))
    return out


def _minutes(span: tuple[dt.datetime, dt.datetime], origin: dt.datetime) -> tuple[int, int]:
    return (int((span[0] - origin).total_seconds() // 60), int((span[1] - origin).total_seconds() // 60))


def to_matching(c: Candidate, pins: tuple[str, ...], extra: list[tuple[int, int]], origin: dt.datetime,
                forbidden: tuple[str, ...] = ()) -> m.Volunteer:
    """The engine's volunteer: `pins` are requests it must keep, `extra` minutes added as available,
    `forbidden` requests it must never get."""
    skills = list(c.skills)
    if any(p.startswith("C") for p in pins):
        skills.append(m.SkillLevel(COMMITMENT_SKILL, 1))
    dated = [_minutes(s, origin) for s in c.dated]
    absences = [_minutes(s, origin) for s in c.absences]
    if not c.declared_windows and not dated and not absences:
        availability = None
    else:
        weekly = tuple(c.weekly) if (c.declared_windows or dated) else ALL_WEEK
        availability = m.Availability(weekly, tuple(dated + extra), tuple(absences))
    return m.Volunteer(
        f"V{c.id}", c.lat, c.lon, skills=tuple(skills), teams=tuple(c.teams), availability=availability,
        limits=m.Limits(tasks_per_day=c.tasks_per_day, minutes_per_day=c.minutes_per_day),
        max_travel_km=c.max_km, insurance_valid_until=c.insurance, pinned=pins,
        forbidden=forbidden)
