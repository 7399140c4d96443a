"""The ASGI app: health probe, GraphiQL only in development, masking of unexpected errors, and the
per-request session being returned to the pool."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import Engine

import resolvers.forces.teams
from db.session import make_engine
from resolvers.core.settings import LimitSettings
from tests.auth.serving import serve_in_thread
from tests.documents import SKILLS, UNIT_NODE
from tests.schema.support import GraphQLClient, create_skill
from wenming.app import create_app
from wenming.settings import Settings


def test_healthz_reports_the_database(api: GraphQLClient) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_graphiql_is_served_in_development(api: GraphQLClient) -> None:
    response = api.runner.run(api.client.get("/graphql", headers={"Accept": "text/html"}))
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


@pytest.fixture
def production_api(db_url: str, engine: Engine) -> Iterator[GraphQLClient]:
    settings = Settings(database_url=db_url, env="production", secret_key="a-production-secret-of-32-chars-at-least")
    client = GraphQLClient(settings, engine)
    try:
        yield client
    finally:
        client.close()


def test_graphiql_is_off_in_production(production_api: GraphQLClient) -> None:
    response = production_api.runner.run(production_api.client.get("/graphql", headers={"Accept": "text/html"}))
    assert response.status_code == 404
    assert production_api.data(SKILLS) == {"skills": []}


def test_unexpected_errors_are_masked_and_logged_without_personal_data(
    api: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given a resolver that fails with personal data in its message
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("lookup failed for 13812345678")

    monkeypatch.setattr(resolvers.forces.teams, "skills", broken)
    # when
    with caplog.at_level(logging.INFO, logger="wenming"):
        body = api.execute(SKILLS)
    # then the client sees nothing internal (only where the failed field stands in the document)
    column = SKILLS.index("{ skills") + 3
    request_id = body["errors"][0]["extensions"]["requestId"]
    assert body == {"data": None, "errors": [
        {"message": "Unexpected error.", "locations": [{"line": 1, "column": column}], "path": ["skills"],
         "extensions": {"code": "INTERNAL", "requestId": request_id}}]}
    # and the log names the exception, where, and the request ID, but not the personal data of its message
    assert f"unexpected RuntimeError at skills [request {request_id}]: lookup failed for ?" in caplog.text
    assert "broken" in caplog.text  # the traceback's frames
    assert "13812345678" not in caplog.text


def test_each_request_returns_its_connection(api: GraphQLClient, engine: Engine) -> None:
    create_skill(api, code="doctor")
    assert [skill["code"] for skill in api.data(SKILLS)["skills"]] == ["doctor"]
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # a QueuePool: not on the base Pool


def test_more_concurrent_requests_than_connections_all_complete(db_url: str, settings: Settings) -> None:
    # given a pool of one connection that gives up after 2 s, and a unit to read
    small = make_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=2)
    api = GraphQLClient(settings, small)
    try:
        unit = api.data(
            'mutation { unitCreate(input: {code: "C", name: "中心", level: CENTER, location: {lat: 34, lon: 117}}) '
            "{ unit { id } } }"
        )["unitCreate"]["unit"]["id"]

        # when eight requests run at once, each holding its session across a DataLoader await
        async def burst() -> list[dict]:
            request = {"query": UNIT_NODE, "variables": {"id": unit}}
            posts = [api.client.post("/graphql", json=request) for _ in range(8)]
            return [{k: v for k, v in r.json().items() if k != "extensions"} for r in await asyncio.gather(*posts)]

        bodies = api.runner.run(burst())
    finally:
        api.close()
        small.dispose()
    # then every one is answered (they waited for the connection instead of blocking the loop)
    assert bodies == [{"data": {"node": {"name": "中心", "level": "CENTER", "children": []}}}] * 8


def test_readyz_names_what_does_not_answer(settings: Settings, engine: Engine) -> None:
    with serve_in_thread(create_app(settings, engine=engine)) as address:
        ready = httpx.get(f"http://{address}/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": "ok", "rateStorage": "ok"})
    dead_redis = replace(settings, limits=LimitSettings(rate_storage="redis://127.0.0.1:1/0"))  # nothing listens
    with serve_in_thread(create_app(dead_redis, engine=engine)) as address:
        ready = httpx.get(f"http://{address}/readyz", timeout=10)
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "ok", "rateStorage": "unreachable"}
