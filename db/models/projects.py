"""Volunteer service projects (志愿服务项目): development, application and approval (开发、申报立项),
running, closing and evaluation, and the excellent-project library (优秀项目库) graded by results.

A project belongs to a unit (and optionally a team): a domain, goals, target groups, a period (both
days included), a budget in fen (分, whole numbers: money is never a float), the service items it
runs and the stations it serves. Its life: DRAFT -> SUBMITTED -> APPROVED | RETURNED (with a
reason; resubmitted from RETURNED) -> RUNNING -> CLOSED -> EVALUATED. Every step is a
`ProjectEvent` (who, when: the server's clock). Orders placed for a running project carry its id
(`orders.project_id`), so dispatch, hours and ratings attach to it; its evaluation is computed from
them at close, with a reviewer's score, and a graded evaluation puts it in the library. A project
is never deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import ServiceDomain
from db.models.base import Base, UTCDateTime, enum_column, name_type, text_type, utcnow


class ProjectState(StrEnum):
    """Where a project stands (立项 -> 实施 -> 结项 -> 评估)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"  # 申报: waiting for the unit above
    APPROVED = "APPROVED"  # 立项
    RETURNED = "RETURNED"  # 退回 with a reason: changed and resubmitted
    RUNNING = "RUNNING"  # 实施: its activities are ordered
    CLOSED = "CLOSED"  # 结项: waiting for its evaluation
    EVALUATED = "EVALUATED"  # 评估: graded ones are in the library


class ProjectGrade(StrEnum):
    """The grade of an evaluated project in the library (分级管理); thresholds: Settings.projects."""

    A = "A"
    B = "B"
    C = "C"


class Project(Base):
    """A volunteer service project (志愿服务项目) of a unit."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="valid_period"),
        CheckConstraint("budget_fen >= 0", name="budget_non_negative"),
        CheckConstraint("spent_fen IS NULL OR spent_fen >= 0", name="spent_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(name_type())
    domain: Mapped[ServiceDomain] = mapped_column(enum_column(ServiceDomain), index=True)
    goals: Mapped[str] = mapped_column(text_type(), default="")
    target_groups: Mapped[str] = mapped_column(text_type(), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    budget_fen: Mapped[int] = mapped_column(Integer, default=0)
    #: what was spent, reported when the project closes
    spent_fen: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[ProjectState] = mapped_column(enum_column(ProjectState), default=ProjectState.DRAFT, index=True)
    #: the reason of the last return (退回意见), empty otherwise
    return_reason: Mapped[str] = mapped_column(text_type(), default="")
    #: the account that submitted it last: it may not approve, return or evaluate it
    submitted_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    #: the library entry this draft was copied from
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (typed by SQLAlchemy)


class ProjectItem(Base):
    """A service item (服务项目) a project runs: its activities are orders for these items."""

    __tablename__ = "project_items"
    __table_args__ = (UniqueConstraint("project_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), index=True)


class ProjectStation(Base):
    """A station (实践站) of the project's subtree where its activities take place."""

    __tablename__ = "project_stations"
    __table_args__ = (UniqueConstraint("project_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class ProjectEvent(Base):
    """One step of a project's audit trail: who moved it from which state to which, when, why."""

    __tablename__ = "project_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    from_state: Mapped[ProjectState | None] = mapped_column(enum_column(ProjectState))
    to_state: Mapped[ProjectState] = mapped_column(enum_column(ProjectState))
    actor: Mapped[str] = mapped_column(name_type(), default="")
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str] = mapped_column(text_type(), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectEvaluation(Base):
    """The evaluation of a closed project (跟踪问效): its figures as computed when it was evaluated,
    the reviewer's score, the overall score and the grade (none: below every threshold)."""

    __tablename__ = "project_evaluations"
    __table_args__ = (
        CheckConstraint("reviewer_score >= 0 AND reviewer_score <= 100", name="reviewer_score_range"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    orders_total: Mapped[int] = mapped_column(Integer)  # not cancelled or rejected
    orders_served: Mapped[int] = mapped_column(Integer)  # completed or rated
    approved_minutes: Mapped[int] = mapped_column(Integer)  # credit minutes of the service records
    ratings: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    #: residents reached, as the reviewer reports them (orders do not count people served)
    residents_reached: Mapped[int | None] = mapped_column(Integer)
    budget_fen: Mapped[int] = mapped_column(Integer)
    spent_fen: Mapped[int] = mapped_column(Integer)
    reviewer_score: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[ProjectGrade | None] = mapped_column(enum_column(ProjectGrade), index=True)
    reviewer: Mapped[str] = mapped_column(name_type(), default="")
    reviewer_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str] = mapped_column(text_type(), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
