"""Helpers of the import and export tests: the world (two towns, skills, accounts), roster rows,
files written as office software writes them, a snapshot of the volunteer tables."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db import models
from db.identity import check_char
from db.models import Role
from resolvers.accounts.mutations import create_account
from resolvers.core import globalid
from resolvers.imports import VOLUNTEERS
from resolvers.imports.framework import Report
from tests.schema.support import GraphQLClient, create_skill, create_unit
from wenming.import_cli import import_file
from wenming.settings import Settings

HEADERS = [c.header for c in VOLUNTEERS.columns]


def id_number(serial: int, birth: str = "19900101", region: str = "320382") -> str:
    body = f"{region}{birth}{serial:03d}"
    return body + check_char(body)


@dataclass
class World:
    db_url: str
    secret_key: str
    a1: str  # a station of town A
    b1: str  # a station of town B
    town_a: str


def _code(session: Session, global_id: str) -> str:
    return str(session.get(models.Unit, globalid.decode_pk(global_id, "Unit")).code)  # type: ignore[union-attr]


def make_world(api: GraphQLClient, settings: Settings, engine: Engine) -> World:
    """Two towns (A, B) with a station each, two skills, a platform admin, town A's unit admin and
    an analyst."""
    center = create_unit(api, "CENTER")
    town_a, town_b = create_unit(api, "INSTITUTE", center), create_unit(api, "INSTITUTE", center)
    a1, b1 = create_unit(api, "STATION", town_a), create_unit(api, "STATION", town_b)
    create_skill(api, "first-aid")
    create_skill(api, "doctor")
    with Session(engine) as session:
        create_account(session, "admin", None, [(Role.PLATFORM_ADMIN, {})])
        create_account(session, "town-a", None,
                       [(Role.UNIT_ADMIN, {"unit_id": globalid.decode_pk(town_a, "Unit") or 0})])
        create_account(session, "analyst", None, [(Role.ANALYST, {})])
        session.commit()
        return World(settings.database_url, settings.secret_key, _code(session, a1), _code(session, b1),
                     _code(session, town_a))


def row(world: World, serial: int, **changes: str) -> dict[str, str]:
    values = {
        "志愿者编号": f"PZ-V{serial:05d}", "姓名": f"志愿者{serial}", "身份证号": id_number(serial),
        "手机号": f"138{serial:08d}", "所属站点编码": world.a1, "住址纬度": "34.31", "住址经度": "117.95",
        "技能": "first-aid:3;doctor:2:2027-06-30", "服务领域": "HEALTH;EDUCATION",
        "每周可服务时段": "周六 08:00-12:00;周日 14:00-18:00", "保险有效期至": "2027-06-30",
        "最远服务距离公里": "10", "每日最多任务数": "2", "每日最多服务分钟": "240",
    }
    values.update(changes)
    return values


def write_xlsx(path: Path, rows: list[dict[str, str]], headers: list[str] = HEADERS) -> Path:
    """An XLSX file of `rows` under `headers` (the roster template's by default)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for values in rows:
        sheet.append([values[h] for h in headers])
    book.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str) -> Path:
    """As Chinese office software saves "CSV": GB18030 (or UTF-8 with a BOM), CRLF line ends."""
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows([values[h] for h in HEADERS] for values in rows)
    return path


def run(world: World, path: Path, user: str = "admin", *, dry_run: bool = False, skip_bad_rows: bool = False,
        scope: str | None = None) -> Report:
    return import_file(world.db_url, world.secret_key, path, "volunteers", user, scope, dry_run=dry_run,
                       skip_bad_rows=skip_bad_rows)


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every volunteer row and detail row, ids and versions included."""
    with Session(engine) as session:
        return {model.__tablename__: sorted(tuple(getattr(r, c.key) for c in model.__table__.columns)
                                            for r in session.scalars(select(model)))
                for model in (models.Volunteer, models.VolunteerSkill, models.VolunteerDomain,
                              models.AvailabilityWindow)}


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(models.Volunteer)) or 0)
