"""Training (培训): courses, their sessions at training bases, enrolment, attendance, assessment
and the certificates that passing issues.

A course is held by a unit and teaches one skill of the catalogue: passing it grants (or renews)
that skill at the course's level, with a certificate valid for the course's validity period. A
session of a course takes place at a practice base (实践基地, the training base) between two local
times, taught by lecturers of the expert pool (volunteers) and optionally a lecturer team
(讲师团). Staff enrol volunteers, record attendance and the assessment; a pass issues a
certificate in the same transaction (who recorded it and when, stamped by the server). A
certificate is never deleted. For skills that require certification (`Skill.requires_certificate`)
dispatch counts only certificates (resolvers/training/eligibility.py). Expiry notices are written
once per certificate and threshold (`CertificateNotice`, unique).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, code_type, name_type, utcnow


class TrainingCourse(Base):
    """A training course (培训课程) held by a unit: the skill and level it grants, its hours and how
    long its certificate stays valid."""

    __tablename__ = "training_courses"
    __table_args__ = (
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("validity_days > 0", name="validity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    hours: Mapped[int] = mapped_column(Integer)
    validity_days: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingSession(Base):
    """One session (培训班次) of a course at a training base, from `starts_at` to `ends_at`
    (local wall-clock times, like orders' windows)."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("practice_bases.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    lecturer_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionLecturer(Base):
    """A lecturer of a session: a volunteer of the expert pool (专家库)."""

    __tablename__ = "training_lecturers"
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)


class Enrolment(Base):
    """A volunteer enrolled in a session (报名), with the attendance and the assessment staff record."""

    __tablename__ = "training_enrolments"
    __table_args__ = (
        UniqueConstraint("session_id", "volunteer_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enrolled_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    attended: Mapped[bool | None] = mapped_column()
    attendance_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    attendance_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column()
    assessed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Certificate(Base):
    """A training certificate (培训证书): the skill and level a passed course grants, valid from
    `issued_on` to `valid_until` (both days included)."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
        CheckConstraint("valid_until >= issued_on", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("training_enrolments.id"), unique=True)
    issued_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    synthetic: Mapped[bool] = mapped_column(default=False)


class CertificateNotice(Base):
    """An expiry notice sent for a certificate at one threshold (days before expiry): once each."""

    __tablename__ = "certificate_notices"
    __table_args__ = (UniqueConstraint("certificate_id", "threshold_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    threshold_days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
