"""Export (issue 17): the roster exported as XLSX and CSV imports back changing nothing, within the
caller's subtree, refused as a whole to a caller who may not see volunteers' personal data, its
phones audit-logged; service records in the national record's fields. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db import models
from resolvers.imports import exports
from resolvers.imports.exports import HOURS_HEADER, RECORD_HEADER, ExportRefused, Period
from resolvers.imports.files import read_table
from tests.imports.support import HEADERS, World, id_number, row, run, snapshot, write_csv, write_xlsx
from tests.recognition.rows import served
from wenming.cli import main
from wenming.export_cli import export_file


def roster(world: World) -> list[dict[str, str]]:
    """Rows with every kind of cell: blank optional cells, decimals, several windows, town B."""
    return [
        row(world, 1),
        row(world, 2, 技能="", 服务领域="", 每周可服务时段="", 保险有效期至="", 最远服务距离公里="", 每日最多任务数="",
            每日最多服务分钟=""),
        row(world, 3, 住址纬度="34.123456", 住址经度="117.000001", 最远服务距离公里="7.5", 技能="doctor:5",
            每周可服务时段="周一 00:00-24:00;星期三 9:05-11:30;6 19:00-21:00"),
        row(world, 4, 所属站点编码=world.b1, 姓名="王䶮"),
    ]


def test_an_exported_roster_imports_back_changing_nothing(world: World, engine: Engine, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", roster(world))).outcomes["created"] == 4
    before = snapshot(engine)
    for name in ("out.xlsx", "out.csv"):
        path = tmp_path / name
        assert export_file(world.db_url, path, "volunteers", "admin") == 4
        header, rows = read_table(path)
        assert header == HEADERS and len(rows) == 4
        by_number = {r[0]: r for r in rows}
        assert by_number["PZ-V00001"][2] == "*" * 14 + id_number(1)[-4:]  # only the last four are stored
        assert by_number["PZ-V00001"][3] == "13800000001"  # the whole phone: the admin may see it
        assert by_number["PZ-V00003"][7] == "doctor:5" and by_number["PZ-V00003"][5] == "34.123456"
        assert by_number["PZ-V00004"][1] == "王䶮"
        report = run(world, path)
        assert report.errors == [] and report.applied
        assert report.outcomes == {"created": 0, "updated": 0, "unchanged": 4}
        assert snapshot(engine) == before  # ids and versions too
    with (tmp_path / "out.csv").open("rb") as raw:
        assert raw.read(3) == b"\xef\xbb\xbf" and b"\r\n" in raw.read()  # UTF-8 with a BOM, CRLF: as Excel opens it


def test_a_masked_id_number_names_only_the_registered_volunteer(world: World, engine: Engine,
                                                                  tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", [row(world, 1)])).applied
    before = snapshot(engine)
    masked = "*" * 14 + id_number(1)[-4:]
    wrong_tail = "*" * 14 + "0000"
    report = run(world, write_xlsx(tmp_path / "masked.xlsx", [
        row(world, 1, 身份证号=wrong_tail), row(world, 2, 身份证号=masked)]))
    found = {(e.row, e.column, e.code) for e in report.errors}
    assert found == {(2, "身份证号", "CONFLICT"), (3, "身份证号", "INVALID")}
    assert not report.applied and snapshot(engine) == before


def test_the_export_is_confined_to_the_callers_subtree_and_scope(world: World, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", roster(world))).applied
    path = tmp_path / "town-a.xlsx"
    assert export_file(world.db_url, path, "volunteers", "town-a") == 3
    assert {r[0] for r in read_table(path)[1]} == {"PZ-V00001", "PZ-V00002", "PZ-V00003"}
    assert export_file(world.db_url, path, "volunteers", "admin", world.town_a) == 3
    assert export_file(world.db_url, tmp_path / "b.csv", "volunteers", "town-a", world.b1) == 0


def test_whole_phones_exported_are_audit_logged(world: World, engine: Engine, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", roster(world))).applied
    monkeypatch.setattr(exports, "YIELD_ROWS", 3)  # two batches: each is audited
    assert export_file(world.db_url, tmp_path / "out.xlsx", "volunteers", "town-a") == 3
    with Session(engine) as session:
        reads = session.execute(select(models.PersonalDataRead.subject_id, models.PersonalDataRead.field,
                                       models.Account.username)
                                .join(models.Account, models.Account.id == models.PersonalDataRead.account_id)).all()
        town_a = set(session.scalars(select(models.Volunteer.id).where(models.Volunteer.volunteer_number.in_(
            ["PZ-V00001", "PZ-V00002", "PZ-V00003"]))))
    assert sorted(reads) == sorted((pk, "phone", "town-a") for pk in town_a)


def test_a_caller_who_may_not_see_personal_data_is_refused_the_export(world: World, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", roster(world))).applied
    for kind in ("volunteers", "service-records"):
        path = tmp_path / f"{kind}.xlsx"
        with pytest.raises(ExportRefused, match="may not see volunteers' personal data"):
            export_file(world.db_url, path, kind, "analyst")
        assert not path.exists()  # refused before anything is written, not a masked file


def test_service_records_in_the_national_record_fields(world: World, engine: Engine, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", roster(world))).applied
    with Session(engine) as session:
        station_a, station_b = (session.scalars(select(models.Unit).where(models.Unit.code == code)).one()
                                for code in (world.a1, world.b1))
        v1, v4 = (session.scalars(select(models.Volunteer).where(models.Volunteer.volunteer_number == n)).one()
                  for n in ("PZ-V00001", "PZ-V00004"))
        item = models.ServiceItem(code="visit", name="助老探访", domain="WELFARE", duration_minutes=120)
        session.add(item)
        session.flush()
        served(session, station_a, v1, item, 90)
        served(session, station_b, v4, item, 45)
        session.commit()
    for name in ("records.xlsx", "records.csv"):
        path = tmp_path / name
        assert export_file(world.db_url, path, "service-records", "admin") == 2
        header, rows = read_table(path)
        assert tuple(header) == RECORD_HEADER
        with Session(engine) as session:
            a_name = session.scalars(select(models.Unit.name).where(models.Unit.code == world.a1)).one()
        assert rows[0] == ["PZ-V00001", "志愿者1", "助老探访", "", "2026-12-07", "1.5", "0", a_name]
    assert export_file(world.db_url, tmp_path / "a.csv", "service-records", "town-a") == 1
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as out:
        assert [r[0] for r in csv.reader(out)] == [RECORD_HEADER[0], "PZ-V00001"]
    assert dt.date.fromisoformat(rows[1][4]) == dt.date(2026, 12, 7)
    # a period of local days: the day before holds nothing, the day itself both records
    day = dt.date(2026, 12, 7)
    assert export_file(world.db_url, tmp_path / "none.csv", "service-records", "admin",
                       period=Period(last=day - dt.timedelta(days=1))) == 0
    assert export_file(world.db_url, tmp_path / "day.csv", "service-records", "admin", period=Period(day, day)) == 2


def test_hours_totals_per_volunteer_over_a_period(world: World, engine: Engine, tmp_path: Path) -> None:
    assert run(world, write_xlsx(tmp_path / "in.xlsx", roster(world))).applied
    with Session(engine) as session:
        station_a = session.scalars(select(models.Unit).where(models.Unit.code == world.a1)).one()
        v1, v4 = (session.scalars(select(models.Volunteer).where(models.Volunteer.volunteer_number == n)).one()
                  for n in ("PZ-V00001", "PZ-V00004"))
        item = models.ServiceItem(code="visit", name="助老探访", domain="WELFARE", duration_minutes=120)
        session.add(item)
        session.flush()
        for volunteer, minutes in ((v1, 90), (v1, 30), (v4, 45)):
            served(session, station_a, volunteer, item, minutes)
        session.commit()
        honoured = session.scalars(select(models.ServiceRecord).where(models.ServiceRecord.volunteer_id == v4.id)).one()
        honoured.honour_minutes = 60  # recognised by staff (the correction path is tested elsewhere)
        homes = [session.scalars(select(models.Unit.name).where(models.Unit.id == v.unit_id)).one() for v in (v1, v4)]
        names = [v1.name, v4.name]
        session.commit()
    path = tmp_path / "hours.xlsx"
    assert export_file(world.db_url, path, "hours", "admin") == 2
    header, rows = read_table(path)
    assert tuple(header) == HOURS_HEADER
    assert rows == [["PZ-V00001", names[0], homes[0], "2", "2", "0"],
                    ["PZ-V00004", names[1], homes[1], "1", "0.75", "1"]]
    day = dt.date(2026, 12, 7)
    later = Period(first=day + dt.timedelta(days=1))
    assert export_file(world.db_url, tmp_path / "later.csv", "hours", "admin", period=later) == 0
    assert export_file(world.db_url, tmp_path / "b.csv", "hours", "admin", world.b1) == 0  # served at station A


def test_cli_export(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    capsys: pytest.CaptureFixture[str]) -> None:
    """`wenming export`, after an import of a GB18030 CSV (office software's CSV)."""
    monkeypatch.setenv("WENMING_DATABASE_URL", world.db_url)
    assert run(world, write_csv(tmp_path / "in.csv", roster(world), "gb18030")).applied
    out = tmp_path / "roster.xlsx"
    assert main(["export", "--kind", "volunteers", "--as", "admin", "-o", str(out)]) == 0
    assert "4 rows of volunteers written" in capsys.readouterr().out
    assert len(read_table(out)[1]) == 4
    assert main(["export", "--kind", "volunteers", "--as", "analyst", "-o", str(tmp_path / "x.csv")]) == 2
    assert "nothing was exported" in capsys.readouterr().err
    assert main(["export", "--kind", "volunteers", "--as", "admin", "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["export", "--kind", "volunteers", "--as", "nobody", "-o", str(tmp_path / "x.csv")]) == 2
