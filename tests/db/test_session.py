"""Engine settings (db/session.py): SQLite pragmas, URL mapping, parameters kept out of errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from db.session import make_engine, normalise_url


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 1000
    finally:
        engine.dispose()


def test_postgresql_urls_use_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_foreign_keys_are_enforced_and_parameters_not_shown(engine: Engine) -> None:
    secret_phone = "13912345678"
    with pytest.raises(IntegrityError) as info, engine.begin() as conn:
        conn.execute(
            text("INSERT INTO departments (unit_id, name, description) VALUES (424242, 'x', :phone)"),
            {"phone": secret_phone},
        )
    assert secret_phone not in str(info.value)
