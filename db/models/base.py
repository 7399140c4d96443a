"""The declarative base, shared column types and helpers for every table of the data model.

Constraint names follow one naming convention so that Alembic migrations name them identically on
SQLite and PostgreSQL. Enums are stored as plain strings (no native database enum types) so that a
new member never needs an ALTER TYPE.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum as PyEnum
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE_LENGTH = 64
NAME_LENGTH = 200
TEXT_LENGTH = 2000
ENUM_LENGTH = 32


class Base(DeclarativeBase):
    """Declarative base of every model; `Base.metadata` is what migrations must reproduce."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases.

    SQLite has no time zones: values are stored as UTC wall clock and read back with tzinfo=UTC, so
    Python code always sees aware datetimes. Naive values are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime, e.g. datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Current time, timezone-aware UTC (the default of every created_at)."""
    return datetime.now(UTC)


def enum_column(enum_cls: type[PyEnum]) -> Any:
    """A string column type holding the member names of `enum_cls` (no native enum, no CHECK)."""
    return Enum(enum_cls, native_enum=False, length=ENUM_LENGTH, validate_strings=True)


def code_type() -> String:
    return String(CODE_LENGTH)


def name_type() -> String:
    return String(NAME_LENGTH)


def text_type() -> String:
    return String(TEXT_LENGTH)
