"""The volunteer roster import (issue 17, first slice): a file with many kinds of bad rows is
reported row by row and column by column with nothing written; the fixed file applies; a
re-import changes nothing; a GB18030 CSV reads as the XLSX does; a town's unit admin is refused
row by row outside his subtree. On SQLite and PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db import models
from db.identity import check_char
from resolvers.imports import VOLUNTEERS, files
from resolvers.imports.files import ImportFileError, read_table
from resolvers.imports.framework import ERROR_HEADER, ImportContext, run_import
from tests.imports.support import HEADERS, World, count, id_number, row, run, snapshot, write_csv, write_xlsx
from wenming.cli import main
from wenming.import_cli import import_file


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


def test_an_applied_import_is_audited_run_by_run_and_row_by_row(world: World, engine: Engine, tmp_path: Path) -> None:
    rows = [row(world, 1), row(world, 2)]
    assert run(world, write_xlsx(tmp_path / "dry.xlsx", rows), dry_run=True).outcomes["created"] == 2
    assert run(world, write_xlsx(tmp_path / "in.xlsx", rows)).applied
    assert run(world, tmp_path / "in.xlsx").outcomes["unchanged"] == 2
    changed = run(world, write_xlsx(tmp_path / "changed.xlsx", [row(world, 1), row(world, 2, 手机号="13900000002")]),
                  "town-a")
    assert changed.outcomes == {"created": 0, "updated": 1, "unchanged": 1}
    with Session(engine) as session:
        runs = session.execute(select(models.ImportRun.kind, models.Account.username, models.ImportRun.rows,
                                      models.ImportRun.created, models.ImportRun.updated, models.ImportRun.unchanged)
                               .join(models.Account, models.Account.id == models.ImportRun.account_id)
                               .order_by(models.ImportRun.id)).all()
        assert [tuple(r) for r in runs] == [("volunteers", "admin", 2, 2, 0, 0), ("volunteers", "admin", 2, 0, 0, 2),
                                            ("volunteers", "town-a", 2, 0, 1, 1)]  # the dry run left none
        ids = dict(session.execute(select(models.Volunteer.volunteer_number, models.Volunteer.id)).all())
        changes = session.execute(select(models.ImportChange.row, models.ImportChange.subject_id,
                                         models.ImportChange.outcome, models.ImportChange.fields)
                                  .order_by(models.ImportChange.id)).all()
        assert [tuple(c) for c in changes] == [(2, ids["PZ-V00001"], "created", []),
                                               (3, ids["PZ-V00002"], "created", []),
                                               (3, ids["PZ-V00002"], "updated", ["phone"])]  # names, not values
