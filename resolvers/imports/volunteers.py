"""The volunteer roster (志愿者花名册): one row per volunteer, keyed by the volunteer number.

Rows are written a chunk at a time (framework.CHUNK_ROWS): what they name is read in one query
per chunk, a new volunteer number is checked by `check_registration` (volunteerRegister's checks)
and the chunk's new volunteers inserted together (`insert_volunteers`), a known one updated
through `update_volunteer` (volunteerUpdate's path) with only the fields that differ, so
re-importing the same file changes nothing and every check of the API applies: the ID
number (format, region, birth date, checksum, already registered), the phone, coordinates, skill
levels, limits, weekly windows, and the access policy of the caller's session (a unit admin
writes only volunteers of his subtree). A blank optional cell keeps what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from db import models
from db.enums import ServiceDomain
from db.errors import IdNumberError
from db.identity import StoredIdNumber, normalise_id_number, prepare_id_number
from resolvers.access.policy import WRITES
from resolvers.access.rules import Check
from resolvers.core import globalid
from resolvers.core.errors import ErrorCode, MutationAborted, Problem
from resolvers.core.mutation import db_problem
from resolvers.core.validation import Checks
from resolvers.forces.volunteer_mutations import check_registration, insert_volunteers, update_volunteer
from resolvers.imports.framework import (
    CREATED,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    ImportContext,
    Kind,
    Written,
    among,
    guarded,
    refused,
)

_LIST = re.compile(r"[;；,，、\n]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_WINDOW = re.compile(r"^(\S+?)\s*(\d{1,2}):(\d{2})\s*[-~～至]\s*(\d{1,2}):(\d{2})$")
_WEEKDAYS = {**{str(i): i for i in range(7)},
             **{f"{p}{d}": i for p in ("周", "星期") for i, d in enumerate("一二三四五六日")},
             "周天": 6, "星期天": 6}


#: an ID number as exported (db.identity.mask_id_number): 14 asterisks and the last four
_MASKED = re.compile(r"^\*{14}([0-9X]{4})$")


def _unique_id_number(text: str) -> str | None:
    """The ID number a row names, for the in-file repeat check (None: masked, not compared)."""
    number = normalise_id_number(text)
    return None if _MASKED.match(number) else number


def parse_date(text: str) -> date:
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError("is not a date: write it as 2027-06-30") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CellError("is not a number") from None


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CellError("is not a whole number") from None


def parse_skills(text: str) -> list[tuple[str, int, date | None]]:
    """`first-aid:3; counselling:2:2027-06-30` -> [(skill code, level, certified until)]."""
    out = []
    for part in _LIST.split(text):
        if not part.strip():
            continue
        pieces = [p.strip() for p in re.split(r"[:：]", part)]
        if len(pieces) not in (2, 3) or not pieces[0]:
            raise CellError("lists skills as code:level, or code:level:certified-until, separated by ';'")
        level = _whole(pieces[1])
        until = parse_date(pieces[2]) if len(pieces) == 3 else None
        out.append((pieces[0], level, until))
    return out


def parse_domains(text: str) -> list[ServiceDomain]:
    out = []
    for part in _LIST.split(text):
        name = part.strip().upper()
        if not name:
            continue
        if name not in ServiceDomain.__members__:
            raise CellError(f"names a service domain that does not exist: use {', '.join(ServiceDomain.__members__)}",
                            ErrorCode.NOT_FOUND)
        out.append(ServiceDomain[name])
    return out


def parse_weekly(text: str) -> list[tuple[int, int, int]]:
    """`周一 08:00-12:00; 3 14:00-18:00` -> [(weekday 0..6, start minute, end minute)]."""
    out = []
    for part in _LIST.split(text):
        if not part.strip():
            continue
        match = _WINDOW.match(part.strip())
        if match is None or match[1] not in _WEEKDAYS:
            raise CellError("lists windows as 周一 08:00-12:00 (or 0..6 for Monday..Sunday), separated by ';'")
        start, end = int(match[2]) * 60 + int(match[3]), int(match[4]) * 60 + int(match[5])
        out.append((_WEEKDAYS[match[1]], start, end))
    return out


COLUMNS = (
    Column("volunteer_number", "志愿者编号", True, fields=("volunteerNumber",), note="统一志愿者编号; the natural key",
           example="PZ-V000123"),
    Column("name", "姓名", True, fields=("name",), example="王芳"),
    Column("id_number", "身份证号", True, fields=("idNumber",),
           note="18 characters, entered as text (an Excel number loses digits); only a fingerprint is stored. "
                "As exported (**************123X) it names the volunteer registered under the number",
           example="110105194912310021"),
    Column("phone", "手机号", True, fields=("phone",), example="13812345678"),
    Column("unit", "所属站点编码", True, fields=("unit",), note="the code of the volunteer's station (or other unit)",
           example="PZ-S0101"),
    Column("lat", "住址纬度", True, _number, fields=("homeLocation.lat",), example="34.31"),
    Column("lon", "住址经度", True, _number, fields=("homeLocation.lon",), example="117.95"),
    Column("skills", "技能", parse=parse_skills, fields=("skills",),
           note="skill code:level 1..5[:certified until], separated by ';'", example="first-aid:3;doctor:2:2027-06-30"),
    Column("domains", "服务领域", parse=parse_domains, fields=("domains",), note="service domains, separated by ';'",
           example="HEALTH;EDUCATION"),
    Column("weekly", "每周可服务时段", parse=parse_weekly, fields=("weekly",),
           note="weekday (周一..周日 or 0..6) and hours, separated by ';'",
           example="周六 08:00-12:00;周日 14:00-18:00"),
    Column("insurance_valid_until", "保险有效期至", parse=parse_date, fields=("insuranceValidUntil",),
           example="2027-06-30"),
    Column("max_travel_km", "最远服务距离公里", parse=_number, fields=("maxTravelKm",), example="10"),
    Column("max_tasks_per_day", "每日最多任务数", parse=_whole, fields=("maxTasksPerDay",), example="2"),
    Column("max_minutes_per_day", "每日最多服务分钟", parse=_whole, fields=("maxMinutesPerDay",),
           example="240"),
)


@dataclass(frozen=True)
class _Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class _Skill:
    skill: str
    level: int
    certified_until: date | None


@dataclass(frozen=True)
class _Window:
    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class _Register:
    """volunteerRegister's input, from a row."""

    volunteer_number: str
    name: str
    phone: str
    id_number: str
    home_location: _Location
    unit: str
    insurance_valid_until: date | None
    max_travel_km: float | None
    max_tasks_per_day: int | None
    max_minutes_per_day: int | None
    skills: list[_Skill]
    domains: list[ServiceDomain]
    weekly: list[_Window]
    synthetic: bool = False


@dataclass(frozen=True)
class _Update:
    """volunteerUpdate's input: None keeps the stored value."""

    id: str
    name: str | None = None
    phone: str | None = None
    home_location: _Location | None = None
    unit: str | None = None
    status: Any = None
    insurance_valid_until: date | None = None
    max_travel_km: float | None = None
    max_tasks_per_day: int | None = None
    max_minutes_per_day: int | None = None
    skills: list[_Skill] | None = None
    domains: list[ServiceDomain] | None = None
    weekly: list[_Window] | None = None


def _by_code(context: ImportContext, model: Any, codes: Iterable[str]) -> dict[str, Any]:
    """The rows of `model` (units, skills) by code, read once per import (one query per chunk for
    the codes not read yet); an unknown code maps to None."""
    cache: dict[str, Any] = context.cache.setdefault(model.__tablename__, {})
    missing = {code for code in codes if code not in cache}
    if missing:
        rows = context.session.scalars(select(model).where(among(context.session, model.code, missing)))
        found = {row.code: row for row in rows}
        cache.update({code: found.get(code) for code in missing})
    return cache


def _global_id(context: ImportContext, type_name: str, pk: int) -> str:
    """The global ID of a unit or skill (the API's write paths take those), encoded once an import."""
    cache: dict[tuple[str, int], str] = context.cache.setdefault("global ids", {})
    key = (type_name, pk)
    if key not in cache:
        cache[key] = globalid.encode(type_name, pk)
    return cache[key]


def _resolve(context: ImportContext, v: dict[str, Any]) -> tuple[Any, list[_Skill] | None]:
    """The unit and the skills the row names by code (read by `_by_code` for the chunk); unknown
    ones (and a unit outside the import's scope) are problems at their columns."""
    problems: list[Problem] = []
    unit = context.cache["units"][v["unit"]]
    if unit is None:
        problems.append(Problem(("input", "unit"), "no unit has this code", ErrorCode.NOT_FOUND))
    elif context.scope is not None and not unit.path.startswith(context.scope.path):
        problems.append(Problem(("input", "unit"), "the unit is outside the import's scope", ErrorCode.FORBIDDEN))
    skills = None
    if v["skills"] is not None:
        skills = []
        for i, (code, level, until) in enumerate(v["skills"]):
            skill = context.cache["skills"][code]
            if skill is None:
                problems.append(Problem(("input", "skills", str(i), "skill"), f"skill {i + 1}: no skill has this code",
                                        ErrorCode.NOT_FOUND))
            else:
                skills.append(_Skill(_global_id(context, "Skill", skill.id), level, until))
    if problems:
        raise MutationAborted(problems)
    return unit, skills


def _weekly(v: dict[str, Any]) -> list[_Window] | None:
    return None if v["weekly"] is None else [_Window(*w) for w in v["weekly"]]


#: what a row is compared with (columns, not ORM objects: an update loads its volunteer itself)
_COMPARED = tuple(getattr(models.Volunteer, key) for key in (
    "id", "volunteer_number", "id_number_fingerprint", "id_number_tail", "name", "phone", "home_lat", "home_lon",
    "unit_id", "insurance_valid_until", "max_travel_km", "max_tasks_per_day", "max_minutes_per_day"))
_DETAILS = {
    "skills": (models.VolunteerSkill.volunteer_id, models.VolunteerSkill.skill_id, models.VolunteerSkill.level,
               models.VolunteerSkill.certified_until),
    "domains": (models.VolunteerDomain.volunteer_id, models.VolunteerDomain.domain),
    "weekly": (models.AvailabilityWindow.volunteer_id, models.AvailabilityWindow.weekday,
               models.AvailabilityWindow.start_minute, models.AvailabilityWindow.end_minute),
}


def _details(context: ImportContext, volunteer_ids: list[int]) -> dict[str, dict[int, set[tuple[Any, ...]]]]:
    """The stored skills, domains and weekly windows of these volunteers: one query per kind."""
    out: dict[str, dict[int, set[tuple[Any, ...]]]] = {name: {} for name in _DETAILS}
    if volunteer_ids:
        for name, columns in _DETAILS.items():
            statement = select(*columns).where(among(context.session, columns[0], volunteer_ids))
            for owner, *rest in context.session.execute(statement):
                out[name].setdefault(int(owner), set()).add(tuple(rest))  # type: ignore[arg-type]
    return out


def _changes(volunteer: Any, unit: Any, skills: list[_Skill] | None, v: dict[str, Any],
             details: dict[str, dict[int, set[tuple[Any, ...]]]]) -> dict[str, Any]:
    """The update's fields that differ from what is stored (none: the row is unchanged)."""
    changes: dict[str, Any] = {}
    if v["name"].strip() != volunteer.name:
        changes["name"] = v["name"]
    if v["phone"].strip() != volunteer.phone:
        changes["phone"] = v["phone"]
    if (v["lat"], v["lon"]) != (volunteer.home_lat, volunteer.home_lon):
        changes["home_location"] = _Location(v["lat"], v["lon"])
    if unit.id != volunteer.unit_id:
        changes["unit"] = globalid.encode("Unit", unit.id)
    for key in ("insurance_valid_until", "max_travel_km", "max_tasks_per_day", "max_minutes_per_day"):
        if v[key] is not None and v[key] != getattr(volunteer, key):
            changes[key] = v[key]
    if skills is not None:
        stored = details["skills"].get(volunteer.id, set())
        wanted = {(globalid.decode_as(s.skill, "Skill"), s.level, s.certified_until) for s in skills}
        if stored != wanted or len(wanted) != len(skills):
            changes["skills"] = skills
    if v["domains"] is not None and details["domains"].get(volunteer.id, set()) != {(d,) for d in v["domains"]}:
        changes["domains"] = v["domains"]
    weekly = _weekly(v)
    if weekly is not None:
        windows = details["weekly"].get(volunteer.id, set())
        if windows != {(w.weekday, w.start_minute, w.end_minute) for w in weekly} or len(windows) != len(weekly):
            changes["weekly"] = weekly
    return changes


def _update(context: ImportContext, volunteer: Any, unit: Any, skills: list[_Skill] | None,
            v: dict[str, Any], stored: StoredIdNumber | None, details: dict[str, dict[int, set[tuple[Any, ...]]]]
            ) -> Written:
    """A known volunteer number: unchanged, or updated through volunteerUpdate's path (its own savepoint)."""
    masked = _MASKED.match(normalise_id_number(v["id_number"]))
    if masked is not None:  # as exported: the registered volunteer's, if its last four match
        same = masked[1] == volunteer.id_number_tail
    else:
        if stored is None:
            try:
                stored = prepare_id_number(v["id_number"], context.secret_key)
            except IdNumberError as exc:
                return refused(db_problem(exc, ("input", "idNumber")))
        same = stored.fingerprint == volunteer.id_number_fingerprint
    if not same:
        return refused(Problem(("input", "idNumber"), "differs from the ID number registered under this volunteer "
                               "number: correct one of the two", ErrorCode.CONFLICT))
    changes = _changes(volunteer, unit, skills, v, details)
    if not changes:
        return Written(UNCHANGED, subject_id=volunteer.id)

    def work() -> Written:
        update_volunteer(context.session, context.caller,
                         _Update(id=globalid.encode("Volunteer", volunteer.id), **changes))
        return Written(UPDATED, subject_id=volunteer.id, fields=sorted(changes))

    return guarded(context, VOLUNTEERS, work)


def _register(context: ImportContext, v: dict[str, Any], unit: Any, skills: list[_Skill] | None) -> _Register:
    return _Register(
        volunteer_number=v["volunteer_number"], name=v["name"], phone=v["phone"], id_number=v["id_number"],
        home_location=_Location(v["lat"], v["lon"]), unit=_global_id(context, "Unit", unit.id),
        insurance_valid_until=v["insurance_valid_until"], max_travel_km=v["max_travel_km"],
        max_tasks_per_day=v["max_tasks_per_day"], max_minutes_per_day=v["max_minutes_per_day"],
        skills=skills or [], domains=v["domains"] or [], weekly=_weekly(v) or [])


def write(context: ImportContext, rows: list[tuple[int, dict[str, Any]]]) -> dict[int, Written]:
    """A chunk of rows: what they name is read at once (units, skills, the volunteers by number and
    by ID number, the stored details), each row is checked as volunteerRegister or volunteerUpdate
    checks it, and the new volunteers are inserted together."""
    session = context.session
    _by_code(context, models.Unit, (v["unit"] for _, v in rows))
    _by_code(context, models.Skill, (code for _, v in rows for code, _, _ in v["skills"] or ()))
    numbers = [v["volunteer_number"] for _, v in rows]
    number_column, fingerprint_column = models.Volunteer.volunteer_number, models.Volunteer.id_number_fingerprint
    visible = {volunteer.volunteer_number: volunteer for volunteer in session.execute(
        select(*_COMPARED).where(among(session, number_column, numbers)))}
    # What the unique constraints see, also beyond the caller's view (read through the connection:
    # only whether a value is taken, never whose).
    connection = session.connection()
    registered = set(connection.execute(select(number_column).where(among(session, number_column, numbers))).scalars())
    prepared: dict[int, StoredIdNumber] = {}
    for number, v in rows:
        try:
            prepared[number] = prepare_id_number(v["id_number"], context.secret_key)
        except IdNumberError:
            continue  # check_registration or _update reports it
    taken = set(connection.execute(select(fingerprint_column).where(
        among(session, fingerprint_column, {p.fingerprint for p in prepared.values()}))).scalars())
    details = _details(context, [volunteer.id for volunteer in visible.values()])
    caller = context.caller
    check, rule = Check(session, caller), WRITES[models.Volunteer]
    checks = Checks(session)  # one for the chunk: what it looked up serves the next rows
    out: dict[int, Written] = {}
    new: list[tuple[int, dict[str, Any], list[tuple[int, int, Any]], dict[str, Any]]] = []
    for number, v in rows:
        try:
            unit, skills = _resolve(context, v)
        except MutationAborted as exc:
            out[number] = refused(*exc.problems)
            continue
        known = visible.get(v["volunteer_number"])
        if known is not None:
            out[number] = _update(context, known, unit, skills, v, prepared.get(number), details)
            continue
        if v["volunteer_number"] in registered:
            out[number] = refused(Problem(("input", "volunteerNumber"), "is registered already, outside what you may "
                                          "see: ask the staff above you", ErrorCode.DUPLICATE))
            continue
        if _MASKED.match(normalise_id_number(v["id_number"])):
            out[number] = refused(Problem(("input", "idNumber"), "is masked, as exported: a masked ID number names "
                                          "only a volunteer registered under the row's number; enter the whole ID "
                                          "number of a new volunteer", ErrorCode.INVALID))
            continue
        checks.problems = []
        stored_id = prepared.get(number)
        if stored_id is not None and stored_id.fingerprint in taken:
            checks.add(("input", "idNumber"), "idNumber: a volunteer with this value already exists",
                       ErrorCode.DUPLICATE)
        checked = check_registration(checks, context.secret_key, _register(context, v, unit, skills), unique=False,
                                     stored_id=stored_id)
        if checked is None or checks.problems:
            out[number] = refused(*checks.problems)
            continue
        columns, skill_rows = checked
        if not caller.is_admin and not rule.allows(check, models.Volunteer(**columns), True):  # the policy's rule
            out[number] = refused(Problem(("input", "unit"), "volunteers: outside what your roles allow you to change",
                                          ErrorCode.FORBIDDEN))
            continue
        new.append((number, columns, skill_rows, v))
    ids = insert_volunteers(session, [(columns, skill_rows, v["domains"] or [], _weekly(v) or [])
                                      for _, columns, skill_rows, v in new])
    for (number, *_), pk in zip(new, ids, strict=True):
        out[number] = Written(CREATED, subject_id=pk)
    return out


VOLUNTEERS = Kind(
    name="volunteers",
    columns=COLUMNS,
    key="volunteer_number",
    unique={"volunteer_number": str.strip, "id_number": _unique_id_number},
    write=write,
    refusal_column="unit",
    subject_type="Volunteer",
)
