"""A stalled database (a lock held by another connection) fails requests fast and turns /healthz
to 503 within its timeout, over real HTTP; when the stall ends everything answers again and
nothing was lost (trust review M2). PostgreSQL: the server cancels statements past the timeout."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from sqlalchemy import text

from db.session import make_engine
from tests.auth.serving import serve_in_thread
from tests.auth.support import admin_headers
from tests.documents import UNIT_COUNT
from tests.schema.support import GraphQLClient, create_unit
from wenming.app import create_app
from wenming.settings import Settings

#: the client's own patience: well past the server's timeouts, so a hang fails the test
CLIENT_TIMEOUT_S = 8.0


def test_m2_a_stalled_database_fails_fast_and_recovers(settings: Settings, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("statement timeouts are PostgreSQL's; SQLite has no server to stall")
    settings = replace(settings, database_url=db_url, db_statement_timeout_ms=1000, health_timeout_s=2.0)
    engine = make_engine(db_url, statement_timeout_ms=1000, connect_timeout_s=2, pool_timeout_s=2)
    locker = make_engine(db_url)
    try:
        setup = GraphQLClient(settings, engine)
        create_unit(setup, "CENTER")
        setup.close()
        with serve_in_thread(create_app(settings, engine=engine)) as address:
            base = f"http://{address}"
            headers = admin_headers(settings, engine)
            client = httpx.Client(base_url=base, headers=headers, timeout=CLIENT_TIMEOUT_S)
            assert client.get("/healthz").status_code == 200
            with locker.connect() as conn:  # the stall: every table the probes read is locked
                conn.execute(text("LOCK TABLE units, alembic_version IN ACCESS EXCLUSIVE MODE"))
                health = client.get("/healthz")
                assert health.status_code == 503, health.text
                stalled = client.post("/graphql", json={"query": UNIT_COUNT}).json()
                assert stalled.get("data") is None and stalled["errors"], stalled
                conn.rollback()  # the stall ends
            assert client.get("/healthz").status_code == 200
            after = client.post("/graphql", json={"query": UNIT_COUNT}).json()
            assert after == {"data": {"units": {"totalCount": 1}}, "extensions": after.get("extensions")}
            client.close()
    finally:
        engine.dispose()
        locker.dispose()
