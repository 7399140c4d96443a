"""Fuzzing: schemathesis (GraphQL mode) sends generated queries and mutations for every root
field, as a platform admin, to a real `wenming serve`; none may get a 5xx or an unexpected
(masked or unmasked) exception. A short run: a few examples per operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.auth.serving import wenming_serve
from tests.documents import LOGIN
from wenming.accounts_cli import create_admin

EXAMPLES = 2
PASSWORD = "fuzzing password, long enough"


def _problems(response: Any) -> list[str]:
    """What is wrong with one response: a 5xx, or an error that is neither the client's nor ours."""
    if response.status_code >= 500:
        return [f"HTTP {response.status_code}"]
    try:
        body = response.json()
    except ValueError:
        return [f"not JSON: HTTP {response.status_code}"]
    problems = []
    for error in body.get("errors") or []:
        located = error.get("path") is not None
        if located and "code" not in (error.get("extensions") or {}):
            problems.append(f"{error.get('path')}: {error.get('message')}")  # "Unexpected error." or worse
    return problems


def _fuzz(operation: Any, headers: dict[str, str], found: dict[str, list[str]]) -> None:
    """A few generated calls of one operation; problems collected under its label."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def exercise(case: Any) -> None:
        problems = _problems(case.call(headers=headers))
        if problems:
            found.setdefault(operation.label, []).extend(problems)

    exercise()


def test_fuzzed_operations_get_no_server_errors(tmp_path: Path) -> None:
    with wenming_serve(tmp_path) as (url, database_url):
        create_admin(database_url, "fuzzer", PASSWORD)
        credentials = {"input": {"username": "fuzzer", "password": PASSWORD}}
        token = httpx.post(url, json={"query": LOGIN, "variables": credentials}).json()
        headers = {"Authorization": f"Bearer {token['data']['login']['accessToken']}"}
        schema = schemathesis.graphql.from_url(url)
        found: dict[str, list[str]] = {}
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 50  # every root field of the schema
        for operation in operations:
            _fuzz(operation, headers, found)
    assert found == {}


class _Response:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self._body = status, body

    def json(self) -> Any:
        return self._body


def test_the_fuzz_check_tells_bugs_from_client_errors() -> None:
    masked = {"data": None, "errors": [{"message": "Unexpected error.", "path": ["units"]}]}
    client = {"data": None,
              "errors": [{"message": "first: ...", "path": ["units"], "extensions": {"code": "PAGE_SIZE"}}]}
    invalid = {"errors": [{"message": "Cannot query field 'x' on type 'Query'."}]}
    assert _problems(_Response(500, {})) == ["HTTP 500"]
    assert _problems(_Response(200, masked)) == ["['units']: Unexpected error."]
    assert _problems(_Response(200, client)) == [] and _problems(_Response(400, invalid)) == []
