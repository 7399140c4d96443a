"""Subsidies and allowances (交通补贴、生活补贴): a unit's rules, and the monthly batches it pays.

Money is integer fen (分), never a float. A `SubsidyRule` of a unit runs over a period (both days
included): a transport subsidy flat per completed task or by the task's travel distance band
(`Assignment.distance_km`, from `min_metres` included to `max_metres` excluded, open-ended when
null), a living allowance per approved service day or per approved hour (the service record's
credit minutes), or a cap per volunteer and month. A rule is never deleted: it is withdrawn.

A `SubsidyBatch` is one unit's month: proposed (computed) by staff, approved by another account.
Its `SubsidyLine`s say what earned each amount (the rule, the task, the day, the minutes or
metres). Lines of a proposed batch are replaced when it is computed again; an approved batch is
never recomputed, and a correction is a new ADJUSTMENT line, itself proposed and approved by two
accounts. A task earns one transport and one living line at most, whichever unit's batch paid it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, enum_column, text_type, utcnow


class SubsidyKind(StrEnum):
    """What a rule pays, or caps."""

    TRANSPORT_FLAT = "TRANSPORT_FLAT"  # 交通补贴: an amount per completed task
    TRANSPORT_BAND = "TRANSPORT_BAND"  # 交通补贴: an amount per completed task in a travel distance band
    LIVING_DAY = "LIVING_DAY"  # 生活补贴: an amount per approved service day
    LIVING_HOUR = "LIVING_HOUR"  # 生活补贴: an amount per approved hour
    MONTHLY_CAP = "MONTHLY_CAP"  # 每人每月上限: the most one volunteer receives in a month


class BatchState(StrEnum):
    PROPOSED = "PROPOSED"  # 待审核: computed, may be computed again
    APPROVED = "APPROVED"  # 已审核: frozen; corrections are adjustment lines


class LineKind(StrEnum):
    TRANSPORT = "TRANSPORT"
    LIVING = "LIVING"
    CAP = "CAP"  # the negative amount that brings a volunteer's month down to the cap
    ADJUSTMENT = "ADJUSTMENT"  # a correction after approval, with its reason


class SubsidyRule(Base):
    """A unit's subsidy rule (补贴标准) for a period."""

    __tablename__ = "subsidy_rules"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="valid_period"),
        CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
        CheckConstraint("min_metres IS NULL OR min_metres >= 0", name="min_non_negative"),
        CheckConstraint("max_metres IS NULL OR min_metres IS NULL OR max_metres > min_metres", name="band_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[SubsidyKind] = mapped_column(enum_column(SubsidyKind))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)
    min_metres: Mapped[int | None] = mapped_column(Integer)
    max_metres: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubsidyBatch(Base):
    """One unit's subsidies of one month (补贴发放批次), proposed then approved by another account."""

    __tablename__ = "subsidy_batches"
    __table_args__ = (UniqueConstraint("unit_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # the month's first day
    state: Mapped[BatchState] = mapped_column(enum_column(BatchState), default=BatchState.PROPOSED)
    proposed_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (typed by SQLAlchemy)


class SubsidyLine(Base):
    """One amount of a batch for one volunteer, with what earned it; approved lines never change."""

    __tablename__ = "subsidy_lines"
    __table_args__ = (
        # a task earns one transport and one living line at most, in whichever batch
        Index("uq_subsidy_lines_assignment_id_kind", "assignment_id", "kind", unique=True,
              sqlite_where=text("assignment_id IS NOT NULL AND kind IN ('TRANSPORT', 'LIVING')"),
              postgresql_where=text("assignment_id IS NOT NULL AND kind IN ('TRANSPORT', 'LIVING')")),
        CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("subsidy_batches.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind))
    amount_fen: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_rules.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    day: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, default=0)  # minutes (hourly), metres (band), else 1
    basis: Mapped[str] = mapped_column(text_type(), default="")  # what earned it, or the adjustment's reason
    proposed_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
