"""Insurance (志愿者保险): accident policies that cover volunteers for kinds of activity.

A policy is held by a unit and entered by its staff: insurer, policy number, the period it runs
(both days included), the activity kinds it covers (service item codes) and whom it covers: a
whole team (every member, whenever he joined) or named volunteers. A policy is never deleted: it
is ended (a shorter period) or withdrawn (`withdrawn_at`: it covers nothing from then on).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, code_type, name_type, utcnow


class InsurancePolicy(Base):
    """An insurance policy (保单) held by a unit."""

    __tablename__ = "insurance_policies"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="valid_period"),
        UniqueConstraint("insurer", "policy_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    insurer: Mapped[str] = mapped_column(name_type())
    policy_number: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InsurancePolicyKind(Base):
    """An activity kind a policy covers: a service item's code."""

    __tablename__ = "insurance_policy_kinds"
    __table_args__ = (UniqueConstraint("policy_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policies.id"), index=True)
    kind: Mapped[str] = mapped_column(code_type(), index=True)


class InsuredVolunteer(Base):
    """A volunteer a policy names (a policy of a whole team names none)."""

    __tablename__ = "insured_volunteers"
    __table_args__ = (UniqueConstraint("policy_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policies.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
