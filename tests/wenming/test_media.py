"""GraphQL over HTTP's application/graphql-response+json, over real HTTP (uvicorn in a thread):
request errors get 4xx statuses and no `data` under it, application/json keeps 200."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from db.models import Role
from tests.auth.serving import serve_in_thread
from tests.auth.support import admin_headers, token_for
from wenming.app import create_app
from wenming.media import GRAPHQL_RESPONSE, JSON, negotiate
from wenming.settings import Settings

BOTH = f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"  # what the spec asks clients to send


@pytest.fixture
def served(settings: Settings, engine: Engine) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """(URL, a platform admin's headers, a resident's headers) of the app."""
    resident = token_for(settings, engine, "resident-media", [(Role.RESIDENT, {})], password=None)
    with serve_in_thread(create_app(settings, engine=engine)) as address:
        yield f"http://{address}/graphql", admin_headers(settings, engine), {"Authorization": f"Bearer {resident}"}


#: (what is sent, its status under graphql-response+json, whether it executed)
CASES = [
    ({"query": "{ skills { code } }"}, 200, True),
    ({"query": "{ skills { code "}, 400, False),  # does not parse
    ({"query": "{ skills { nosuch } }"}, 400, False),  # does not validate
    ({"query": "query($n: Int) { units(first: $n) { totalCount } }", "variables": {"n": "x"}}, 400, False),
    ({"query": "{ units(first: 100) { edges { node { descendants { teams { name } effectiveMenu { name } } } } } }"},
     400, False),  # over the cost limit
    ({"query": "{ node(id: \"x\") { id } }"}, 200, True),  # executed: a field's error, data present
]


@pytest.mark.parametrize(("body", "status", "executed"), CASES)
def test_graphql_response_json_request_errors_are_4xx_without_data(
        served: tuple[str, dict[str, str], dict[str, str]], body: dict[str, object], status: int,
        executed: bool) -> None:
    url, admin, _ = served
    for accept in (GRAPHQL_RESPONSE, BOTH):
        response = httpx.post(url, json=body, headers={**admin, "Accept": accept}, timeout=30)
        assert response.status_code == status, (accept, response.text)
        assert response.headers["content-type"].split(";")[0] == GRAPHQL_RESPONSE
        assert ("data" in response.json()) is executed, response.text
    for accept in (JSON, "*/*", None, f"{GRAPHQL_RESPONSE};q=0.5, {JSON}"):  # legacy semantics
        headers = admin if accept is None else {**admin, "Accept": accept}
        response = httpx.post(url, json=body, headers=headers, timeout=30)
        assert response.status_code == 200, (accept, response.text)
        assert response.headers["content-type"].split(";")[0] == JSON
        assert "data" in response.json()


def test_graphql_response_json_refusals_of_the_caller_have_their_http_status(
        served: tuple[str, dict[str, str], dict[str, str]]) -> None:
    url, _, resident = served
    accept = {"Accept": GRAPHQL_RESPONSE}
    anonymous = httpx.post(url, json={"query": "{ scenarioRuns { totalCount } }"}, headers=accept, timeout=30)
    forbidden = httpx.post(url, json={"query": "{ scenarioRuns { totalCount } }"}, headers={**resident, **accept},
                           timeout=30)
    unsupported = httpx.post(url, content=b"query=x", headers={**accept, "content-type": "text/plain"}, timeout=30)
    assert (anonymous.status_code, forbidden.status_code, unsupported.status_code) == (401, 403, 415)
    assert [r.json()["errors"][0]["extensions"]["code"] for r in (anonymous, forbidden)] == [
        "UNAUTHENTICATED", "FORBIDDEN"]
    for response in (anonymous, forbidden, unsupported):
        assert response.headers["content-type"].split(";")[0] == GRAPHQL_RESPONSE
        assert "data" not in response.json()


@pytest.mark.parametrize("body", [{"query": 5}, {"query": "{ skills { code } }", "variables": [1]},
                                  {"query": "{ skills { code } }", "operationName": 5},
                                  {"query": "{ skills { code } }", "extensions": "x"}])
def test_graphql_response_json_malformed_parameters_are_coded_json_errors(
        served: tuple[str, dict[str, str], dict[str, str]], body: dict[str, object]) -> None:
    """Were plain-text 400s; now GraphQL errors in the media type asked for."""
    url, admin, _ = served
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = httpx.post(url, json=body, headers={**admin, "Accept": accept}, timeout=30)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "INVALID" and next(iter(body.keys() - {"query"}), "query") in error[
            "message"]


def test_graphql_response_json_a_failure_before_execution_is_500(
        served: tuple[str, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> int:
        raise RuntimeError("the cost model broke")

    url, admin, _ = served
    monkeypatch.setattr("wenming.guard.query_cost", broken)
    response = httpx.post(url, json={"query": "{ skills { code } }"}, headers={**admin, "Accept": GRAPHQL_RESPONSE},
                          timeout=30)
    assert response.status_code == 500
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["INTERNAL"]
    assert "data" not in response.json()


@pytest.mark.parametrize(("accept", "media"), [
    (None, JSON), ("", JSON), ("*/*", JSON), (JSON, JSON), (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (BOTH, GRAPHQL_RESPONSE), (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON), (f"{GRAPHQL_RESPONSE};q=0", JSON),
    ("text/html", JSON), (f"{GRAPHQL_RESPONSE.upper()} ; q=1", GRAPHQL_RESPONSE),
])
def test_graphql_response_json_is_negotiated_from_accept(accept: str | None, media: str) -> None:
    assert negotiate(accept) == media
