"""Apply Alembic migrations: the only way the schema is created or changed (`wenming db upgrade`).

`upgrade(url)` brings the database at `url` to a revision (default: head); `alembic_config(url)`
is the programmatic Alembic configuration (no ini file needed) for other commands, e.g. tests
that compare the migrated schema with the models.

The database URL always comes from the caller (wenming/ reads the settings and passes it down):
db/migrations/env.py reads no settings of its own and refuses to run without a URL or connection.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from db.session import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config for this project's migrations, aimed at `url` or an open `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.attributes["database_url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision`, in one transaction where the database allows."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection=connection), revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at (None before the first migration)."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
