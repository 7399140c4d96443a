"""The dispatch workflow (派单 -> 接单 -> 评单): runs, proposals, assignments, the order audit trail,
the notification outbox, service records with staff corrections, and ratings.

- `DispatchRun` is a background solve over a unit's subtree and a date range; its state, progress
  and stored problem/result live in the row, so a restart never leaves a run stuck (a run left
  RUNNING is marked FAILED at startup, see resolvers/dispatch/runs.py).
- `DispatchProposal` is one volunteer proposed for one order by a run; the dispatcher may pin,
  remove or replace proposals before committing them as `Assignment`s.
- `Assignment.version` and `DispatchRun.version` are SQLAlchemy version counters: a concurrent
  update of the same row fails instead of being lost (optimistic concurrency).
- `OrderEvent` is the per-order audit trail (who, when, from -> to, note).
- `OutboxEvent.id` increases monotonically: consumers read "every event after id N" in order.
- `ServiceRecord` keeps check-in/out ("credit" minutes) apart from staff-added "honour" minutes;
  every staff change is a `ServiceCorrection` row (who, why, how many minutes).
Service times (assignment start/end) are naive Asia/Shanghai wall clock, like orders; moments
recorded by the system (created_at, check-in/out) are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import OrderStatus
from db.models.base import Base, UTCDateTime, code_type, enum_column, name_type, text_type, utcnow


class RunState(StrEnum):
    """State of a dispatch run (派单 run); a SUCCEEDED run is committed at most once (committed_at)."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class RunKind(StrEnum):
    """A dispatch over a scope, or a repair that refills one order after a decline."""

    DISPATCH = "DISPATCH"
    REPAIR = "REPAIR"


class AssignmentStatus(StrEnum):
    """A volunteer's task (接单): offered, then accepted or declined, then served or missed."""

    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    CHECKED_IN = "CHECKED_IN"
    COMPLETED = "COMPLETED"
    NO_SHOW = "NO_SHOW"
    CANCELLED = "CANCELLED"


#: Statuses in which an assignment holds the volunteer's time.
ACTIVE_ASSIGNMENT = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN)


class EventKind(StrEnum):
    """Kinds of notification in the outbox."""

    TASK_OFFERED = "TASK_OFFERED"
    TASK_REMINDER = "TASK_REMINDER"
    TASK_CHANGED = "TASK_CHANGED"
    TASK_CANCELLED = "TASK_CANCELLED"
    ORDER_STATUS_CHANGED = "ORDER_STATUS_CHANGED"
    CERTIFICATE_EXPIRING = "CERTIFICATE_EXPIRING"  # a training certificate runs out soon (resolvers/training)


class DispatchRun(Base):
    """A background solve over a unit's subtree (scope) and a date range."""

    __tablename__ = "dispatch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[RunKind] = mapped_column(enum_column(RunKind), default=RunKind.DISPATCH)
    scope_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    repair_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    state: Mapped[RunState] = mapped_column(enum_column(RunState), default=RunState.QUEUED, index=True)
    reason: Mapped[str] = mapped_column(text_type(), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    phase: Mapped[str] = mapped_column(String(64), default="queued")
    parts_done: Mapped[int] = mapped_column(Integer, default=0)
    parts_total: Mapped[int] = mapped_column(Integer, default=0)
    best_objective: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    order_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(name_type(), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the server process holding the run (host:pid:nonce) while it renews its lease (jobs/queue.py)
    claimed_by: Mapped[str | None] = mapped_column(name_type())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DispatchProposal(Base):
    """One volunteer proposed by a run for one order, with the engine's explanation."""

    __tablename__ = "dispatch_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("dispatch_runs.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    skill_code: Mapped[str] = mapped_column(code_type())
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    distance_km: Mapped[float] = mapped_column(Float)
    travel_minutes: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pinned: Mapped[bool] = mapped_column(default=False)


class Assignment(Base):
    """A volunteer's task on an order (接单), from the offer to the service or a decline."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint('"end" > start', name="end_after_start"),
        Index("ix_assignments_volunteer_id_start", "volunteer_id", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch_runs.id"), index=True)
    skill_code: Mapped[str] = mapped_column(code_type())
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    distance_km: Mapped[float] = mapped_column(Float, default=0.0)
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus), default=AssignmentStatus.OFFERED, index=True
    )
    decline_reason: Mapped[str] = mapped_column(text_type(), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OrderEvent(Base):
    """One step of an order's audit trail: who moved it from which status to which, when, why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[OrderStatus | None] = mapped_column(enum_column(OrderStatus))
    to_status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus))
    actor: Mapped[str] = mapped_column(name_type(), default="")
    note: Mapped[str] = mapped_column(text_type(), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxEvent(Base):
    """A notification waiting for gateways (app, SMS); `id` is the consumers' cursor."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ServiceRecord(Base):
    """Check-in and check-out of one assignment; credit minutes = service time only (no travel)."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("credit_minutes IS NULL OR credit_minutes >= 0", name="credit_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credit_minutes: Mapped[int | None] = mapped_column(Integer)
    honour_minutes: Mapped[int] = mapped_column(Integer, default=0)


class ServiceCorrection(Base):
    """A staff correction adding (or removing) honour minutes on a service record, audited."""

    __tablename__ = "service_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("service_records.id", ondelete="CASCADE"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    staff: Mapped[str] = mapped_column(name_type())
    reason: Mapped[str] = mapped_column(text_type())
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Rating(Base):
    """The orderer's rating (评单) of a completed order: 1..5 and a comment, once per order."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("score >= 1 AND score <= 5", name="score_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(text_type(), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
