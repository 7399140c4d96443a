"""What clients see of failures in production, over real HTTP (uvicorn in a thread), and what the
log keeps of them: regression tests of the trust review's M1 (driver text reached clients) and L7
(messages named internal types)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from websockets.sync.client import connect
from websockets.typing import Subprotocol

import resolvers.forces.teams
from tests.auth.serving import serve_in_thread
from tests.auth.support import admin_headers
from tests.documents import NOTIFICATIONS, SKILL_CREATE, SKILLS, VOLUNTEER_REGISTER
from tests.schema.support import volunteer_input
from wenming.app import create_app
from wenming.settings import Settings

PRODUCTION_KEY = "a-production-secret-of-32-chars-at-least"
#: what a client must never read: driver and library names, SQL, Python type names, file paths
INTERNALS = re.compile(r"psycopg|sqlite|sqlalchemy|strawberry|graphql\.|SELECT|INSERT|Traceback|\.py\b|<class|"
                       r"does not exist|no such table|\b[A-Z]\w*(Error|Exception)\b")
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


@contextmanager
def production(db_url: str, engine: Engine) -> Iterator[tuple[str, dict[str, str], Settings]]:
    """(GraphQL URL, a platform admin's headers, settings) of the app in production mode."""
    settings = Settings(database_url=db_url, env="production", secret_key=PRODUCTION_KEY)
    with serve_in_thread(create_app(settings, engine=engine)) as address:
        yield f"http://{address}/graphql", admin_headers(settings, engine), settings


def post(url: str, headers: dict[str, str], document: str, variables: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(url, json={"query": document, "variables": variables}, headers=headers, timeout=30)


def masked_id(response: httpx.Response) -> str:
    """The request ID of the one masked error of `response` (asserting that it is masked)."""
    assert response.status_code == 200, response.text
    assert not INTERNALS.search(response.text), response.text
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "INTERNAL"
    assert REQUEST_ID.match(error["extensions"]["requestId"]), error
    return str(error["extensions"]["requestId"])


def logged(caplog: pytest.LogCaptureFixture, request_id: str) -> str:
    """The log record naming `request_id` (there is exactly one)."""
    [record] = [r.getMessage() for r in caplog.records if f"[request {request_id}]" in r.getMessage()]
    return record


def test_m1_database_errors_are_masked_with_a_request_id_and_logged_in_full(
        db_url: str, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    missing = ("does not exist", "no such table")  # PostgreSQL's and SQLite's words for it
    with production(db_url, engine) as (url, headers, _):
        unit = post(url, headers, "mutation($i: UnitCreateInput!) { unitCreate(input: $i) { unit { id } } }",
                    {"i": {"code": "M1", "name": "站", "level": "CENTER", "location": {"lat": 34.3, "lon": 117.9}}})
        unit_id = unit.json()["data"]["unitCreate"]["unit"]["id"]
        with engine.begin() as conn:  # a database the code no longer matches: every statement on them fails
            conn.execute(text("ALTER TABLE skills RENAME TO skills_gone"))
            conn.execute(text("ALTER TABLE volunteers RENAME TO volunteers_gone"))
        with caplog.at_level(logging.INFO, logger="wenming"):
            read = masked_id(post(url, headers, SKILLS))
            write = masked_id(post(url, headers, SKILL_CREATE, {"input": {"code": "m1", "name": "医生"}}))
            personal = masked_id(post(url, headers, VOLUNTEER_REGISTER, {"input": volunteer_input(
                unit_id, phone="13812345678", name="王芳")}))
            with engine.begin() as conn:  # the caller's grants, read by the request's extension before execution
                conn.execute(text("ALTER TABLE role_grants RENAME TO role_grants_gone"))
            authorise = masked_id(post(url, headers, "{ me { username } }"))
    assert len({read, write, personal, authorise}) == 4
    for request_id, where in ((read, "at skills"), (write, "at skillCreate"), (personal, "at volunteerRegister"),
                              (authorise, "at (request)")):
        record = logged(caplog, request_id)
        assert where in record and any(word in record for word in missing), record
        assert "SQL: SELECT" in record or "SQL: INSERT" in record, record
    if engine.dialect.name == "postgresql":
        assert "sqlstate 42P01" in logged(caplog, read)  # undefined_table
    assert "13812345678" not in caplog.text and "王芳" not in caplog.text  # no personal data in the log


def test_m1_an_extension_that_fails_is_masked_too(
        db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A failure before execution (here the query cost) was shown as it was: now it is masked."""
    def broken(*_: object, **__: object) -> int:
        raise TypeError("'FragmentSpreadNode' object has no attribute 'selection_set'")

    monkeypatch.setattr("wenming.guard.query_cost", broken)
    with production(db_url, engine) as (url, headers, _), caplog.at_level(logging.INFO, logger="wenming"):
        request_id = masked_id(post(url, headers, SKILLS))
    assert "unexpected TypeError at (request)" in logged(caplog, request_id)


@pytest.mark.parametrize("failure", [
    TypeError("'NoneType' object is not subscriptable"),
    IntegrityError("INSERT INTO skills (code) VALUES (?)", None, Exception("UNIQUE constraint failed: skills.code")),
    KeyError("wenming.resolvers"),
])
def test_l7_production_errors_name_no_internal_types(
        db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, failure: Exception) -> None:
    def broken(*_: object, **__: object) -> None:
        raise failure

    with production(db_url, engine) as (url, headers, _):
        monkeypatch.setattr(resolvers.forces.teams, "skills", broken)
        masked_id(post(url, headers, SKILLS))
        monkeypatch.undo()
        answers = [
            post(url, headers, "{ skills { code } nosuch }"),  # validation
            post(url, headers, "{ skills { code "),  # syntax
            post(url, headers, "query($d: Date) { volunteers(availableOn: $d) { totalCount } }", {"d": "x"}),
            post(url, headers, "query($d: ServiceDomain) { volunteers(domain: $d) { totalCount } }", {"d": 5}),
            post(url, headers, "{ node(id: \"eHl6\") { id } }"),
            post(url, {"Authorization": "Bearer not.a.token"}, SKILLS),
            httpx.post(url, content=b'{"query": ', headers={**headers, "content-type": "application/json"}),
            httpx.post(url, content=b"\xff\xfe", headers={**headers, "content-type": "application/json"}),
        ]
        for toml in ("[base]\nkind = 'generated'\nvolunteers = 'many'\n", "[base]\nkind = 'generated'\nseed = 1.5\n",
                     "[base]\nkind = 'generated'\n[engine]\ntime_limit = 'long'\n",
                     "[base]\nkind = 'generated'\n[report]\ninclude_result = 1\n"):
            answers.append(post(url, headers, "mutation($i: ScenarioRunStartInput!) { scenarioRunStart(input: $i) "
                                              "{ userErrors { code message } } }", {"i": {"toml": toml}}))
    for answer in answers:
        assert not INTERNALS.search(answer.text), answer.text
        assert "errors" in answer.json() or answer.json()["data"]["scenarioRunStart"]["userErrors"], answer.text


def test_m1_a_database_error_of_a_subscription_is_masked(
        db_url: str, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with production(db_url, engine) as (url, headers, _):
        with engine.begin() as conn:  # the subscriber's grants cannot be read
            conn.execute(text("ALTER TABLE role_grants RENAME TO role_grants_gone"))
        address = url.removeprefix("http://").removesuffix("/graphql")
        with caplog.at_level(logging.INFO, logger="wenming"), connect(
                f"ws://{address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
            ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": headers["Authorization"]}}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))
            received = ws.recv(timeout=10)
    raw = received.decode() if isinstance(received, bytes) else received
    assert not INTERNALS.search(raw), raw
    message = json.loads(raw)
    [error] = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert (error["message"], error["extensions"]["code"]) == ("Unexpected error.", "INTERNAL")
    assert "role_grants" in logged(caplog, error["extensions"]["requestId"])
