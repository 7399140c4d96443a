"""Project-wide fixtures: a freshly migrated database per test, on SQLite and on PostgreSQL.

Fixtures (use them by naming them as test arguments):

- `db_url` (function scope, parametrised "sqlite" / "postgresql"): the URL of a brand-new database
  already at the Alembic head revision. Every test using it runs twice, once per backend
  (test ids end in `[sqlite]` / `[postgresql]`).
    * sqlite: a copy of a template file migrated once per test session, in the test's tmp_path.
    * postgresql: a database on 127.0.0.1:5432 as user postgres (override the server with
      WENMING_TEST_POSTGRES_URL, an admin URL such as postgresql://postgres@127.0.0.1:5432/postgres),
      created with `CREATE DATABASE ... TEMPLATE` from a template migrated once per session.
      DROP DATABASE costs seconds (it waits for a checkpoint), so after a test the database is
      emptied instead (connections terminated, all tables truncated, ids restarted) and handed to
      the next test; a test that changed the schema gets its database dropped, never reused. All
      databases are dropped at the end of the session.
    If PostgreSQL is unreachable its tests are skipped, unless WENMING_REQUIRE_POSTGRES=1, in which
    case they fail with the connection error (CI sets it).
- `engine`: a SQLAlchemy Engine on `db_url` (db.session.make_engine), disposed afterwards.
- `session`: an ORM Session on `engine` (db.session.session_factory); closed afterwards, so commit
  what you need to be visible to other connections.
- `settings`: wenming.settings.Settings for tests (development mode, `database_url` = `db_url`).
- `api`: a GraphQLClient (tests/schema/support.py) on the app over that database, acting as a
  platform admin; tests/dispatch overrides it with its HTTP + websocket client.

Select a backend with `-k sqlite` or `-k postgresql`. The schema is only ever created by migrations,
never by `metadata.create_all`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import Base
from db.session import make_engine, session_factory
from resolvers.dispatch import runs
from resolvers.scenarios import runs as scenario_runs
from tests.schema.support import GraphQLClient
from wenming.settings import Settings

BACKENDS = ["sqlite", "postgresql"]
DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _postgres_required() -> bool:
    return os.environ.get("WENMING_REQUIRE_POSTGRES", "") == "1"


class _Postgres:
    """Creates and drops databases on the test server through an autocommit admin connection."""

    def __init__(self, admin_url: str) -> None:
        import psycopg  # the optional `postgres` extra: SQLite-only runs go without it

        url = make_url(admin_url)
        self.url = url
        self._psycopg = psycopg
        self.conninfo: dict[str, Any] = {
            "host": url.host or "127.0.0.1",
            "port": url.port or 5432,
            "user": url.username or "postgres",
            "dbname": url.database or "postgres",
            "connect_timeout": 5,
        }
        if url.password:
            self.conninfo["password"] = url.password

    def _execute(self, *statements: str) -> None:
        with self._psycopg.connect(**self.conninfo, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def ping(self) -> None:
        self._execute("SELECT 1")

    def sqlalchemy_url(self, name: str) -> str:
        return self.url.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )

    def create(self, name: str, template: str | None = None) -> None:
        suffix = f' TEMPLATE "{template}"' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{suffix}')

    def _terminate(self, name: str) -> str:
        return (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )

    def drop(self, name: str) -> None:
        self._execute(self._terminate(name), f'DROP DATABASE IF EXISTS "{name}"')

    def schema_digest(self, name: str) -> str:
        """A digest of the tables, columns, indexes and constraints of database `name`."""
        with self._psycopg.connect(**{**self.conninfo, "dbname": name}, autocommit=True) as conn:
            row = conn.execute(_SCHEMA_DIGEST).fetchone()
        return str(row[0]) if row else ""

    def empty(self, name: str, tables: list[str]) -> None:
        """Delete every row of `tables` (children first) in database `name` and restart their ids.

        DELETE, not TRUNCATE: on the few rows tests write it is ten times faster, as TRUNCATE
        creates and syncs new files for every table.
        """
        self._execute(self._terminate(name))
        with self._psycopg.connect(**{**self.conninfo, "dbname": name}) as conn:
            for table in reversed(tables):
                conn.execute(f"DELETE FROM {table}")
            for table in tables:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1, false)")


_SCHEMA_DIGEST = """
SELECT md5(coalesce(string_agg(item, ';' ORDER BY item), '')) FROM (
    SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS item
    FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
) AS schema_items
"""


class _PostgresPool:
    """Test databases cloned from the template, emptied and reused between tests."""

    def __init__(self, server: _Postgres, template: str) -> None:
        self.server = server
        self.template = template
        self.digest = server.schema_digest(template)
        self.free: list[str] = []
        self.all: list[str] = []

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = _unique_name("wenming_test")
        self.server.create(name, template=self.template)
        self.all.append(name)
        return name

    def give_back(self, name: str) -> None:
        if self.server.schema_digest(name) != self.digest:
            self.all.remove(name)
            self.server.drop(name)
            return
        self.server.empty(name, [table.name for table in Base.metadata.sorted_tables])
        self.free.append(name)

    def close(self) -> None:
        for name in self.all:
            self.server.drop(name)


def _psycopg_error() -> type[Exception]:
    try:
        import psycopg  # the optional `postgres` extra: SQLite-only runs go without it
    except ImportError:
        return ImportError
    return psycopg.Error


def _unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # fold the WAL into the main file so one copy is complete
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def _postgres_pool() -> Iterator[_PostgresPool]:
    admin_url = os.environ.get("WENMING_TEST_POSTGRES_URL", DEFAULT_POSTGRES_ADMIN_URL)
    try:
        server = _Postgres(admin_url)
        server.ping()
    except (ImportError, OSError, _psycopg_error()) as exc:  # driver missing or server unreachable
        message = f"PostgreSQL at {make_url(admin_url).render_as_string()} is not usable: {exc}"
        if _postgres_required():
            pytest.fail(f"{message} (WENMING_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(f"{message}; set WENMING_REQUIRE_POSTGRES=1 to make this an error")
    name = _unique_name("wenming_tpl")
    server.create(name)
    pool: _PostgresPool | None = None
    try:
        upgrade(server.sqlalchemy_url(name))
        pool = _PostgresPool(server, name)
        yield pool
    finally:
        if pool is not None:
            pool.close()
        server.drop(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database at the migration head; see the module docstring."""
    if request.param == "sqlite":
        target = tmp_path / "wenming.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    pool: _PostgresPool = request.getfixturevalue("_postgres_pool")
    name = pool.take()
    try:
        yield pool.server.sqlalchemy_url(name)
    finally:
        pool.give_back(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An Engine on the test database, disposed after the test."""
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """An ORM Session on the test database, closed (uncommitted work rolled back) after the test."""
    with session_factory(engine)() as sess:
        yield sess


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings for tests: development mode, the development secret key, `db_url` as database."""
    return Settings(database_url=db_url)


@pytest.fixture
def api(settings: Settings, engine: Engine) -> Iterator[GraphQLClient]:
    client = GraphQLClient(settings, engine)
    try:
        yield client
    finally:
        client.close()
        # no background run may outlive the test's database (its connections would leak)
        runs.drain(60)
        scenario_runs.drain(60)
