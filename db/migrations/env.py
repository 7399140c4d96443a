"""Alembic environment: runs the migrations in db/migrations/versions against one database.

The database is always given by the caller; this file reads no settings and no environment
variables (settings are read once, in wenming/, and passed down). In this order it takes:

1. an open connection in `config.attributes["connection"]` (db/migrate.py's `upgrade`, tests);
2. a URL in `config.attributes["database_url"]` (db/migrate.py's `alembic_config(url)`);
3. a URL given on the command line: `alembic -c db/alembic.ini -x url=sqlite:///wenming.db upgrade head`;
4. the `sqlalchemy.url` option of the ini file, if someone set it there.

With none of these it stops with a message saying how to give one. Engines come from
db.session.make_engine, so SQLite migrations run with foreign keys on, like the application.
SQLite cannot ALTER most things in place, hence batch mode ("move and copy") there.
"""

from __future__ import annotations

from alembic import context
from alembic.util import CommandError
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from db.models import Base
from db.session import make_engine, normalise_url

config = context.config
target_metadata = Base.metadata

NO_URL_MESSAGE = (
    "no database URL for the migrations: run `wenming db upgrade` (it reads WENMING_DATABASE_URL), "
    "call db.migrate.upgrade(url) from code, or give the URL to Alembic on the command line, e.g. "
    '`alembic -c db/alembic.ini -x url="$WENMING_DATABASE_URL" upgrade head`'
)


def database_url() -> str:
    """The URL the caller gave (see the module docstring), or CommandError saying how to give one."""
    url = (
        config.attributes.get("database_url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise CommandError(NO_URL_MESSAGE)
    return str(url)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = normalise_url(database_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        literal_binds=True,
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url(), poolclass=NullPool)
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
