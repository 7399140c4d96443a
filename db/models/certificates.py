"""Record certificates (志愿服务记录证明) and the publication of outstanding volunteers (嘉许礼遇).

A `ServiceCertificate` is issued by the unit that recorded the service (the units whose orders the
volunteer served, in its subtree) for one volunteer and one period, free of charge
(志愿服务记录与证明出具办法, 2021). The row is the record of the issuance: who issued it and when,
and a snapshot of what it certifies (the volunteer's name, volunteer number and the tail of his ID
number, the hours and the service content of the period, the issuer's name and contact), so the PDF says the
same whenever it is rendered again. Its verification code is an HMAC of those facts under the
server's secret key (resolvers/certificates/issue.py); the row keeps only the code's SHA-256, by
which the public verification finds it. Certificates are never changed or deleted.

A `PublicationPreference` is a volunteer's own choice of how the public honour roll names him
(full name, masked name, not listed); without a row he is listed by his masked name.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, code_type, enum_column, name_type, text_type, utcnow


class PublicationListing(StrEnum):
    """How the public honour roll names a volunteer."""

    FULL_NAME = "FULL_NAME"  # 实名公布
    MASKED_NAME = "MASKED_NAME"  # 隐去名字 (张*): the default
    NOT_LISTED = "NOT_LISTED"  # 不公布


class ServiceCertificate(Base):
    """One issued record certificate (志愿服务记录证明), immutable."""

    __tablename__ = "service_certificates"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period"),
                      CheckConstraint("credit_minutes >= 0 AND honour_minutes >= 0", name="minutes_non_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 证明编号
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the verification code
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the issuing (recording) unit
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # included
    volunteer_name: Mapped[str] = mapped_column(name_type())
    volunteer_number: Mapped[str] = mapped_column(code_type())
    id_number_tail: Mapped[str] = mapped_column(String(4))
    issuer_name: Mapped[str] = mapped_column(name_type())
    issuer_head: Mapped[str] = mapped_column(name_type(), default="", server_default="")  # 负责人: the unit's
    issuer_contact: Mapped[str] = mapped_column(name_type(), default="")  # 联系人: the unit's contact
    issuer_phone: Mapped[str] = mapped_column(String(32), default="")  # 联系电话: the unit's, never logged
    credit_minutes: Mapped[int] = mapped_column(Integer)
    honour_minutes: Mapped[int] = mapped_column(Integer)
    service_count: Mapped[int] = mapped_column(Integer)
    service_content: Mapped[str] = mapped_column(text_type())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    handler: Mapped[str] = mapped_column(name_type())  # 经办人: the issuing account's name
    requested_by_volunteer: Mapped[bool] = mapped_column(default=False)


class PublicationPreference(Base):
    """A volunteer's choice of how the honour roll names him (set by himself only)."""

    __tablename__ = "publication_preferences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), unique=True)
    listing: Mapped[PublicationListing] = mapped_column(enum_column(PublicationListing))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
