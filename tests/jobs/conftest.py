"""Runs as the server executes them: an analyst's scenario runs, started through the API, on
SQLite and PostgreSQL, with settings that make leases short and memory small where a test needs it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from db.models import Role
from examples.problems import scenario_base
from resolvers.scenarios import runs as scenario_runs
from tests.auth.support import token_for
from tests.schema.support import GraphQLClient
from wenming.settings import Settings

START = """
mutation Start($input: ScenarioRunStartInput!) {
  scenarioRunStart(input: $input) { run { id state } userErrors { field message code } }
}
"""
CANCEL = """
mutation Cancel($run: ID!) {
  scenarioRunCancel(input: {run: $run}) { run { id state reason } userErrors { field message code } }
}
"""
RUN = "query Run($id: ID!) { scenarioRun(id: $id) { id state reason progress { phase } } }"

#: a generated scenario that solves for as long as its time limit allows (seconds, not a second)
LONG = """name = "long"
seed = 1

[base]
kind = "generated"
volunteers = {volunteers}
requests = {requests}

[engine]
time_limit = 120
workers = {workers}
"""


@pytest.fixture(scope="session", autouse=True)
def generated_bases() -> None:
    scenario_base.register()


Analyst = Callable[[Settings], GraphQLClient]


@pytest.fixture
def analyst_for(engine: Engine) -> Iterator[Analyst]:
    """analyst_for(settings) -> an analyst's client on an app with those settings (a server process)."""
    clients: list[GraphQLClient] = []

    def make(settings: Settings) -> GraphQLClient:
        token = token_for(settings, engine, "analyst", [(Role.ANALYST, {})], password=None)
        clients.append(GraphQLClient(settings, engine, headers={"Authorization": f"Bearer {token}"}))
        return clients[-1]

    try:
        yield make
    finally:
        scenario_runs.drain(120)  # no worker may outlive the test's database
        for client in clients:
            client.close()


def start(client: GraphQLClient, toml: str) -> str:
    payload = client.data(START, {"input": {"toml": toml}})["scenarioRunStart"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["run"]["id"]  # type: ignore[no-any-return]


def read(client: GraphQLClient, run_id: str) -> dict[str, Any]:
    return client.data(RUN, {"id": run_id})["scenarioRun"]  # type: ignore[no-any-return]


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something true (TimeoutError naming `what` after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout} s")
