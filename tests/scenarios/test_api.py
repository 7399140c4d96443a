"""Scenario runs through GraphQL, on SQLite and PostgreSQL: an analyst starts a run in the
background, lists, reads KPIs, compares; the KPIs equal a CLI run of the same scenario and seed;
bad input is a userError naming the line and key with nothing stored; cancel and restart recovery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from db.models import Role
from db.models.base import utcnow
from db.models.dispatch import RunState
from examples.load import load_city_into
from matching.scenarios import kpis
from resolvers.scenarios import runs as scenario_runs
from tests.auth.support import token_for
from tests.schema.support import GraphQLClient
from wenming.cli import main as wenming_main
from wenming.settings import Settings

START = """
mutation Start($input: ScenarioRunStartInput!) {
  scenarioRunStart(input: $input) { run { id name state } userErrors { field message code } }
}
"""
CANCEL = """
mutation Cancel($run: ID!) {
  scenarioRunCancel(input: {run: $run}) { run { id state reason } userErrors { field message code } }
}
"""
RUN = """
query Run($id: ID!) {
  scenarioRun(id: $id) {
    id name state reason fingerprint changes createdBy progress { phase partsDone partsTotal }
    kpis { staffingRate staffed demanded openRequests travelKmP90 workloadGini solveStatus gap all }
  }
}
"""
RUNS = """
query Runs($first: Int, $after: String) {
  scenarioRuns(first: $first, after: $after) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor }
  }
}
"""
COMPARE = """
query Compare($a: ID!, $b: ID!) {
  scenarioRunCompare(a: $a, b: $b) {
    a { name } b { name } differences { key label a b difference better }
  }
}
"""
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")

TINY = """name = "tiny-{tag}"
seed = 2

[base]
kind = "generated"
volunteers = 300
requests = 60
{extra}
[engine]
time_limit = 3
workers = 1
"""


def database_scenario(unit: str = "PZ-C", date_from: str = "2026-12-01") -> str:
    return f"""name = "db"
seed = 4

[base]
kind = "database"
unit = "{unit}"
date_from = "{date_from}"

[[changes]]
type = "remove_volunteers"
town = "PZ-I03"
share = 0.5

[engine]
time_limit = 2
workers = 1
"""


@pytest.fixture
def analyst(settings: Settings, engine: Engine, api: GraphQLClient) -> Iterator[GraphQLClient]:
    """An analyst's client, made before any run starts (a new app recovers stuck runs)."""
    token = token_for(settings, engine, "analyst", [(Role.ANALYST, {})], password=None)
    client = GraphQLClient(settings, engine, headers={"Authorization": f"Bearer {token}"})
    try:
        yield client
    finally:
        scenario_runs.drain(120)  # no worker may outlive the test's database
        client.close()


def start(client: GraphQLClient, **input_: Any) -> str:
    payload = client.data(START, {"input": input_})["scenarioRunStart"]
    assert payload["userErrors"] == [], payload["userErrors"]
    assert payload["run"]["state"] in ("QUEUED", "RUNNING", "SUCCEEDED")
    return payload["run"]["id"]  # type: ignore[no-any-return]


def wait(client: GraphQLClient, run_id: str, timeout: float = 120) -> dict[str, Any]:
    """The run once its worker has finished: every run started so far is done when the scenario
    queue drains (TimeoutError after `timeout` seconds), so no polling and no sleeping."""
    scenario_runs.drain(timeout)
    run: dict[str, Any] = client.data(RUN, {"id": run_id})["scenarioRun"]
    assert run["state"] in FINAL, run
    return run


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(models.ScenarioRun)) or 0)


def test_an_analyst_run_on_the_database_matches_the_cli(analyst: GraphQLClient, engine: Engine, db_url: str,
                                                        tmp_path: Path) -> None:
    load_city_into(engine, "pizhou", volunteers=1500, seed=1, day=date(2026, 12, 1), progress=False)
    text = database_scenario()
    run = wait(analyst, start(analyst, toml=text))
    assert run["state"] == "SUCCEEDED", run["reason"]
    assert run["createdBy"] == "analyst" and run["progress"]["phase"] == "done"
    assert "changes[0] remove_volunteers" in run["changes"][0] and "town=PZ-I03" in run["changes"][0]
    got = run["kpis"]
    assert got["staffed"] == got["all"]["staffing"]["overall"]["staffed"] > 0
    assert got["staffingRate"] == got["all"]["staffing"]["overall"]["rate"]
    assert got["openRequests"] == sum(got["all"]["open_by_reason"].values())
    # the same text and seed through `wenming scenario run` (with the database's URL)
    file = tmp_path / "db.toml"
    file.write_text(text.replace('date_from = "2026-12-01"', f'date_from = "2026-12-01"\nurl = "{db_url}"'),
                    encoding="utf-8")
    assert wenming_main(["scenario", "run", str(file), "-o", str(tmp_path / "cli"), "-q"]) == 0
    cli = json.loads((tmp_path / "cli" / "kpis.json").read_text(encoding="utf-8"))
    assert cli["fingerprint"] == run["fingerprint"]
    # both solves use one worker, budgeted in deterministic time, and are proven optimal
    assert got["all"]["solve"]["status"] == cli["kpis"]["solve"]["status"] == "OPTIMAL"
    assert kpis.without_timings(cli["kpis"]) == kpis.without_timings(got["all"])


def test_runs_are_listed_newest_first_and_compared(analyst: GraphQLClient, api: GraphQLClient) -> None:
    fewer = '\n[[changes]]\ntype = "remove_volunteers"\nshare = 0.6\n'
    first = wait(analyst, start(analyst, toml=TINY.format(tag="a", extra="")))
    second = wait(api, start(api, toml=TINY.format(tag="b", extra=fewer), name="fewer volunteers"))
    assert first["state"] == second["state"] == "SUCCEEDED", (first["reason"], second["reason"])
    page = analyst.data(RUNS, {"first": 1})["scenarioRuns"]
    assert page["totalCount"] == 2 and [e["node"]["name"] for e in page["edges"]] == ["fewer volunteers"]
    assert page["pageInfo"]["hasNextPage"]
    rest = analyst.data(RUNS, {"first": 5, "after": page["pageInfo"]["endCursor"]})["scenarioRuns"]
    assert [e["node"]["name"] for e in rest["edges"]] == ["tiny-a"] and not rest["pageInfo"]["hasNextPage"]

    cmp = analyst.data(COMPARE, {"a": first["id"], "b": second["id"]})["scenarioRunCompare"]
    assert (cmp["a"]["name"], cmp["b"]["name"]) == ("tiny-a", "fewer volunteers")
    by_key = {d["key"]: d for d in cmp["differences"]}
    a_kpis, b_kpis = first["kpis"]["all"], second["kpis"]["all"]
    volunteers = by_key["volunteers"]
    assert volunteers["a"] == a_kpis["size"]["volunteers"] and volunteers["b"] == b_kpis["size"]["volunteers"]
    assert volunteers["difference"] == volunteers["b"] - volunteers["a"] < 0
    staffed = by_key["staffed"]
    assert staffed["difference"] == second["kpis"]["staffed"] - first["kpis"]["staffed"]
    assert staffed["better"] is (None if staffed["difference"] == 0 else staffed["difference"] > 0)
    assert by_key["solve_status"]["difference"] is None

    report = analyst.data('query($id: ID!) { scenarioRun(id: $id) { reportHtml } }',
                          {"id": first["id"]})["scenarioRun"]["reportHtml"]
    assert report.startswith("<!DOCTYPE html>") and report.count("<svg") >= 3 and "<script" not in report


@pytest.mark.parametrize("text, field, message", [
    ("name = \n", "toml", "TOML syntax error"),
    (TINY.format(tag="x", extra="").replace("workers = 1", "workers = 1\nspeed = 3"), "toml",
     "line 12: engine.speed: unknown key"),
    (TINY.format(tag="x", extra='\n[[changes]]\ntype = "surge"\n'), "toml",
     "line 10: changes[0].type: unknown change type"),
    ('[base]\nkind = "problem"\npath = "/etc/passwd"\n', "toml", 'line 2: base.kind: a "problem" base reads a file'),
    ('[base]\nkind = "database"\nunit = "PZ-C"\ndate_from = "2026-12-01"\nurl = "sqlite:///x.db"\n', "toml",
     "line 5: base.url: the API reads its own database"),
    (database_scenario(unit="atlantis"), "toml", "line 6: base.unit: no unit has the code or name 'atlantis'"),
    (TINY.format(tag="x", extra="").replace("time_limit = 3", "time_limit = 9000"), "toml",
     "line 10: engine.time_limit: must be > 0 and at most 600 seconds"),
])
def test_bad_scenarios_are_user_errors_naming_line_and_key_and_store_nothing(
        analyst: GraphQLClient, engine: Engine, text: str, field: str, message: str) -> None:
    payload = analyst.data(START, {"input": {"toml": text}})["scenarioRunStart"]
    assert payload["run"] is None
    [error] = payload["userErrors"]
    assert error["field"] == ["input", field] and error["code"] == "INVALID" and message in error["message"], error
    assert stored(engine) == 0


def test_inputs_that_name_nothing(analyst: GraphQLClient, engine: Engine) -> None:
    none = analyst.data(START, {"input": {}})["scenarioRunStart"]["userErrors"]
    assert [(e["field"], e["code"]) for e in none] == [(["input", "toml"], "REQUIRED")]
    unknown = analyst.data(START, {"input": {"example": "atlantis"}})["scenarioRunStart"]["userErrors"]
    assert unknown[0]["code"] == "NOT_FOUND" and "surge-lei-feng-day" in unknown[0]["message"]
    examples = analyst.data("{ scenarioExamples { name description } }")["scenarioExamples"]
    assert {"baseline-week", "surge-lei-feng-day", "town-loses-third"} <= {e["name"] for e in examples}
    body = analyst.execute(RUN, {"id": "nonsense"})
    assert body["errors"][0]["extensions"]["code"] == "MALFORMED_ID"
    assert stored(engine) == 0


def test_a_change_naming_a_missing_team_fails_the_run_with_line_and_key(analyst: GraphQLClient) -> None:
    text = TINY.format(tag="t", extra='\n[[changes]]\ntype = "remove_team"\nteam = "T-atlantis"\n')
    run = wait(analyst, start(analyst, toml=text))
    assert run["state"] == "FAILED" and "line 11: changes[0].team: unknown team 'T-atlantis'" in run["reason"]
    assert run["kpis"] is None


def test_cancel_and_restart_recovery(analyst: GraphQLClient, settings: Settings, engine: Engine) -> None:
    run_id = start(analyst, example="town-loses-third")  # 2,000 volunteers: about a second to build
    cancelled = analyst.data(CANCEL, {"run": run_id})["scenarioRunCancel"]
    assert cancelled["userErrors"] == [] and cancelled["run"]["state"] == "CANCELLED"
    assert "cancelled by analyst" in cancelled["run"]["reason"]
    again = analyst.data(CANCEL, {"run": run_id})["scenarioRunCancel"]
    assert again["run"] is None and again["userErrors"][0]["code"] == "INVALID"
    assert wait(analyst, run_id)["state"] == "CANCELLED"  # its worker finished and did not overwrite it
    # a run a stopped server left RUNNING is FAILED when the next app starts
    with engine.begin() as conn:
        conn.execute(models.ScenarioRun.__table__.insert().values(
            name="stuck", source="", state=RunState.RUNNING, reason="", phase="solving", parts_done=0,
            parts_total=0, fingerprint="", created_by="", created_at=utcnow()))
    GraphQLClient(settings, engine).close()
    page = analyst.data(RUNS, {"first": 1})["scenarioRuns"]
    stuck = analyst.data(RUN, {"id": page["edges"][0]["node"]["id"]})["scenarioRun"]
    assert stuck["name"] == "stuck" and stuck["state"] == "FAILED" and "server stopped" in stuck["reason"]
