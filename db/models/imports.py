"""The audit of imports (导入日志): who applied which file kind when, and what each row did.

`ImportRun` is one applied import (a dry run or an import rolled back leaves none): the account,
the kind, the server's time and the counts. `ImportChange` is one row of it that wrote something:
the row number, the object created or updated and the names of the fields that changed (never
their values: no personal data). Both are written in the import's own transaction, in one
statement per chunk of rows, and only ever added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, utcnow


class ImportRun(Base):
    """An applied import: `account_id` imported `rows` rows of `kind` at `at`."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    bad_rows: Mapped[int] = mapped_column(Integer, default=0)  # skipped with --skip-bad-rows


class ImportChange(Base):
    """Row `row` of run `run_id` created or updated `subject_type` #`subject_id` (`fields`: names)."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
