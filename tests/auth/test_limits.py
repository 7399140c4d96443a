"""Hardening: depth, alias, token and cost limits before execution (cost reported in
`extensions`), rate limits per address and per account, JSON bodies only, body size, origins,
no mutations over GET, no batching, and production mode (no introspection, no suggestions)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from resolvers.core.settings import LimitSettings
from tests.auth.serving import wait_for, wenming_serve
from tests.auth.support import admin_headers
from tests.documents import SKILLS
from tests.schema.support import GraphQLClient
from wenming.limits import RateLimiter, count_tokens
from wenming.settings import Settings, SettingsError, read_settings

VOLUNTEERS = "query { volunteers(first: 10) { edges { node { skills { level } teams { name } } } } }"


def _client(settings: Settings, engine: Engine, limits: LimitSettings) -> GraphQLClient:
    """An admin's client on an app whose limits are `limits` (as if read from the environment)."""
    return GraphQLClient(replace(settings, limits=limits), engine)


@pytest.fixture
def limited(settings: Settings, engine: Engine) -> Iterator[GraphQLClient]:
    client = _client(settings, engine, LimitSettings(max_depth=5, max_aliases=3, max_tokens=60, max_cost=40,
                                                     max_body_bytes=2000, rate_per_address=1000,
                                                     rate_per_account=1000, allowed_origins=("https://app.example",)))
    try:
        yield client
    finally:
        client.close()


def _codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


def test_the_cost_is_computed_from_page_sizes_and_reported(admin: GraphQLClient) -> None:
    admin.data(VOLUNTEERS)
    # the connection 1 + first (10) x (edge 1 + node 1 + skills 1 + teams 1); the lists' scalars cost 0
    assert admin.extensions == {"cost": {"requested": 1 + 10 * (1 + 1 + 1 + 1), "limit": 50000}}
    admin.data("query { volunteers(first: 2) { totalCount } }")
    assert admin.extensions == {"cost": {"requested": 1, "limit": 50000}}


def test_an_expensive_query_is_refused_before_it_runs(limited: GraphQLClient) -> None:
    body = limited.execute(VOLUNTEERS)
    assert body["data"] is None
    assert _codes(body) == ["OUT_OF_RANGE"]
    assert "cost 41" in body["errors"][0]["message"] and "`first`" in body["errors"][0]["message"]
    cheaper = limited.execute("query { volunteers(first: 3) { edges { node { skills { level } } } } }")
    assert "errors" not in cheaper


def test_depth_alias_and_token_limits(limited: GraphQLClient) -> None:
    deep = limited.execute("query { units { edges { node { parent { parent { name } } } } } }")
    assert _codes(deep) == ["OUT_OF_RANGE"] and "6 levels deep" in deep["errors"][0]["message"]
    aliased = limited.execute("query { a: skills { code } b: skills { code } c: skills { code } d: skills { code } }")
    assert _codes(aliased) == ["OUT_OF_RANGE"] and "4 aliases" in aliased["errors"][0]["message"]
    long = limited.execute("query { " + " ".join(f"s{i}: __typename" for i in range(3)) + " skills { " +
                           " ".join(["code"] * 60) + " } }")
    assert _codes(long) == ["OUT_OF_RANGE"] and "tokens" in long["errors"][0]["message"]
    assert count_tokens("query { a }", 100) == 4


def test_rate_limits_answer_with_a_clear_error(settings: Settings, engine: Engine) -> None:
    client = _client(settings, engine, LimitSettings(rate_per_address=1000, rate_per_account=2))
    try:
        assert "errors" not in client.execute(SKILLS)
        assert "errors" not in client.execute(SKILLS)
        body = client.execute(SKILLS)
        assert _codes(body) == ["RATE_LIMITED"] and "retry in" in body["errors"][0]["message"]
    finally:
        client.close()
    client = _client(settings, engine, LimitSettings(rate_per_address=1, rate_per_account=1000))
    try:
        client.execute(SKILLS)
        response = client.runner.run(client.client.post("/graphql", json={"query": SKILLS}))
        assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
        assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    finally:
        client.close()


def test_allowed_origins_get_cors_answers(settings: Settings, engine: Engine) -> None:
    limits = read_settings({"WENMING_ALLOWED_ORIGINS": "https://app.example/, "}).limits
    client = GraphQLClient(replace(settings, limits=limits), engine)
    try:
        preflight = client.runner.run(client.client.options("/graphql", headers={
            "origin": "https://app.example", "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type"}))
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        other = client.runner.run(client.client.options("/graphql", headers={
            "origin": "https://evil.example", "access-control-request-method": "POST"}))
        assert "access-control-allow-origin" not in other.headers
    finally:
        client.close()


def test_the_rate_limiter_slides() -> None:
    limiter = RateLimiter(2, window=1)
    assert limiter.hit("k") is None and limiter.hit("k") is None
    wait = limiter.hit("k")
    assert wait is not None and 0 <= wait <= 1
    assert limiter.full("k") and not limiter.full("other")
    assert limiter.hit("other") is None
    wait_for(lambda: limiter.hit("k") is None or None, 5, "the window never slid")


def _redis_or_skip(database: int) -> Any:
    """A client of the local Redis on `database`, emptied; a skip without Redis (a failure in CI)."""
    import redis

    client = redis.Redis.from_url(f"redis://127.0.0.1:6379/{database}")
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("WENMING_REQUIRE_REDIS") == "1":
            pytest.fail("Redis is required at 127.0.0.1:6379 (WENMING_REQUIRE_REDIS=1)", pytrace=False)
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.flushdb()
    return client


def test_two_server_processes_share_the_rate_limit_through_redis(tmp_path: Path) -> None:
    # two `wenming serve` processes, as behind a proxy: six requests a minute from one address in
    # all, whichever process takes them; in memory each process would allow six of its own
    database = 13
    _redis_or_skip(database)
    env = {"WENMING_RATE_STORAGE": f"redis://127.0.0.1:6379/{database}", "WENMING_RATE_PER_ADDRESS": "6"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with wenming_serve(tmp_path / "a", **env) as (first, _), wenming_serve(tmp_path / "b", **env) as (second, _):
        codes = [httpx.post(url, json={"query": "{ __typename }"}).status_code
                 for url in (first, second) * 4]
    assert codes[:6] == [200] * 6
    assert codes[6:] == [429, 429]


def test_a_rate_storage_that_is_not_memory_or_redis_is_refused() -> None:
    with pytest.raises(SettingsError, match="WENMING_RATE_STORAGE"):
        read_settings({"WENMING_RATE_STORAGE": "memcached://127.0.0.1:11211"})


def test_http_rules(limited: GraphQLClient) -> None:
    post = limited.client.post
    run = limited.runner.run
    # JSON bodies only
    form = run(post("/graphql", content=b"query=%7Bskills%7Bcode%7D%7D",
                    headers={"content-type": "application/x-www-form-urlencoded"}))
    assert form.status_code == 415
    # a body over the limit
    big = run(post("/graphql", json={"query": SKILLS, "variables": {"pad": "x" * 3000}}))
    assert big.status_code == 413
    # origins: an allowed one passes, another is refused
    assert run(post("/graphql", json={"query": SKILLS}, headers={"origin": "https://app.example"})).status_code == 200
    evil = run(post("/graphql", json={"query": SKILLS}, headers={"origin": "https://evil.example"}))
    assert evil.status_code == 403
    # no mutations over GET
    get = run(limited.client.get("/graphql", params={"query": 'mutation { logout(input: {}) { revoked } }'}))
    assert get.status_code == 405 and get.headers["allow"] == "POST"
    # no batching
    batch = run(post("/graphql", json=[{"query": SKILLS}, {"query": SKILLS}]))
    assert batch.status_code == 400


@pytest.fixture
def production(db_url: str, engine: Engine) -> Iterator[GraphQLClient]:
    settings = Settings(database_url=db_url, env="production", secret_key="a production secret of some length")
    client = GraphQLClient(settings, engine, headers=admin_headers(settings, engine))
    try:
        yield client
    finally:
        client.close()


def test_production_hides_the_schema(production: GraphQLClient, admin: GraphQLClient) -> None:
    introspection = production.execute("query { __schema { types { name } } }")
    assert _codes(introspection) == ["FORBIDDEN"]
    typo = production.execute("query { skils { code } }")
    assert "Did you mean" not in typo["errors"][0]["message"]
    assert "Did you mean" in admin.execute("query { skils { code } }")["errors"][0]["message"]
    assert "errors" not in admin.execute("query { __schema { queryType { name } } }")


def test_named_fragments_are_priced_like_the_fields_they_stand_for(admin: GraphQLClient) -> None:
    spelled = "query { volunteers(first: 10) { edges { node { skills { level } teams { name } } } } }"
    named = ("query { volunteers(first: 10) { edges { node { ...V } } } } "
             "fragment V on Volunteer { skills { level } teams { name } }")
    admin.data(spelled)
    expected = admin.extensions
    admin.data(named)
    assert admin.extensions == expected


def test_a_fragment_cycle_is_refused_not_recursed(admin: GraphQLClient) -> None:
    body = admin.execute("query { units(first: 1) { edges { node { ...U } } } } "
                         "fragment U on Unit { children { ...U } }")
    assert body.get("data") is None and body["errors"]
    assert "U" in body["errors"][0]["message"]
