"""Engine and session construction for SQLite (the zero set-up default) and PostgreSQL.

`make_engine(url)` is the single place where connection behaviour is decided:
- SQLite: every connection runs with WAL journaling (readers do not block the writer), foreign
  keys ON (SQLite ignores them otherwise) and a busy timeout, so that concurrent writers wait
  instead of failing at once with "database is locked".
- PostgreSQL: the psycopg 3 driver; `postgresql://` and `postgres://` URLs are mapped onto it.
  A stalled server must not freeze the API: a connection attempt gives up after
  `connect_timeout_s`, a statement after `statement_timeout_ms` (the server cancels it), and a
  request waiting for a pooled connection after `pool_timeout_s`; each fails fast with an error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalise_url(url: str | URL) -> URL:
    """The URL with PostgreSQL mapped onto psycopg 3; other drivers are left as given."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_file_sqlite(url: URL) -> bool:
    database = url.database or ""
    return database not in ("", ":memory:") and not database.startswith("file::memory:")


def _install_sqlite_pragmas(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()


def make_engine(url: str | URL, *, statement_timeout_ms: int | None = None, connect_timeout_s: int | None = None,
                pool_timeout_s: float | None = None, **kwargs: Any) -> Engine:
    """An Engine for `url` with the project's connection settings (see the module docstring).

    Extra keyword arguments go to `sqlalchemy.create_engine` (e.g. `echo=True`). Statement
    parameters are left out of logs and error messages by default (`hide_parameters=True`): they
    carry phone numbers and other personal data.
    """
    parsed = normalise_url(url)
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(parsed, **kwargs)
        _install_sqlite_pragmas(engine, wal=_is_file_sqlite(parsed))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = kwargs.setdefault("connect_args", {})
    if connect_timeout_s is not None:
        connect_args.setdefault("connect_timeout", connect_timeout_s)
    if statement_timeout_ms is not None:
        connect_args.setdefault("options", f"-c statement_timeout={int(statement_timeout_ms)}")
    if pool_timeout_s is not None and kwargs.get("poolclass") is None:
        kwargs.setdefault("pool_timeout", pool_timeout_s)
    return create_engine(parsed, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker bound to `engine`; objects stay readable after commit (no expiry)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def lock_for_write(session: Session) -> None:
    """Open the session's transaction as a writer now. On SQLite: BEGIN IMMEDIATE, so that
    concurrent writers queue at the start instead of failing mid-way, and so that the driver
    does not start the transaction with a later savepoint (and commit it when the savepoint is
    released). PostgreSQL locks rows instead: nothing to do."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi = connection.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
