"""Historic hours backfill (历史时长补录): hours served before the platform, imported from a file
(resolvers/imports/hours.py) with their source, and counted only once another account approved
the batch.

`HoursBackfill` is one applied import of hours: PENDING when the import commits (who imported,
when, the file's name), then APPROVED or DECLINED (with a reason) by an account other than the
importer, stamped by the server. `HoursBackfillRow` is one row of it: the volunteer, the day, the
minutes (all honour minutes, 荣誉时长: credit hours come only from server-stamped check-in/out),
the service content, the source (the old system's name, a paper register) and the reason. The
natural key (volunteer, day, source, content) names a row: re-importing a file adds nothing
while its rows are pending or approved (the import checks it under the write lock); a declined
row stays, counts nothing, and may be imported again. Nothing is ever deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import RequestState
from db.models.base import Base, UTCDateTime, utcnow


class HoursBackfill(Base):
    """A batch of historic hours imported by `imported_by_account_id`, decided by another account."""

    __tablename__ = "hours_backfills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), unique=True)
    imported_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default=RequestState.PENDING.value)
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(String(500))


class HoursBackfillRow(Base):
    """`minutes` honour minutes of `volunteer_id` on `served_on`, from `source` (row `row` of the file)."""

    __tablename__ = "hours_backfill_rows"
    __table_args__ = (
        Index("ix_hours_backfill_rows_natural_key", "volunteer_id", "served_on"),
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="backfill_minutes_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("hours_backfills.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    served_on: Mapped[date] = mapped_column(Date)
    served_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the day's start, China time: periods count it
    minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="HONOUR")
    content: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500), default="")
