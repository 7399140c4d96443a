"""Mutations of volunteers: register and update, with skills, domains and weekly availability.

The national ID number is validated and reduced to its fingerprint and tail (db/identity.py)
before anything else sees it; it is never stored, logged or echoed in a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, insert, text
from sqlalchemy.orm import Session

from db import models
from db.enums import VolunteerStatus
from db.errors import IdNumberError
from db.identity import StoredIdNumber, prepare_id_number
from resolvers.access.forces import STAFF_ONLY_FIELDS, is_staff_over
from resolvers.core.errors import ErrorCode
from resolvers.core.mutation import Outcome, db_problem, run
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

MINUTES_PER_DAY = 1440


def _limits(checks: Checks, data: Any) -> None:
    checks.in_range(data.max_travel_km, 0, None, ("input", "maxTravelKm"))
    checks.in_range(data.max_tasks_per_day, 0, None, ("input", "maxTasksPerDay"))
    checks.in_range(data.max_minutes_per_day, 0, MINUTES_PER_DAY, ("input", "maxMinutesPerDay"))


def _skills(checks: Checks, skills: Sequence[Any]) -> list[tuple[int, int, Any]]:
    """(skill id, level, certified until) for each valid entry; duplicates are problems."""
    out: list[tuple[int, int, Any]] = []
    seen: set[int] = set()
    for i, entry in enumerate(skills):
        path = ("input", "skills", str(i))
        skill = checks.ref(entry.skill, "Skill", (*path, "skill"))
        checks.in_range(entry.level, 1, 5, (*path, "level"))
        if skill is not None:
            if skill.id in seen:
                checks.add((*path, "skill"), "this skill is listed twice", ErrorCode.DUPLICATE)
            seen.add(skill.id)
            out.append((skill.id, entry.level, entry.certified_until))
    return out


def _weekly(checks: Checks, windows: Sequence[Any]) -> None:
    for i, window in enumerate(windows):
        path = ("input", "weekly", str(i))
        checks.in_range(window.weekday, 0, 6, (*path, "weekday"))
        checks.in_range(window.start_minute, 0, MINUTES_PER_DAY - 1, (*path, "startMinute"))
        checks.in_range(window.end_minute, 1, MINUTES_PER_DAY, (*path, "endMinute"))
        if window.end_minute <= window.start_minute:
            checks.add((*path, "endMinute"), "endMinute must be after startMinute", ErrorCode.OUT_OF_RANGE)


def _write_details(session: Session, volunteer_id: int, skills: list[tuple[int, int, Any]] | None,
                   domains: Sequence[Any] | None, weekly: Sequence[Any] | None, *, new: bool = False) -> None:
    """Replace the volunteer's skills, domains and weekly windows with the given lists (None: keep);
    a `new` volunteer has none to delete."""
    if skills is not None:
        if not new:
            session.execute(delete(models.VolunteerSkill).where(models.VolunteerSkill.volunteer_id == volunteer_id))
        session.add_all(models.VolunteerSkill(volunteer_id=volunteer_id, skill_id=skill_id, level=level,
                                              certified_until=until) for skill_id, level, until in skills)
    if domains is not None:
        if not new:
            session.execute(delete(models.VolunteerDomain).where(models.VolunteerDomain.volunteer_id == volunteer_id))
        session.add_all(models.VolunteerDomain(volunteer_id=volunteer_id, domain=d) for d in dict.fromkeys(domains))
    if weekly is not None:
        if not new:
            session.execute(
                delete(models.AvailabilityWindow).where(models.AvailabilityWindow.volunteer_id == volunteer_id))
        session.add_all(models.AvailabilityWindow(volunteer_id=volunteer_id, weekday=w.weekday,
                                                  start_minute=w.start_minute, end_minute=w.end_minute)
                        for w in weekly)
    session.flush()


def check_registration(checks: Checks, secret_key: str, data: Any, *, unique: bool = True,
                       stored_id: StoredIdNumber | None = None
                       ) -> tuple[dict[str, Any], list[tuple[int, int, Any]]] | None:
    """volunteerRegister's checks of `data`: the new volunteer's columns and its skills, or None
    with the problems in `checks`. For a caller that checks many rows at once (the roster import):
    `unique=False` leaves out the two look-ups of an already registered volunteer number and ID
    number (the database's unique constraints hold either way), and `stored_id` is the ID number
    as that caller prepared it already (prepare_id_number)."""
    number = checks.name(data.volunteer_number, ("input", "volunteerNumber"), max_length=64)
    if unique:
        checks.unique(models.Volunteer.volunteer_number, number, ("input", "volunteerNumber"), "volunteer")
    name = checks.name(data.name, ("input", "name"))
    phone = checks.phone(data.phone, ("input", "phone"), required=True)
    stored = stored_id
    if stored is None:
        try:
            stored = prepare_id_number(data.id_number, secret_key)
        except IdNumberError as exc:
            checks.problems.append(db_problem(exc, ("input", "idNumber")))
    if stored is not None and unique:
        checks.unique(models.Volunteer.id_number_fingerprint, stored.fingerprint, ("input", "idNumber"),
                      "volunteer")
    checks.location(data.home_location, ("input", "homeLocation"))
    unit = checks.ref(data.unit, "Unit", ("input", "unit"))
    _limits(checks, data)
    skills = _skills(checks, data.skills)
    _weekly(checks, data.weekly)
    if checks.problems:
        return None
    assert stored is not None and unit is not None
    columns = {
        "volunteer_number": number, "name": name, "phone": phone, "id_number_fingerprint": stored.fingerprint,
        "id_number_tail": stored.tail, "home_lat": data.home_location.lat, "home_lon": data.home_location.lon,
        "unit_id": unit.id, "insurance_valid_until": data.insurance_valid_until, "status": VolunteerStatus.ACTIVE,
        "max_travel_km": data.max_travel_km, "max_tasks_per_day": data.max_tasks_per_day,
        "max_minutes_per_day": data.max_minutes_per_day, "synthetic": data.synthetic,
    }
    return columns, skills


def register_volunteer(session: Session, secret_key: str, data: Any) -> models.Volunteer:
    """The volunteerRegister path: every check, then the write."""
    checks = Checks(session)
    checked = check_registration(checks, secret_key, data)
    checks.raise_if_any()
    assert checked is not None
    columns, skills = checked
    volunteer = models.Volunteer(**columns)
    session.add(volunteer)
    session.flush()
    _write_details(session, volunteer.id, skills, data.domains, data.weekly, new=True)
    return volunteer


def _new_ids(session: Session, table: Any, count: int) -> list[int] | None:
    """On PostgreSQL, `count` ids drawn from `table`'s sequence, so that its rows go in as one
    prepared INSERT executed many times (psycopg's pipeline) rather than as long statements of a
    thousand rows each, which the driver parses in Python; elsewhere None (RETURNING is cheap)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    statement = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")
    return list(connection.execute(statement, {"table": table.name, "count": count}).scalars())


def insert_volunteers(session: Session, registrations: Sequence[tuple[dict[str, Any], list[tuple[int, int, Any]],
                                                                         Sequence[Any], Sequence[Any]]]) -> list[int]:
    """Write many checked registrations (check_registration's columns and skills, the domains and
    weekly windows) at once: one INSERT of the volunteers and one per kind of detail row (of the
    tables: Core's executemany, without the ORM's work per row), through the session, so the
    access policy checks their rows as it checks flushed objects. The new volunteers' ids, in order."""
    if not registrations:
        return []
    rows = [columns for columns, *_ in registrations]
    ids = _new_ids(session, models.Volunteer.__table__, len(rows))
    table: Table = models.Volunteer.__table__  # type: ignore[assignment]
    if ids is None:
        ids = list(session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    else:
        session.execute(insert(table), [{**row, "id": pk} for row, pk in zip(rows, ids, strict=True)])
    skills = [{"volunteer_id": pk, "skill_id": skill_id, "level": level, "certified_until": until}
              for pk, (_, checked, _, _) in zip(ids, registrations, strict=True) for skill_id, level, until in checked]
    domains = [{"volunteer_id": pk, "domain": domain}
               for pk, (_, _, wanted, _) in zip(ids, registrations, strict=True) for domain in dict.fromkeys(wanted)]
    weekly = [{"volunteer_id": pk, "weekday": w.weekday, "start_minute": w.start_minute, "end_minute": w.end_minute}
              for pk, (_, _, _, windows) in zip(ids, registrations, strict=True) for w in windows]
    for model, detail in ((models.VolunteerSkill, skills), (models.VolunteerDomain, domains),
                          (models.AvailabilityWindow, weekly)):
        if detail:
            session.execute(insert(model.__table__), detail)  # type: ignore[arg-type]
    return ids


def volunteer_register(info: Info, data: Any) -> Outcome[Any]:
    secret_key = info.context.settings.secret_key
    return run(info, lambda session: register_volunteer(session, secret_key, data), info.context.present.volunteer)


def check_staff_fields(checks: Checks, data: Any) -> tuple[Any, list[tuple[int, int, Any]] | None]:
    """Validate the staff-only fields of `data` (STAFF_ONLY_FIELDS): (the unit named, the skills)."""
    unit = checks.ref(data.unit, "Unit", ("input", "unit"))
    _limits(checks, data)
    skills = _skills(checks, data.skills) if data.skills is not None else None
    return unit, skills


def update_volunteer(session: Session, caller: Any, data: Any) -> models.Volunteer:
    """The volunteerUpdate path: every check, then the write (also approved change requests' path)."""
    checks = Checks(session)
    volunteer = checks.ref(data.id, "Volunteer", ("input", "id"))
    name = checks.name(data.name, ("input", "name")) if data.name is not None else None
    phone = checks.phone(data.phone, ("input", "phone"), required=True) if data.phone is not None else None
    if data.home_location is not None:
        checks.location(data.home_location, ("input", "homeLocation"))
    unit, skills = check_staff_fields(checks, data)
    if data.weekly is not None:
        _weekly(checks, data.weekly)
    checks.raise_if_any()
    assert volunteer is not None
    if not is_staff_over(session, caller, volunteer):
        for attr, field in STAFF_ONLY_FIELDS.items():
            if getattr(data, attr) is not None:
                checks.add(("input", field), f"{field} changes only through staff of the volunteer's unit: "
                           "ask them with volunteerChangeRequest", ErrorCode.FORBIDDEN)
        checks.raise_if_any()
    if name is not None:
        volunteer.name = name
    if phone is not None:
        volunteer.phone = phone
    if data.home_location is not None:
        volunteer.home_lat, volunteer.home_lon = data.home_location.lat, data.home_location.lon
    if unit is not None:
        volunteer.unit_id = unit.id
    for attr in ("status", "insurance_valid_until", "max_travel_km", "max_tasks_per_day", "max_minutes_per_day"):
        value = getattr(data, attr)
        if value is not None:
            setattr(volunteer, attr, value)
    session.flush()
    _write_details(session, volunteer.id, skills, data.domains, data.weekly)
    return volunteer


def volunteer_update(info: Info, data: Any) -> Outcome[Any]:
    return run(info, lambda session: update_volunteer(session, info.context.auth.caller, data),
               info.context.present.volunteer)
