"""The schema created by the migrations is exactly the schema of the models, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text

from db.migrate import alembic_config, current_revision, upgrade
from db.models import Base


def _diff(engine: Engine, metadata: MetaData) -> list[object]:
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
    assert [entry[0] for entry in diff] == ["add_index"]  # type: ignore[index]
    assert diff[0][1].name == "ix_volunteers_unit_id"  # type: ignore[index]


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
