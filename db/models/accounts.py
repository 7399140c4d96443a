"""Identity and authorisation: accounts, role grants, refresh tokens, API keys, order owners and
the audit log of personal-data reads.

- `Account`: a person or an integration that signs in (password, argon2 hash) or calls with an
  API key. Repeated failed logins lock it for a while (`failed_logins`, `locked_until`).
- `RoleGrant`: one role of an account with its scope: a unit (unit admin, dispatcher: the unit and
  its subtree), a team (team leader), a volunteer (volunteer: self), nothing (platform admin,
  analyst, resident: own orders). An account may hold several grants; it may do what any allows.
- `RefreshToken`: a long-lived token exchanged for new access tokens; stored as a SHA-256 digest
  only, revocable (`revoked_at`), rotated on every use.
- `ApiKey`: for integrations (hotline system, SMS gateway); stored as a SHA-256 digest with a
  short public prefix to find it; acts as its account.
- `OrderOwner`: the resident account that submitted an order (residents see their own orders).
- `PersonalDataRead`: who read whose full personal data (phone, ...) and when.
- `AccountEvent`: the audit of account administration (disable, enable, sessions and API keys
  revoked, roles granted and revoked): who did what to which account, and when. Never deleted.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, enum_column, name_type, utcnow


class Role(StrEnum):
    """The roles of the permission table (docs/access.md)."""

    PLATFORM_ADMIN = "PLATFORM_ADMIN"
    UNIT_ADMIN = "UNIT_ADMIN"
    DISPATCHER = "DISPATCHER"
    TEAM_LEADER = "TEAM_LEADER"
    VOLUNTEER = "VOLUNTEER"
    RESIDENT = "RESIDENT"
    ANALYST = "ANALYST"


class Account(Base):
    """Someone who signs in: a staff member, a volunteer, a resident or an integration."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(name_type(), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2; None: API keys only
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoleGrant(Base):
    """One role of an account, with the unit, team or volunteer it is scoped to."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))


class RefreshToken(Base):
    """A refresh token by its SHA-256 digest; revoked on logout and when rotated."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An integration's key by its SHA-256 digest; `prefix` is shown to tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(name_type())
    prefix: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OrderOwner(Base):
    """The resident account that submitted an order."""

    __tablename__ = "order_owners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class PersonalDataRead(Base):
    """Audit: `account_id` read the full `field` of `subject_type` #`subject_id` at `read_at`."""

    __tablename__ = "personal_data_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(32))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccountAction(StrEnum):
    """What an administrator did to an account (`AccountEvent.action`)."""

    DISABLE = "DISABLE"
    ENABLE = "ENABLE"
    SESSIONS_REVOKE = "SESSIONS_REVOKE"
    API_KEY_REVOKE = "API_KEY_REVOKE"
    ROLE_GRANT = "ROLE_GRANT"
    ROLE_REVOKE = "ROLE_REVOKE"


class AccountEvent(Base):
    """Audit (账号管理日志): `actor_account_id` did `action` to `target_account_id` at `at`.

    `detail` holds ids, roles and counts, never personal data; the actor is None only for the
    command line. Rows are only ever added.
    """

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    action: Mapped[AccountAction] = mapped_column(enum_column(AccountAction))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
