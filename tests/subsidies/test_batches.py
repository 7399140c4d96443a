"""Subsidies through the API (served by uvicorn, SQLite and PostgreSQL): rules of a unit, a month's
batch computed from completed tasks and approved hours, approved by another account, frozen once
approved (computing it again changes nothing), corrected by an adjustment line, exported for
payment as CSV and XLSX; bad rules are refused with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from db import models
from db.models import Role
from db.models.dispatch import AssignmentStatus
from db.session import session_factory
from examples.load import load_city_into
from resolvers.core import globalid
from resolvers.subsidies.export import ExportError
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient, register_doctor, submit_order
from wenming.cli import main
from wenming.import_cli import ImportCliError
from wenming.settings import Settings
from wenming.subsidies_cli import export_batch

ERRORS = "userErrors { field message code }"
RULE = ("mutation R($input: SubsidyRuleCreateInput!) { subsidyRuleCreate(input: $input) { "
        f"rule {{ id kind amountFen minKm maxKm }} {ERRORS} }} }}")
BATCH_FIELDS = ("id month state totalFen pendingFen driftFen approvedAt lines(first: 100) { edges { node { id kind "
                "amountFen day taskId ruleId quantity basis approvedAt volunteer { id } } } }")
COMPUTE = ("mutation C($input: SubsidyBatchComputeInput!) { subsidyBatchCompute(input: $input) { "
           f"result {{ changed batch {{ {BATCH_FIELDS} }} }} {ERRORS} }} }}")
APPROVE = ("mutation A($input: SubsidyBatchApproveInput!) { subsidyBatchApprove(input: $input) { "
           f"batch {{ {BATCH_FIELDS} }} {ERRORS} }} }}")
ADJUST = ("mutation J($input: SubsidyAdjustmentProposeInput!) { subsidyAdjustmentPropose(input: $input) { "
          f"line {{ id amountFen approvedAt basis }} {ERRORS} }} }}")
ADJUST_APPROVE = ("mutation K($input: SubsidyAdjustmentApproveInput!) { subsidyAdjustmentApprove(input: $input) { "
                  f"line {{ id amountFen approvedAt }} {ERRORS} }} }}")
BATCH = f"query B($unit: ID!, $month: String!) {{ subsidyBatch(unit: $unit, month: $month) {{ {BATCH_FIELDS} }} }}"
MONTH = "2026-12"


def served(engine: Engine, order: str, volunteer: str, start: dt.datetime, km: float, minutes: int | None,
           status: AssignmentStatus = AssignmentStatus.COMPLETED) -> int:
    """A task of `volunteer` on `order` starting at `start` (local wall clock), `km` away, with
    `minutes` credited on its service record (None: no record), as check-out and approved time
    claims write them."""
    with session_factory(engine)() as session:
        task = models.Assignment(order_id=pk(order), volunteer_id=pk(volunteer), skill_code="doctor", start=start,
                                 end=start + dt.timedelta(hours=2), distance_km=km, status=status)
        session.add(task)
        session.flush()
        if minutes is not None:
            stamp = (start - dt.timedelta(hours=8)).replace(tzinfo=dt.UTC)
            session.add(models.ServiceRecord(assignment_id=task.id, volunteer_id=task.volunteer_id,
                                             order_id=task.order_id, checked_in_at=stamp,
                                             checked_out_at=stamp + dt.timedelta(minutes=minutes),
                                             credit_minutes=minutes))
        session.commit()
        return task.id


def task_pk(global_id: str) -> int | None:
    return globalid.decode_pk(global_id, "Assignment")


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model.__table__)).scalar_one())


def lines_table(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted(map(tuple, conn.execute(select(models.SubsidyLine.__table__)).all()), key=repr)


def rule(api: DispatchClient, token: str, unit: str, kind: str, amount: int, **extra: Any) -> dict[str, Any]:
    payload = api.data_as(token, RULE, {"input": {"unit": unit, "kind": kind, "validFrom": "2026-12-01",
                                                  "validUntil": "2026-12-31", "amountFen": amount, **extra}})
    assert payload["subsidyRuleCreate"]["userErrors"] == [], payload
    created: dict[str, Any] = payload["subsidyRuleCreate"]["rule"]
    return created


def nodes(batch: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in batch["lines"]["edges"]]


def codes(payload: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def test_a_month_is_computed_approved_by_another_account_frozen_corrected_and_exported(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine, db_url: str,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    center = world["center"]
    proposer = token_for(settings, engine, "center-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(center)})])
    approver = token_for(settings, engine, "center-admin-2", [(Role.UNIT_ADMIN, {"unit_id": pk(center)})])
    rule(api, proposer, center, "TRANSPORT_BAND", 500, minKm=0, maxKm=5)
    rule(api, proposer, center, "TRANSPORT_BAND", 1000, minKm=5)
    rule(api, proposer, center, "LIVING_HOUR", 2000)
    cap = rule(api, proposer, center, "MONTHLY_CAP", 6000)
    first = register_doctor(api, center, world["team"], world["doctor"], 34.33, 117.95, name="王医生")
    second = register_doctor(api, center, world["team"], world["doctor"], 34.30, 117.90, name="赵医生")
    order = submit_order(api, world, world["east"], 34.33, 117.96)
    day = dt.datetime(2026, 12, 7, 9, 0)
    a1 = served(engine, order, first, day, 3.0, 120)  # 500 transport + 4000 living
    a2 = served(engine, order, first, day + dt.timedelta(hours=4), 8.0, 90)  # 1000 + 3000
    a3 = served(engine, order, first, day + dt.timedelta(days=1), 8.0, None)  # 1000 (no approved hours)
    b1 = served(engine, order, second, day + dt.timedelta(days=2), 12.5, 45)  # 1000 + 1500
    served(engine, order, second, dt.datetime(2026, 11, 30, 9, 0), 8.0, 60)  # another month
    served(engine, order, second, day + dt.timedelta(days=3), 8.0, None, AssignmentStatus.NO_SHOW)  # not served

    computed = api.data_as(proposer, COMPUTE, {"input": {"unit": center, "month": MONTH}})["subsidyBatchCompute"]
    assert computed["userErrors"] == []
    batch = computed["result"]["batch"]
    assert computed["result"]["changed"] and batch["state"] == "PROPOSED" and batch["month"] == MONTH
    got = sorted((ln["volunteer"]["id"], ln["kind"], ln["amountFen"], ln["taskId"] and task_pk(ln["taskId"]))
                 for ln in nodes(batch))
    assert got == sorted([(first, "TRANSPORT", 500, a1), (first, "LIVING", 4000, a1), (first, "TRANSPORT", 1000, a2),
                          (first, "LIVING", 3000, a2), (first, "TRANSPORT", 1000, a3), (first, "CAP", -3500, None),
                          (second, "TRANSPORT", 1000, b1), (second, "LIVING", 1500, b1)])
    cap_line = next(ln for ln in nodes(batch) if ln["kind"] == "CAP")
    assert cap_line["ruleId"] == cap["id"] and "¥95.00 earned, ¥60.00 at most" in cap_line["basis"]
    assert any("8 km, band 5.. km" in ln["basis"] for ln in nodes(batch))
    assert (batch["pendingFen"], batch["totalFen"]) == (8500, 0)
    assert sum(ln["amountFen"] for ln in nodes(batch)) == batch["pendingFen"]

    again = api.data_as(proposer, COMPUTE, {"input": {"unit": center, "month": MONTH}})["subsidyBatchCompute"]
    assert again["result"]["changed"] is False and again["result"]["batch"]["pendingFen"] == 8500

    # the proposer does not approve his own batch; nothing is written
    before = lines_table(engine)
    own = api.data_as(proposer, APPROVE, {"input": {"batch": batch["id"]}})["subsidyBatchApprove"]
    assert codes(own) == [(["input", "batch"], "OWN_REQUEST")] and lines_table(engine) == before
    approved = api.data_as(approver, APPROVE, {"input": {"batch": batch["id"]}})["subsidyBatchApprove"]
    assert approved["userErrors"] == []
    approved_batch = approved["batch"]
    assert approved_batch["state"] == "APPROVED" and (approved_batch["totalFen"], approved_batch["pendingFen"]) == (
        8500, 0)
    assert sum(ln["amountFen"] for ln in nodes(approved_batch)) == approved_batch["totalFen"]
    assert all(ln["approvedAt"] for ln in nodes(approved_batch))

    # a late task, then computing again: the approved batch does not change at all
    late = served(engine, order, second, day + dt.timedelta(days=4), 3.0, 60)
    frozen = lines_table(engine)
    rerun = api.data_as(proposer, COMPUTE, {"input": {"unit": center, "month": MONTH}})["subsidyBatchCompute"]
    assert rerun["result"]["changed"] is False and rerun["result"]["batch"]["state"] == "APPROVED"
    assert lines_table(engine) == frozen
    assert rerun["result"]["batch"]["driftFen"] == 2500, "the late task would pay 500 + 2000 (under the cap)"
    again_approved = api.data_as(approver, APPROVE, {"input": {"batch": batch["id"]}})["subsidyBatchApprove"]
    assert codes(again_approved) == [(["input", "batch"], "ILLEGAL_TRANSITION")]

    # the correction is a new adjustment line, approved by another account
    adjustment = api.data_as(approver, ADJUST, {"input": {"batch": batch["id"], "volunteer": second,
                                                          "amountFen": 2500, "reason": "12月11日任务补发"}})
    line = adjustment["subsidyAdjustmentPropose"]["line"]
    assert line["approvedAt"] is None and line["basis"] == "adjustment: 12月11日任务补发"
    pending = api.data_as(proposer, BATCH, {"unit": center, "month": MONTH})["subsidyBatch"]
    assert (pending["totalFen"], pending["pendingFen"], pending["driftFen"]) == (8500, 2500, 2500)
    refused = api.data_as(approver, ADJUST_APPROVE, {"input": {"line": line["id"]}})["subsidyAdjustmentApprove"]
    assert codes(refused) == [(["input", "line"], "OWN_REQUEST")]
    ok = api.data_as(proposer, ADJUST_APPROVE, {"input": {"line": line["id"]}})["subsidyAdjustmentApprove"]
    assert ok["userErrors"] == [] and ok["line"]["approvedAt"]
    paid = api.data_as(proposer, BATCH, {"unit": center, "month": MONTH})["subsidyBatch"]
    assert (paid["totalFen"], paid["pendingFen"], paid["driftFen"]) == (11000, 0, 0)
    assert sum(ln["amountFen"] for ln in nodes(paid)) == paid["totalFen"]
    assert [ln for ln in lines_table(engine) if ln not in frozen] != [] and all(ln in lines_table(engine)
                                                                              for ln in frozen)

    # another unit's batch pays only what no batch paid: the late task, not the approved ones
    institute = world["institute"]
    token_for(settings, engine, "institute-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(institute)})])
    rule(api, proposer, institute, "TRANSPORT_FLAT", 300)
    other = api.data_as(proposer, COMPUTE, {"input": {"unit": institute, "month": MONTH}})["subsidyBatchCompute"]
    assert [(task_pk(ln["taskId"]), ln["amountFen"]) for ln in nodes(other["result"]["batch"])] == [(late, 300)]

    # the export: a row per volunteer, totals equal to the batch's; the workbook has every line
    url = db_url
    out = export_batch(url, _code(api, center), MONTH, "center-admin", tmp_path / "batch.csv")
    assert out["total_fen"] == 11000 and out["volunteers"] == 2
    with (tmp_path / "batch.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "phone" not in rows[0]
    assert sorted((r["name"], int(r["total_fen"])) for r in rows) == [("王医生", 6000), ("赵医生", 5000)]
    assert sum(int(r["total_fen"]) for r in rows) == paid["totalFen"]
    assert sum(Decimal(r["total_yuan"]) for r in rows) == Decimal("110.00")
    reads = count(engine, models.PersonalDataRead)
    export_batch(url, _code(api, center), MONTH, "center-admin", tmp_path / "batch.xlsx", personal=True)
    book = load_workbook(tmp_path / "batch.xlsx", read_only=True)
    summary = list(book["summary"].values)
    detail = list(book["lines"].values)
    assert summary[0][:4] == ("volunteer_number", "name", "phone", "id_number_tail")
    assert sum(r[summary[0].index("total_fen")] for r in summary[1:]) == 11000
    assert sum(r[3] for r in detail[1:]) == 11000 and len(detail) - 1 == len(nodes(paid))
    assert count(engine, models.PersonalDataRead) == reads + 2, "each volunteer's personal data read is audited"

    # who may not: an analyst exports nothing, a dispatcher or another unit's admin finds no batch, nobody
    # exports a proposed one
    token_for(settings, engine, "analyst", [(Role.ANALYST, {})])
    with pytest.raises(ExportError, match="de-identified"):
        export_batch(url, _code(api, center), MONTH, "analyst", tmp_path / "x.csv")
    token_for(settings, engine, "center-dispatcher", [(Role.DISPATCHER, {"unit_id": pk(center)})])
    with pytest.raises(ExportError, match="no subsidy batch"):
        export_batch(url, _code(api, center), MONTH, "center-dispatcher", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="no subsidy batch"):
        export_batch(url, _code(api, center), MONTH, "institute-admin", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="not approved"):
        export_batch(url, _code(api, institute), MONTH, "center-admin", tmp_path / "x.csv")
    with pytest.raises(ImportCliError):
        export_batch(url, _code(api, center), MONTH, "nobody", tmp_path / "x.csv")
    with pytest.raises(ExportError, match=r"\.csv or \.xlsx"):
        export_batch(url, _code(api, center), MONTH, "center-admin", tmp_path / "x.pdf")

    # the command line: the summary on stdout, exit code 2 for what cannot be exported
    monkeypatch.setenv("WENMING_DATABASE_URL", url)
    command = ["subsidies", "export", "--unit", _code(api, center), "--as", "center-admin", "-o",
               str(tmp_path / "cli.xlsx")]
    capsys.readouterr()
    assert main([*command, "--month", MONTH]) == 0
    assert json.loads(capsys.readouterr().out)["total_fen"] == 11000
    assert main([*command, "--month", "2026-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def _code(api: DispatchClient, unit: str) -> str:
    code: str = api.data("query U($id: ID!) { node(id: $id) { ... on Unit { code } } }", {"id": unit})["node"]["code"]
    return code


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"amountFen": -100}, ["input", "amountFen"], "OUT_OF_RANGE"),
    ({"validFrom": "2026-12-31", "validUntil": "2026-12-01"}, ["input", "validUntil"], "OUT_OF_RANGE"),
    ({"minKm": 4, "maxKm": 8}, ["input", "minKm"], "OVERLAP"),  # overlaps the 5..10 km band
    ({"minKm": 10, "maxKm": 10}, ["input", "maxKm"], "OUT_OF_RANGE"),
    ({"minKm": -1, "maxKm": 2}, ["input", "minKm"], "OUT_OF_RANGE"),
    ({"kind": "TRANSPORT_FLAT", "minKm": None, "maxKm": None}, ["input", "validFrom"], "OVERLAP"),
    ({"kind": "LIVING_DAY", "minKm": 1}, ["input", "minKm"], "INVALID"),
    ({"unit": "VW5pdDo5OTk5OTk="}, ["input", "unit"], "NOT_FOUND"),
])
def test_bad_rules_are_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                                     change: dict[str, Any], field: list[str], code: str) -> None:
    base = {"unit": world["center"], "kind": "TRANSPORT_BAND", "validFrom": "2026-12-01", "validUntil": "2026-12-31",
            "amountFen": 800, "minKm": 5, "maxKm": 10}
    assert api.data(RULE, {"input": base})["subsidyRuleCreate"]["userErrors"] == []
    before = count(engine, models.SubsidyRule)
    data = {k: v for k, v in {**base, **change, "minKm": change.get("minKm", 12), "maxKm": change.get("maxKm", 20)
                              } .items() if v is not None}
    payload = api.data(RULE, {"input": data})["subsidyRuleCreate"]
    assert payload["rule"] is None
    assert codes(payload) == [(field, code)], payload["userErrors"]
    assert count(engine, models.SubsidyRule) == before


def test_a_band_next_to_another_and_a_later_period_are_accepted(api: DispatchClient, world: dict[str, Any]) -> None:
    base = {"unit": world["center"], "kind": "TRANSPORT_BAND", "validFrom": "2026-12-01", "validUntil": "2026-12-31",
            "amountFen": 800, "minKm": 5, "maxKm": 10}
    for change in ({}, {"minKm": 10, "maxKm": None}, {"minKm": 0, "maxKm": 5},
                   {"validFrom": "2027-01-01", "validUntil": "2027-01-31"}):
        data = {k: v for k, v in {**base, **change}.items() if v is not None}
        assert api.data(RULE, {"input": data})["subsidyRuleCreate"]["userErrors"] == [], change


def test_bad_batch_input_is_refused_with_nothing_written(api: DispatchClient, world: dict[str, Any],
                                                         engine: Engine) -> None:
    for month in ("2026-13", "12/2026", ""):
        payload = api.data(COMPUTE, {"input": {"unit": world["center"], "month": month}})["subsidyBatchCompute"]
        assert codes(payload) == [(["input", "month"], "INVALID")]
    assert count(engine, models.SubsidyBatch) == 0
    batch = api.data(COMPUTE, {"input": {"unit": world["center"], "month": MONTH}})["subsidyBatchCompute"]
    proposed = batch["result"]["batch"]["id"]
    early = api.data(ADJUST, {"input": {"batch": proposed, "volunteer": register_doctor(
        api, world["center"], world["team"], world["doctor"], 34.3, 117.9), "amountFen": 0, "reason": " "}})
    assert sorted(codes(early["subsidyAdjustmentPropose"])) == [(["input", "amountFen"], "OUT_OF_RANGE"),
                                                                (["input", "reason"], "REQUIRED")]
    assert count(engine, models.SubsidyLine) == 0
    bad = api.execute(BATCH, {"unit": world["center"], "month": "2026-1"})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"


def test_a_unit_admin_reaches_his_own_subtree_only(api: DispatchClient, world: dict[str, Any], settings: Settings,
                                                   engine: Engine) -> None:
    east = token_for(settings, engine, "east-admin", [(Role.UNIT_ADMIN, {"unit_id": pk(world["east"])})])
    own = api.data_as(east, RULE, {"input": {"unit": world["east"], "kind": "TRANSPORT_FLAT", "validFrom": "2026-12-01",
                                             "validUntil": "2026-12-31", "amountFen": 500}})
    assert own["subsidyRuleCreate"]["userErrors"] == []
    above = api.data_as(east, RULE, {"input": {"unit": world["center"], "kind": "TRANSPORT_FLAT",
                                               "validFrom": "2026-12-01", "validUntil": "2026-12-31",
                                               "amountFen": 500}})
    assert [e["code"] for e in above["subsidyRuleCreate"]["userErrors"]] == ["FORBIDDEN"]
    center_batch = api.data(COMPUTE, {"input": {"unit": world["center"], "month": MONTH}})["subsidyBatchCompute"]
    assert center_batch["userErrors"] == []
    refused = api.data_as(east, COMPUTE, {"input": {"unit": world["center"], "month": MONTH}})["subsidyBatchCompute"]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    assert api.data_as(east, BATCH, {"unit": world["center"], "month": MONTH})["subsidyBatch"] is None
    approve = api.data_as(east, APPROVE, {"input": {"batch": center_batch["result"]["batch"]["id"]}})
    assert [e["code"] for e in approve["subsidyBatchApprove"]["userErrors"]] == ["NOT_FOUND"]


def test_a_living_allowance_per_day_pays_each_approved_service_day_once(api: DispatchClient, world: dict[str, Any],
                                                                        engine: Engine) -> None:
    station = world["east"]
    api.ok(RULE, {"input": {"unit": station, "kind": "LIVING_DAY", "validFrom": "2026-12-01",
                            "validUntil": "2026-12-15", "amountFen": 3000}}, "subsidyRuleCreate")
    api.ok(RULE, {"input": {"unit": station, "kind": "TRANSPORT_FLAT", "validFrom": "2026-12-10",
                            "validUntil": "2026-12-31", "amountFen": 200}}, "subsidyRuleCreate")
    doctor = register_doctor(api, world["center"], world["team"], world["doctor"], 34.33, 117.95)
    order = submit_order(api, world, station, 34.33, 117.96)
    morning = served(engine, order, doctor, dt.datetime(2026, 12, 7, 8, 0), 2.0, 60)
    served(engine, order, doctor, dt.datetime(2026, 12, 7, 14, 0), 2.0, 30)  # the same day: no second allowance
    served(engine, order, doctor, dt.datetime(2026, 12, 9, 8, 0), 2.0, 0)  # no approved hours: no allowance
    later = served(engine, order, doctor, dt.datetime(2026, 12, 12, 8, 0), 2.0, 45)  # allowance and transport
    served(engine, order, doctor, dt.datetime(2026, 12, 20, 8, 0), 2.0, 45)  # after the allowance's period
    batch = api.ok(COMPUTE, {"input": {"unit": station, "month": MONTH}}, "subsidyBatchCompute")["result"]["batch"]
    got = sorted((ln["kind"], ln["day"], ln["amountFen"]) for ln in nodes(batch))
    assert got == [("LIVING", "2026-12-07", 3000), ("LIVING", "2026-12-12", 3000),
                   ("TRANSPORT", "2026-12-12", 200), ("TRANSPORT", "2026-12-20", 200)]
    living = {task_pk(ln["taskId"]) for ln in nodes(batch) if ln["kind"] == "LIVING"}
    assert living == {morning, later}, "the day's first task earns the day"
    assert batch["pendingFen"] == 6400 == sum(ln["amountFen"] for ln in nodes(batch))


def test_a_month_of_the_kunshan_example_is_computed_approved_recomputed_and_exported(
        api: DispatchClient, settings: Settings, engine: Engine, db_url: str, tmp_path: Path) -> None:
    """The example's quarter of served tasks and approved hours (examples/service.py): a month of
    it paid by a flat transport subsidy and a living allowance per approved hour."""
    day = dt.date(2026, 12, 1)
    center_pk = load_city_into(engine, "kunshan", volunteers=150, seed=3, day=day,
                               secret_key=settings.secret_key).center_id
    center = globalid.encode("Unit", center_pk)
    proposer = token_for(settings, engine, "ks-admin", [(Role.UNIT_ADMIN, {"unit_id": center_pk})])
    approver = token_for(settings, engine, "ks-admin-2", [(Role.UNIT_ADMIN, {"unit_id": center_pk})])
    month, first, last = "2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    for kind, fen in (("TRANSPORT_FLAT", 800), ("LIVING_HOUR", 1500)):
        assert api.data_as(proposer, RULE, {"input": {"unit": center, "kind": kind, "amountFen": fen,
                                                      "validFrom": "2026-01-01", "validUntil": "2026-12-31"}}
                           )["subsidyRuleCreate"]["userErrors"] == []
    # what the month holds, counted directly: completed tasks starting in October (local days)
    a = models.Assignment
    with engine.connect() as conn:
        tasks = conn.execute(select(a.id, a.volunteer_id).where(
            a.status == AssignmentStatus.COMPLETED, a.start >= dt.datetime.combine(first, dt.time()),
            a.start < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))).all()
    assert len(tasks) > 50  # the example's quarter covers the month

    computed = api.data_as(proposer, COMPUTE, {"input": {"unit": center, "month": month}})["subsidyBatchCompute"]
    assert computed["userErrors"] == []
    batch_pk = globalid.decode_pk(computed["result"]["batch"]["id"], "SubsidyBatch")
    with engine.connect() as conn:
        line = models.SubsidyLine
        kinds = dict(conn.execute(select(line.kind, func.count()).where(line.batch_id == batch_pk)
                                  .group_by(line.kind)).all())
        total = conn.scalar(select(func.sum(line.amount_fen)).where(line.batch_id == batch_pk))
    assert kinds["TRANSPORT"] == len(tasks)  # one flat line per completed task of the month
    assert kinds["LIVING"] == len(tasks)  # every example task has approved hours on its record
    assert computed["result"]["batch"]["pendingFen"] == total > 800 * len(tasks)

    approved = api.data_as(approver, APPROVE, {"input": {"batch": computed["result"]["batch"]["id"]}}
                           )["subsidyBatchApprove"]
    assert approved["userErrors"] == [] and approved["batch"]["totalFen"] == total
    before = lines_table(engine)
    again = api.data_as(proposer, COMPUTE, {"input": {"unit": center, "month": month}})["subsidyBatchCompute"]
    assert again["result"]["changed"] is False and lines_table(engine) == before

    out = export_batch(db_url, "KS-C", month, "ks-admin", tmp_path / "october.csv")
    with (tmp_path / "october.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert out["total_fen"] == total == sum(int(r["total_fen"]) for r in rows)
    assert len(rows) == len({volunteer for _, volunteer in tasks})
