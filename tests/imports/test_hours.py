"""The historic hours import (kind `hours`, issue 14/17): bad rows reported at their row and
column with nothing written; an applied file is a PENDING batch that counts nothing; the importer
may not approve it; another account's approval makes the hours count (totals, star proposals) and
earns the points once; re-importing changes nothing; a town admin is refused row by row outside
his subtree. On SQLite and PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db import models
from db.enums import RequestState
from db.models import Role
from resolvers.accounts.mutations import create_account
from resolvers.core.errors import MutationAborted
from resolvers.core.settings import PointsSettings, StarSettings
from resolvers.dispatch.queries import minutes_by
from resolvers.imports import HOURS
from resolvers.recognition import stars
from resolvers.recognition.ledger import volunteer_balance
from tests.imports.support import World, row, run, write_xlsx
from tests.schema.support import GraphQLClient
from wenming.cli import main
from wenming.import_cli import decide_backfill, import_file

HEADERS = [c.header for c in HOURS.columns]
RULES = PointsSettings(per_hour=10, max_hours_per_activity=2.0)
TOTALS = ("query H($f: DateTime, $t: DateTime) { serviceHours(groupBy: VOLUNTEER, from: $f, to: $t) "
          "{ edges { node { name creditHours honourHours } } } }")


def hours_row(number: int, **changes: str) -> dict[str, str]:
    values = {"志愿者编号": f"PZ-V{number:05d}", "服务日期": "2019-05-01", "时长小时": "1.5", "时长类型": "荣誉",
              "服务内容": "社区助老", "来源": "志愿江苏 2019 台账", "补录原因": "平台上线前的服务"}
    values.update(changes)
    return values


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    return write_xlsx(path, rows, HEADERS)


def hours(world: World, path: Path, user: str = "town-a", **kwargs: Any) -> Any:
    return import_file(world.db_url, world.secret_key, path, "hours", user, kwargs.pop("scope", None), **{
        "dry_run": False, **kwargs})


def backfill_state(engine: Engine) -> list[tuple[Any, ...]]:
    with Session(engine) as session:
        return [tuple(r) for r in session.execute(select(
            models.HoursBackfill.id, models.HoursBackfill.state, models.HoursBackfillRow.row,
            models.HoursBackfillRow.minutes, models.HoursBackfillRow.kind).join(
            models.HoursBackfillRow, models.HoursBackfillRow.batch_id == models.HoursBackfill.id)
            .order_by(models.HoursBackfillRow.id))]


def totals(engine: Engine) -> dict[int, tuple[int, int]]:
    with Session(engine) as session:
        return {v: (c, h) for v, c, h in minutes_by(session, models.ServiceRecord.volunteer_id)}


def ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(models.Volunteer.volunteer_number, models.Volunteer.id)).all())


@pytest.fixture
def roster(world: World, engine: Engine, tmp_path: Path) -> World:
    """Volunteers 1 and 2 at town A's station, 3 at town B's; a second unit admin of town A."""
    rows = [row(world, 1), row(world, 2), row(world, 3, 所属站点编码=world.b1)]
    assert run(world, write_xlsx(tmp_path / "roster.xlsx", rows)).applied
    with Session(engine) as session:
        town = session.scalars(select(models.Unit.id).where(models.Unit.code == world.town_a)).one()
        create_account(session, "town-a-2", None, [(Role.UNIT_ADMIN, {"unit_id": town})])
        town_b = session.scalars(select(models.Unit.parent_id).where(models.Unit.code == world.b1)).one()
        create_account(session, "town-b", None, [(Role.UNIT_ADMIN, {"unit_id": town_b})])
        session.commit()
    return world


def test_bad_rows_are_reported_at_their_row_and_column_with_nothing_written(roster: World, engine: Engine,
                                                                          tmp_path: Path) -> None:
    cases = [
        (hours_row(99), "志愿者编号", "NOT_FOUND"),
        (hours_row(1, 服务日期="2019-02-30"), "服务日期", "INVALID"),
        (hours_row(1, 服务日期="1970-01-01"), "服务日期", "OUT_OF_RANGE"),
        (hours_row(1, 服务日期="2999-01-01"), "服务日期", "OUT_OF_RANGE"),
        (hours_row(1, 时长小时="0"), "时长小时", "OUT_OF_RANGE"),
        (hours_row(1, 时长小时="24.5"), "时长小时", "OUT_OF_RANGE"),
        (hours_row(1, 时长小时="-2"), "时长小时", "OUT_OF_RANGE"),
        (hours_row(1, 时长小时="two"), "时长小时", "INVALID"),
        (hours_row(1, 时长小时="1.255"), "时长小时", "INVALID"),
        (hours_row(1, 时长类型="信用"), "时长类型", "INVALID"),
        (hours_row(1, 时长类型="gold"), "时长类型", "INVALID"),
        (hours_row(1, 服务内容=""), "服务内容", "REQUIRED"),
        (hours_row(1, 来源=""), "来源", "REQUIRED"),
        (hours_row(1, 补录原因=""), "补录原因", "REQUIRED"),
        (hours_row(1, 服务内容="长" * 201), "服务内容", "INVALID"),
    ]
    good = [hours_row(1, 服务日期="2019-06-01"), hours_row(2)]
    rows = [*good, *[c[0] for c in cases], hours_row(1, 服务日期="2019-06-01", 时长小时="3")]
    expected = {(i + 4, column, code) for i, (_, column, code) in enumerate(cases)}
    expected.add((len(rows) + 1, "服务内容", "DUPLICATE"))  # the same key as row 2, within the file
    for dry_run in (True, False):
        report = hours(roster, write(tmp_path / "bad.xlsx", rows), "admin", dry_run=dry_run)
        assert {(e.row, e.column, e.code) for e in report.errors} == expected
        assert not report.applied and backfill_state(engine) == [] and totals(engine) == {}
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(models.ImportRun).where(
            models.ImportRun.kind == "hours")) == 0


def test_applied_pending_until_another_account_approves_then_counts_and_earns_once(
        roster: World, engine: Engine, tmp_path: Path, api: GraphQLClient) -> None:
    volunteers = ids(engine)
    one, two = volunteers["PZ-V00001"], volunteers["PZ-V00002"]
    path = write(tmp_path / "hours.xlsx", [hours_row(1), hours_row(1, 服务日期="2019-06-01", 时长小时="3"),
                                           hours_row(2, 时长小时="0.75", 时长类型="")])
    report = hours(roster, path)
    assert report.errors == [] and report.applied and report.outcomes["created"] == 3
    state = backfill_state(engine)
    batch = state[0][0]
    assert state == [(batch, "PENDING", 2, 90, "HONOUR"), (batch, "PENDING", 3, 180, "HONOUR"),
                     (batch, "PENDING", 4, 45, "HONOUR")]
    with Session(engine) as session:
        stored = session.get(models.HoursBackfill, batch)
        assert stored is not None and stored.file_name == "hours.xlsx" and stored.imported_at is not None
        importer = session.scalars(select(models.Account.id).where(models.Account.username == "town-a")).one()
        assert stored.imported_by_account_id == importer
    assert totals(engine) == {} and api.data(TOTALS)["serviceHours"]["edges"] == []  # pending counts nothing

    with pytest.raises(MutationAborted) as refused:  # the importer may not approve his own batch
        decide_backfill(roster.db_url, batch, "town-a", RULES, approve=True)
    assert [(p.code.value, p.field) for p in refused.value.problems] == [("OWN_REQUEST", ("input", "batch"))]
    with pytest.raises(MutationAborted) as refused:  # an analyst administers no unit
        decide_backfill(roster.db_url, batch, "analyst", RULES, approve=True)
    assert refused.value.problems[0].code.value == "FORBIDDEN"
    with pytest.raises(MutationAborted) as refused:  # town B's admin does not administer town A's volunteers
        decide_backfill(roster.db_url, batch, "town-b", RULES, approve=True)
    assert refused.value.problems[0].code.value == "FORBIDDEN"
    assert totals(engine) == {} and backfill_state(engine)[0][1] == "PENDING"

    assert decide_backfill(roster.db_url, batch, "town-a-2", RULES, approve=True) == 15 + 20 + 7
    assert totals(engine) == {one: (0, 270), two: (0, 45)}
    edges = {e["node"]["name"]: e["node"] for e in api.data(TOTALS)["serviceHours"]["edges"]}
    assert edges["志愿者1"]["honourHours"] == 4.5 and edges["志愿者1"]["creditHours"] == 0
    may = {"f": "2019-05-01T00:00:00+08:00", "t": "2019-05-02T00:00:00+08:00"}  # the period holds the day served
    assert [(e["node"]["name"], e["node"]["honourHours"]) for e in api.data(TOTALS, may)["serviceHours"]["edges"]] == [
        ("志愿者1", 1.5), ("志愿者2", 0.75)]
    assert api.data(TOTALS, {"f": "2019-05-02T00:00:00+08:00"})["serviceHours"]["edges"][0]["node"]["honourHours"] == 3
    with Session(engine) as session:
        assert volunteer_balance(session, one) == 35 and volunteer_balance(session, two) == 7  # 2h capped: 20
        decided = session.get(models.HoursBackfill, batch)
        assert decided is not None and decided.state == RequestState.APPROVED and decided.decided_at is not None
        # star proposals count the hours where honour hours count, not where only credit counts
        assert stars.due(session, StarSettings(hours=(4, 8, 12, 16, 20), count_honour=True)) == [(one, 1, 270)]
        assert stars.due(session, StarSettings(hours=(4, 8, 12, 16, 20), count_honour=False)) == []
        earned = session.scalar(select(func.count()).select_from(models.LedgerTransaction).where(
            models.LedgerTransaction.idempotency_key.like("hours-backfill:%")))
        assert earned == 3

    with pytest.raises(MutationAborted) as refused:  # approving again: refused, nothing earned twice
        decide_backfill(roster.db_url, batch, "admin", RULES, approve=True)
    assert refused.value.problems[0].code.value == "REQUEST_STATE"
    with Session(engine) as session:
        assert volunteer_balance(session, one) == 35

    again = hours(roster, path)  # re-importing changes nothing: no new batch, no new row
    assert again.outcomes == {"created": 0, "updated": 0, "unchanged": 3} and again.applied
    assert len(backfill_state(engine)) == 3 and totals(engine) == {one: (0, 270), two: (0, 45)}
    changed = hours(roster, write(tmp_path / "changed.xlsx", [hours_row(1, 时长小时="2")]))
    assert [(e.row, e.column, e.code) for e in changed.errors] == [(2, "时长小时", "CONFLICT")]


def test_concurrent_approvals_earn_once(roster: World, engine: Engine, tmp_path: Path) -> None:
    assert hours(roster, write(tmp_path / "hours.xlsx", [hours_row(1)])).applied
    batch = backfill_state(engine)[0][0]

    def approve(user: str) -> str:
        try:
            decide_backfill(roster.db_url, batch, user, RULES, approve=True)
        except MutationAborted as exc:
            return exc.problems[0].code.value
        return "ok"

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(approve, ["admin", "town-a-2", "admin", "town-a-2"]))
    assert outcomes == ["REQUEST_STATE"] * 3 + ["ok"]
    with Session(engine) as session:
        assert volunteer_balance(session, ids(engine)["PZ-V00001"]) == 15


def test_declined_counts_nothing_and_may_be_filed_again(roster: World, engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "hours.xlsx", [hours_row(1)])
    assert hours(roster, path).applied
    batch = backfill_state(engine)[0][0]
    with pytest.raises(MutationAborted) as refused:
        decide_backfill(roster.db_url, batch, "admin", RULES, approve=False, reason=" ")
    assert refused.value.problems[0].code.value == "REQUIRED"
    decide_backfill(roster.db_url, batch, "admin", RULES, approve=False, reason="no register page for this day")
    assert backfill_state(engine) == [(batch, "DECLINED", 2, 90, "HONOUR")] and totals(engine) == {}
    with pytest.raises(MutationAborted):
        decide_backfill(roster.db_url, batch, "town-a-2", RULES, approve=True)
    assert totals(engine) == {}
    with Session(engine) as session:
        assert volunteer_balance(session, ids(engine)["PZ-V00001"]) == 0
    refiled = hours(roster, path)  # a declined row is not on record: filed again in a new batch
    assert refiled.outcomes["created"] == 1 and len({b for b, *_ in backfill_state(engine)}) == 2


def test_town_admin_is_refused_row_by_row_outside_his_subtree(roster: World, engine: Engine, tmp_path: Path) -> None:
    rows = [hours_row(1), hours_row(3), hours_row(2), hours_row(3, 服务日期="2019-07-01")]
    path = write(tmp_path / "hours.xlsx", rows)
    report = hours(roster, path)
    assert {(e.row, e.column, e.code) for e in report.errors} == {(3, "志愿者编号", "FORBIDDEN"),
                                                                 (5, "志愿者编号", "FORBIDDEN")}
    assert not report.applied and backfill_state(engine) == []
    report = hours(roster, path, skip_bad_rows=True)
    assert report.applied and report.outcomes["created"] == 2 and [r[2] for r in backfill_state(engine)] == [2, 4]
    scoped = hours(roster, path, "admin", scope=roster.town_a, dry_run=True)
    assert {(e.row, e.code) for e in scoped.errors} == {(3, "FORBIDDEN"), (5, "FORBIDDEN")}


def test_cli_approve_and_decline(roster: World, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WENMING_DATABASE_URL", roster.db_url)
    path = write(tmp_path / "hours.xlsx", [hours_row(1)])
    assert main(["import", str(path), "--kind", "hours", "--as", "town-a"]) == 0
    batch = backfill_state(engine)[0][0]
    capsys.readouterr()
    assert main(["import", "approve", str(batch), "--as", "town-a"]) == 1
    assert "OWN_REQUEST" in capsys.readouterr().err
    assert main(["import", "approve", str(batch), "--as", "town-a-2"]) == 0
    assert '"APPROVED"' in capsys.readouterr().out
    assert main(["import", "decline", str(batch), "--as", "admin", "--reason", "late"]) == 1
    assert main(["import", "approve", "x", "--as", "admin"]) == 2
    assert main(["import", "template", "hours", "-o", str(tmp_path / "t.xlsx")]) == 0
