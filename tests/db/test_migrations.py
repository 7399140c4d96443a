"""The schema created by the migrations is exactly the schema of the models, on both databases."""

from __future__ import annotations

from argparse import Namespace
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, MetaData, inspect, text

from db.migrate import alembic_config, current_revision, upgrade
from db.models import Base


def _diff(engine: Engine, metadata: MetaData) -> list[Any]:
    """Alembic's differences, each a tuple such as ("add_index", Index) (Alembic types them loosely)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_upgraded_database_matches_the_models(engine: Engine, db_url: str) -> None:
    (head,) = ScriptDirectory.from_config(alembic_config()).get_heads()  # one line of history
    assert current_revision(db_url) == head
    assert _diff(engine, Base.metadata) == []


def test_comparison_detects_a_missing_index(engine: Engine) -> None:
    # The no-diff test above is only meaningful if the comparison sees a real difference.
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_volunteers_unit_id"))
    diff = _diff(engine, Base.metadata)
    assert [entry[0] for entry in diff] == ["add_index"]
    assert diff[0][1].name == "ix_volunteers_unit_id"


def test_every_table_of_the_models_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_downgrade_to_base_and_upgrade_again(db_url: str, engine: Engine) -> None:
    with engine.begin() as conn:
        command.downgrade(alembic_config(connection=conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(db_url)
    engine.dispose()  # forget cached schema information
    assert _diff(engine, Base.metadata) == []


def _command_line_config(url: str) -> Config:
    """The configuration `alembic -x url=<url> ...` builds: the URL arrives as an -x argument."""
    config = alembic_config()
    config.cmd_opts = Namespace(x=[f"url={url}"])
    return config


def test_migrations_without_a_url_refuse_and_say_how_to_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # The environment is never read by the migrations: the caller passes the URL down.
    monkeypatch.setenv("WENMING_DATABASE_URL", "sqlite://")
    with pytest.raises(CommandError, match=r"-x url="):
        command.upgrade(alembic_config(), "head")


def test_a_url_reaches_the_migrations_from_the_config_or_the_command_line(db_url: str) -> None:
    (head,) = ScriptDirectory.from_config(alembic_config()).get_heads()
    command.downgrade(alembic_config(db_url), "-1")
    assert current_revision(db_url) not in (None, head)
    command.upgrade(_command_line_config(db_url), "head")
    assert current_revision(db_url) == head
