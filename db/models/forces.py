"""Volunteer forces (志愿服务体系): teams (corps 总队 -> detachment 支队 -> team 队, and specialist
teams 专业分队), the skill catalogue, volunteers and what belongs to each volunteer: skills,
expert-pool domains (专家库), weekly availability, dated exceptions and team memberships.

Volunteers hold no national ID number in clear: only an HMAC fingerprint (unique, to detect
duplicates) and the last four characters for masked display (see db/identity.py).
`Volunteer.version` is SQLAlchemy's version counter: every ORM update checks and increments it, so
a concurrent write to the same row fails with StaleDataError instead of being lost.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.enums import MemberRole, ServiceDomain, TeamKind, VolunteerStatus
from db.models.base import Base, UTCDateTime, code_type, enum_column, name_type, text_type, utcnow


class Team(Base):
    """A volunteer team; `parent_id` links team -> detachment -> corps."""

    __tablename__ = "teams"
    __table_args__ = (
        CheckConstraint("kind <> 'SPECIALIST' OR domain IS NOT NULL", name="specialist_has_domain"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    kind: Mapped[TeamKind] = mapped_column(enum_column(TeamKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    domain: Mapped[ServiceDomain | None] = mapped_column(enum_column(ServiceDomain), index=True)
    description: Mapped[str] = mapped_column(text_type(), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Team | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Team]] = relationship(back_populates="parent", order_by="Team.id")


class Skill(Base):
    """A skill of the catalogue, e.g. code "doctor", name 医生."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    domain: Mapped[ServiceDomain | None] = mapped_column(enum_column(ServiceDomain))
    #: dispatch counts this skill only from valid training certificates (db/models/training.py)
    requires_certificate: Mapped[bool] = mapped_column(default=False, server_default=false())


class Volunteer(Base):
    """A registered volunteer (志愿者)."""

    __tablename__ = "volunteers"
    __table_args__ = (
        CheckConstraint("home_lat >= -90 AND home_lat <= 90", name="home_lat_range"),
        CheckConstraint("home_lon >= -180 AND home_lon <= 180", name="home_lon_range"),
        CheckConstraint("max_travel_km IS NULL OR max_travel_km >= 0", name="max_travel_km_non_negative"),
        CheckConstraint("max_tasks_per_day IS NULL OR max_tasks_per_day >= 0", name="max_tasks_non_negative"),
        CheckConstraint(
            "max_minutes_per_day IS NULL OR max_minutes_per_day >= 0", name="max_minutes_non_negative"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_number: Mapped[str] = mapped_column(code_type(), unique=True)  # 统一志愿者编号
    name: Mapped[str] = mapped_column(name_type())
    phone: Mapped[str] = mapped_column(String(32))  # sensitive: never logged
    id_number_fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_tail: Mapped[str] = mapped_column(String(4))
    home_lat: Mapped[float] = mapped_column(Float)
    home_lon: Mapped[float] = mapped_column(Float)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    insurance_valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_column(VolunteerStatus), default=VolunteerStatus.ACTIVE, index=True
    )
    max_travel_km: Mapped[float | None] = mapped_column(Float)
    max_tasks_per_day: Mapped[int | None] = mapped_column(Integer)
    max_minutes_per_day: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (typed by SQLAlchemy)


class VolunteerSkill(Base):
    """A volunteer's skill with a level 1..5 and an optional certification expiry."""

    __tablename__ = "volunteer_skills"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "skill_id"),
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    certified_until: Mapped[date | None] = mapped_column(Date)


class VolunteerDomain(Base):
    """Membership of a volunteer in the expert pool (专家库) of a domain."""

    __tablename__ = "volunteer_domains"
    __table_args__ = (UniqueConstraint("volunteer_id", "domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    domain: Mapped[ServiceDomain] = mapped_column(enum_column(ServiceDomain), index=True)


class AvailabilityWindow(Base):
    """A weekly availability window: weekday 0 (Monday) .. 6, minutes after midnight."""

    __tablename__ = "availability_windows"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440", name="minute_range"),
        CheckConstraint("end_minute > start_minute", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class AvailabilityException(Base):
    """A dated exception (local wall clock): an extra window (available) or an absence."""

    __tablename__ = "availability_exceptions"
    __table_args__ = (CheckConstraint('"end" > start', name="end_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    available: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(text_type(), default="")


class TeamMembership(Base):
    """A volunteer's membership in a team, as leader or member."""

    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("volunteer_id", "team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole), default=MemberRole.MEMBER)
