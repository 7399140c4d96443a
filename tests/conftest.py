"""Project-wide fixtures: a freshly migrated database per test, on SQLite and on PostgreSQL.

Fixtures (use them by naming them as test arguments):

- `db_url` (function scope, parametrised "sqlite" / "postgresql"): the URL of a brand-new database
  already at the Alembic head revision. Every test using it runs twice, once per backend
  (test ids end in `[sqlite]` / `[postgresql]`).
    * sqlite: a copy of a template file migrated once per test session, in the test's tmp_path.
    * postgresql: `CREATE DATABASE ... TEMPLATE` of a template migrated once per session, on
      127.0.0.1:5432 as user postgres (override the server with WENMING_TEST_POSTGRES_URL, an
      admin URL such as postgresql://postgres@127.0.0.1:5432/postgres). Dropped after the test,
      connections terminated first.
    If PostgreSQL is unreachable its tests are skipped, unless WENMING_REQUIRE_POSTGRES=1, in which
    case they fail with the connection error (CI sets it).
- `engine`: a SQLAlchemy Engine on `db_url` (db.session.make_engine), disposed afterwards.
- `session`: an ORM Session on `engine` (db.session.session_factory); closed afterwards, so commit
  what you need to be visible to other connections.
- `settings`: wenming.settings.Settings for tests (development mode, `database_url` = `db_url`).

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

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.session import make_engine, session_factory
from wenming.settings import Settings

BACKENDS = ["sqlite", "postgresql"]
DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _postgres_required() -> bool:
    return os.environ.get("WENMING_REQUIRE_POSTGRES", "") == "1"


class _Postgres:
    """Creates and drops databases on the test server through an autocommit admin connection."""

    def __init__(self, admin_url: str) -> None:
        import psycopg

        url = make_url(admin_url)
        self.url = url
        self._psycopg = psycopg
        self.conninfo = dict(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            dbname=url.database or "postgres",
            connect_timeout=5,
        )
        if url.password:
            self.conninfo["password"] = url.password

    def _execute(self, *statements: str) -> None:
        with self._psycopg.connect(**self.conninfo, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def ping(self) -> None:
        self._execute("SELECT 1")

    def sqlalchemy_url(self, name: str) -> str:
        return self.url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> None:
        suffix = f' TEMPLATE "{template}"' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{suffix}')

    def drop(self, name: str) -> None:
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
            f'DROP DATABASE IF EXISTS "{name}"',
        )


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
def _postgres_template() -> Iterator[tuple[_Postgres, str]]:
    admin_url = os.environ.get("WENMING_TEST_POSTGRES_URL", DEFAULT_POSTGRES_ADMIN_URL)
    try:
        server = _Postgres(admin_url)
        server.ping()
    except Exception as exc:  # psycopg missing or server unreachable
        message = f"PostgreSQL at {make_url(admin_url).render_as_string()} is not usable: {exc}"
        if _postgres_required():
            pytest.fail(f"{message} (WENMING_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(f"{message}; set WENMING_REQUIRE_POSTGRES=1 to make this an error")
    name = _unique_name("wenming_tpl")
    server.create(name)
    try:
        upgrade(server.sqlalchemy_url(name))
        yield server, name
    finally:
        server.drop(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database at the migration head; see the module docstring."""
    if request.param == "sqlite":
        target = tmp_path / "wenming.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    server, template = request.getfixturevalue("_postgres_template")
    name = _unique_name("wenming_test")
    server.create(name, template=template)
    try:
        yield server.sqlalchemy_url(name)
    finally:
        server.drop(name)


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
