"""What a volunteer proposes and staff decide (审核): time claims and change requests.

A volunteer cannot write his own service time (stamped by the server) nor his own skills,
insurance and limits (staff only); he proposes them instead, and an account other than his own
approves or declines (with a reason). Every request keeps who filed it and who decided it, when
(stamped by the server) and why; requests are never deleted, a pending one may be withdrawn.

- `TimeClaim`: the service times of one task as the volunteer says they were (he forgot to check
  in or out, or the stamp is wrong); approval sets the service record's credit minutes through the
  same bound as check-out, keeping the minutes before and after.
- `VolunteerChangeRequest`: new values of staff-only volunteer fields (skills and levels, domains,
  insurance, limits, status, unit), as the GraphQL input names them; approval applies them through
  `volunteerUpdate`'s own path and keeps the values they replaced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import RequestState
from db.models.base import Base, UTCDateTime, enum_column, name_type, text_type, utcnow


class Proposal:
    """The columns every request shares: its state, who filed it and who decided it, when, why."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState), default=RequestState.PENDING,
                                                index=True)
    note: Mapped[str] = mapped_column(text_type(), default="")
    submitted_by: Mapped[str] = mapped_column(name_type())
    submitted_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(name_type())
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(text_type(), default="")  # the approval's note, the decline's reason


class TimeClaim(Proposal, Base):
    """A volunteer's claim of his service times on one task (补录工时申请)."""

    __tablename__ = "time_claims"
    __table_args__ = (CheckConstraint("ended_at > started_at", name="ended_after_started"),)

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    old_credit_minutes: Mapped[int | None] = mapped_column(Integer)  # on approval: before (null: no record)
    new_credit_minutes: Mapped[int | None] = mapped_column(Integer)  # on approval: after


class VolunteerChangeRequest(Proposal, Base):
    """A volunteer's request to change what staff record about him (资质变更申请)."""

    __tablename__ = "volunteer_change_requests"

    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # on approval: the values replaced
