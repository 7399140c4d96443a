"""Alembic environment: runs the migrations in db/migrations/versions against one database.

The database comes, in this order, from: a connection passed in `config.attributes["connection"]`
(db/migrate.py and tests), a URL in `config.attributes["database_url"]`, the `sqlalchemy.url`
option of alembic.ini, or `WENMING_DATABASE_URL` (wenming.settings). Engines come from
db.session.make_engine, so SQLite migrations run with foreign keys on, like the application.
SQLite cannot ALTER most things in place, hence batch mode ("move and copy") there.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from db.models import Base
from db.session import make_engine, normalise_url

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if url:
        return str(url)
    from wenming.settings import Settings

    return Settings.from_env().database_url


def _configure(**kwargs: object) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **kwargs)  # type: ignore[arg-type]


def _run(connection: Connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = normalise_url(_database_url())
    _configure(url=url, literal_binds=True, render_as_batch=url.get_backend_name() == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_database_url(), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
