"""The volunteer roster import (issue 17, first slice): a file with many kinds of bad rows is
reported row by row and column by column with nothing written; the fixed file applies; a
re-import changes nothing; a GB18030 CSV reads as the XLSX does; a town's unit admin is refused
row by row outside his subtree. On SQLite and PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db import models
from db.identity import check_char
from db.models import Role
from resolvers.accounts.mutations import create_account
from resolvers.core import globalid
from resolvers.imports import VOLUNTEERS, files
from resolvers.imports.files import ImportFileError, read_table
from resolvers.imports.framework import ERROR_HEADER, ImportContext, Report, run_import
from tests.schema.support import GraphQLClient, create_skill, create_unit
from wenming.cli import main
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


@pytest.fixture
def world(api: GraphQLClient, settings: Settings, engine: Engine) -> World:
    center = create_unit(api, "CENTER")
    town_a, town_b = create_unit(api, "INSTITUTE", center), create_unit(api, "INSTITUTE", center)
    a1, b1 = create_unit(api, "STATION", town_a), create_unit(api, "STATION", town_b)
    create_skill(api, "first-aid")
    create_skill(api, "doctor")
    with Session(engine) as session:
        create_account(session, "admin", None, [(Role.PLATFORM_ADMIN, {})])
        create_account(session, "town-a", None,
                       [(Role.UNIT_ADMIN, {"unit_id": globalid.decode_pk(town_a, "Unit") or 0})])
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


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values[h] for h in HEADERS])
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


def bad_rows(world: World) -> list[tuple[dict[str, str], str, str]]:
    """(row, the column reported, the code): one fault each, 20+ distinct kinds."""
    bad_birth = "32038219901301001"
    return [
        (row(world, 1, 志愿者编号=""), "志愿者编号", "REQUIRED"),
        (row(world, 2, 姓名=""), "姓名", "REQUIRED"),
        (row(world, 3, 姓名="王" * 201), "姓名", "INVALID"),
        (row(world, 4, 身份证号=""), "身份证号", "REQUIRED"),
        (row(world, 5, 身份证号="32038219900101"), "身份证号", "ID_NUMBER_FORMAT"),
        (row(world, 6, 身份证号=id_number(6)[:17] + ("1" if id_number(6)[17] != "1" else "2")), "身份证号",
         "ID_NUMBER_CHECKSUM"),
        (row(world, 7, 身份证号=id_number(7, region="990382")), "身份证号", "ID_NUMBER_REGION"),
        (row(world, 8, 身份证号=bad_birth + check_char(bad_birth)), "身份证号", "ID_NUMBER_BIRTH_DATE"),
        (row(world, 9, 手机号="call me"), "手机号", "INVALID"),
        (row(world, 10, 手机号=""), "手机号", "REQUIRED"),
        (row(world, 11, 所属站点编码="NO-SUCH-STATION"), "所属站点编码", "NOT_FOUND"),
        (row(world, 12, 住址纬度="north"), "住址纬度", "INVALID"),
        (row(world, 13, 住址纬度="95"), "住址纬度", "OUT_OF_RANGE"),
        (row(world, 14, 住址经度="200"), "住址经度", "OUT_OF_RANGE"),
        (row(world, 15, 技能="juggling:3"), "技能", "NOT_FOUND"),
        (row(world, 16, 技能="first-aid:6"), "技能", "OUT_OF_RANGE"),
        (row(world, 17, 技能="first-aid:3;first-aid:2"), "技能", "DUPLICATE"),
        (row(world, 18, 技能="first-aid"), "技能", "INVALID"),
        (row(world, 19, 服务领域="ASTROLOGY"), "服务领域", "NOT_FOUND"),
        (row(world, 20, 每周可服务时段="周六 12:00-08:00"), "每周可服务时段", "OUT_OF_RANGE"),
        (row(world, 21, 每周可服务时段="Saturdays"), "每周可服务时段", "INVALID"),
        (row(world, 22, 保险有效期至="2027-02-30"), "保险有效期至", "INVALID"),
        (row(world, 23, 最远服务距离公里="-1"), "最远服务距离公里", "OUT_OF_RANGE"),
        (row(world, 24, 每日最多服务分钟="2000"), "每日最多服务分钟", "OUT_OF_RANGE"),
        (row(world, 25, 每日最多任务数="2.5"), "每日最多任务数", "INVALID"),
        (row(world, 26, 志愿者编号="PZ-V00040"), "志愿者编号", "DUPLICATE"),  # row 40's number, within the file
        (row(world, 27, 身份证号=id_number(41)), "身份证号", "DUPLICATE"),  # row 41's ID number, within the file
        (row(world, 28, 身份证号=id_number(900)), "身份证号", "DUPLICATE"),  # registered already (PZ-V00900)
        (row(world, 900, 身份证号=id_number(29)), "身份证号", "CONFLICT"),  # PZ-V00900 with another ID number
        (row(world, 30, 技能="first-aid:3;" * 100), "技能", "INVALID"),  # over the cell bound
    ]


def test_roster_with_bad_rows_reports_each_at_its_row_and_column_then_applies_once(
        world: World, engine: Engine, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "one.xlsx", [row(world, 900)])).outcomes["created"] == 1
    cases = bad_rows(world)
    good = [row(world, 40), row(world, 41)]
    # the good rows come after the bad ones: a repeat is reported at the later row
    rows = [*[case[0] for case in cases[:25]], *good, *[case[0] for case in cases[25:]]]
    expected = {(i + 2, column, code) for i, (_, column, code) in enumerate(cases[:25])}
    expected |= {(i + 29, column, code) for i, (_, column, code) in enumerate(cases[25:])}
    before = snapshot(engine)

    for dry_run in (True, False):  # a dry run and an apply report the same; neither writes
        report = run(world, write_xlsx(tmp_path / "bad.xlsx", rows), dry_run=dry_run)
        found = {(e.row, e.column, e.code) for e in report.errors}
        assert found == expected
        assert len({code for _, _, code in expected} | {column for _, column, _ in expected}) >= 20
        assert len(cases) >= 20 and report.bad_rows == len(cases)
        assert not report.applied and snapshot(engine) == before

    summary = json.dumps(report.summary(), ensure_ascii=False)
    assert id_number(6)[:10] not in summary and "138000000" not in summary  # no personal data echoed
    report.write_xlsx(tmp_path / "report.xlsx")
    sheet = load_workbook(tmp_path / "report.xlsx").worksheets[0]
    table = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert table[0] == [*HEADERS, ERROR_HEADER]
    assert "ID_NUMBER_CHECKSUM" in table[6][-1] and table[27][-1] == ""  # row 7: the bad checksum; row 28: good
    assert table[6][:len(HEADERS)] == [rows[5][h] for h in HEADERS]

    fixed = [row(world, i) for i in (*range(1, 29), 30)] + good
    report = run(world, write_xlsx(tmp_path / "fixed.xlsx", fixed))
    assert report.errors == [] and report.applied
    assert report.outcomes == {"created": 31, "updated": 0, "unchanged": 0}
    assert count(engine) == 32
    applied = snapshot(engine)

    again = run(world, tmp_path / "fixed.xlsx")
    assert again.outcomes == {"created": 0, "updated": 0, "unchanged": 31} and again.applied
    assert snapshot(engine) == applied  # ids and versions too: nothing rewritten

    changed = [*fixed[:-1], row(world, 41, 手机号="13900000041", 技能="doctor:4")]
    report = run(world, write_xlsx(tmp_path / "changed.xlsx", changed))
    assert report.outcomes == {"created": 0, "updated": 1, "unchanged": 30}
    with Session(engine) as session:
        volunteer = session.scalars(select(models.Volunteer).where(
            models.Volunteer.volunteer_number == "PZ-V00041")).one()
        assert volunteer.phone == "13900000041" and volunteer.version == 2  # the update path's version stamp
        levels = session.execute(select(models.VolunteerSkill.level).where(
            models.VolunteerSkill.volunteer_id == volunteer.id)).scalars().all()
        assert levels == [4]


def test_gb18030_csv_gives_the_same_rows_as_the_xlsx(world: World, engine: Engine, tmp_path: Path) -> None:
    rows = [row(world, 1, 姓名="王䶮"), row(world, 2, 姓名="李娜", 每周可服务时段="星期三 09:00-11:30")]
    xlsx = write_xlsx(tmp_path / "roster.xlsx", rows)
    gb = write_csv(tmp_path / "roster.csv", rows, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")  # really GB18030, not UTF-8 by chance
    bom = write_csv(tmp_path / "roster-utf8.csv", rows, "utf-8-sig")
    assert read_table(gb) == read_table(xlsx) == read_table(bom)
    assert read_table(gb)[1][0][1] == "王䶮"
    reports = [run(world, path, dry_run=True) for path in (xlsx, gb, bom)]
    assert all(r.errors == [] and r.outcomes["created"] == 2 and not r.applied for r in reports)
    assert count(engine) == 0  # a dry run of good rows writes nothing (SQLite: not even the first savepoint)
    assert run(world, gb).applied and run(world, xlsx).outcomes["unchanged"] == 2


def test_town_admin_is_refused_row_by_row_outside_his_subtree(world: World, engine: Engine, tmp_path: Path) -> None:
    rows = [row(world, 1), row(world, 2, 所属站点编码=world.b1), row(world, 3), row(world, 4, 所属站点编码=world.b1)]
    path = write_xlsx(tmp_path / "roster.xlsx", rows)
    report = run(world, path, "town-a")
    assert {(e.row, e.column, e.code) for e in report.errors} == {(3, "所属站点编码", "FORBIDDEN"),
                                                                 (5, "所属站点编码", "FORBIDDEN")}
    assert not report.applied and count(engine) == 0
    report = run(world, path, "town-a", skip_bad_rows=True)
    assert report.applied and report.outcomes["created"] == 2 and count(engine) == 2
    # a platform admin confined by --scope to town A is refused the same rows
    scoped = run(world, path, "admin", scope=world.town_a, dry_run=True)
    assert {(e.row, e.code) for e in scoped.errors} == {(3, "FORBIDDEN"), (5, "FORBIDDEN")}
    # moving a volunteer of town A to town B is refused too
    moved = run(world, write_xlsx(tmp_path / "move.xlsx", [row(world, 1, 所属站点编码=world.b1)]), "town-a")
    assert [(e.row, e.code) for e in moved.errors] == [(2, "FORBIDDEN")] and count(engine) == 2


def test_cli_template_dry_run_and_report(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WENMING_DATABASE_URL", world.db_url)
    assert main(["import", "template", "volunteers", "-o", str(tmp_path / "template.xlsx")]) == 0
    assert read_table(tmp_path / "template.xlsx") == (HEADERS, [])
    capsys.readouterr()
    path = write_xlsx(tmp_path / "roster.xlsx", [row(world, 1), row(world, 2, 手机号="x")])
    code = main(["import", str(path), "--kind", "volunteers", "--as", "admin", "--dry-run",
                 "--report", str(tmp_path / "report.xlsx")])
    summary = json.loads(capsys.readouterr().out)
    assert code == 1 and summary["badRows"] == 1 and summary["created"] == 1 and not summary["applied"]
    assert summary["errors"] == [{"row": 3, "column": "手机号", "code": "INVALID",
                                  "message": "phone is not a phone number: digits, spaces, '-' and a leading '+'"}]
    assert (tmp_path / "report.xlsx").exists()
    assert main(["import", str(path), "--kind", "volunteers", "--as", "nobody", "--dry-run"]) == 2
    shown = import_file(world.db_url, world.secret_key, path, "volunteers", "admin", dry_run=True, show_progress=True)
    assert shown.summary() == {**summary, "errors": shown.summary()["errors"]} and len(shown.errors) == 1


def test_a_nul_character_in_a_csv_cell_is_an_error_of_its_cell(world: World, engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.csv", [row(world, 1, 姓名="王\x00芳")], "utf-8")
    report = run(world, path)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "姓名", "INVALID")] and count(engine) == 0


def test_a_volunteer_number_registered_outside_the_subtree_is_a_duplicate_at_its_column(
        world: World, engine: Engine, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "b.xlsx", [row(world, 1, 所属站点编码=world.b1)])).applied
    before = snapshot(engine)
    # town A's admin does not see the volunteer of town B: the database refuses the number
    report = run(world, write_xlsx(tmp_path / "a.xlsx", [row(world, 2), row(world, 1, 身份证号=id_number(3))]),
                 "town-a")
    assert [(e.row, e.column, e.code) for e in report.errors] == [(3, "志愿者编号", "DUPLICATE")]
    assert report.outcomes["created"] == 1 and not report.applied and snapshot(engine) == before


@pytest.mark.parametrize(("content", "name", "says"), [
    ("志愿者编号,姓名,身份证号,手机号,所属站点编码,住址纬度\n", "roster.csv", "required columns are missing"),
    ("志愿者编号,姓名,身份证号,手机号,所属站点编码,住址纬度,住址经度,星座\n", "roster.csv", "column 8"),
    ("志愿者编号,姓名,姓名\n", "roster.csv", "appears twice"),
    (b"\xff\xfe\x00", "roster.csv", "neither UTF-8 nor GB18030"),
    ("", "roster.csv", "the file is empty"),
    ("志愿者编号\n", "roster.txt", "only .xlsx and .csv"),
    ("not a workbook", "roster.xlsx", "not an XLSX workbook"),
])
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(tmp_path: Path, content: str | bytes, name: str,
                                                          says: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    context = ImportContext(session=None, caller=None, secret_key="")  # type: ignore[arg-type]
    with pytest.raises(ImportFileError, match=says):
        run_import(context, VOLUNTEERS, path, dry_run=True)


def test_a_file_over_its_bounds_is_refused_before_rows_are_read(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("志愿者编号\n" + "x\n" * 11, encoding="utf-8")
    monkeypatch.setattr(files, "MAX_ROWS", 10)
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read_table(path)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    with pytest.raises(ImportFileError, match="bytes; at most 10"):
        read_table(path)
