"""Who is calling: credentials from the request -> a `Caller` with role grants; login, refresh,
logout and API keys.

A request carries `Authorization: Bearer <access token>` (from `login` or `refresh`) or
`Authorization: Bearer wmk_...` / `X-API-Key: wmk_...` (an API key). `Credential.from_headers`
reads it without touching the database; `resolve_caller` loads the account and its grants once
per operation (inside its database slot), so a disabled account or a withdrawn grant takes effect
at once, while access tokens stay stateless and short-lived.

Login never tells an unknown name from a wrong password: both get the same error, and an unknown
name is verified against a dummy argon2 hash so that both take as long. After
`AuthSettings.max_failures` failures in a row an account is locked for `lock_minutes`; the lock
answers with the same error as a wrong password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from db.models import Account, ApiKey, RefreshToken, Role, RoleGrant, Unit
from resolvers.access import tokens as credentials
from resolvers.access.tokens import AuthSettings, InvalidToken
from resolvers.core.errors import ErrorCode

LOGIN_FAILED = "the username or password is wrong, or the account is locked for a while; try again later"


class AuthError(Exception):
    """A credential was presented but is not valid; the message says what to do."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.UNAUTHENTICATED) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Grant:
    """One role with its scope: the unit's materialised path, a team id, or a volunteer id."""

    role: Role
    unit_id: int | None = None
    unit_path: str | None = None
    team_id: int | None = None
    volunteer_id: int | None = None


@dataclass(frozen=True)
class Caller:
    """An authenticated account and everything it was granted."""

    account_id: int
    username: str
    grants: tuple[Grant, ...] = field(default=())

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def grants_of(self, *roles: Role) -> list[Grant]:
        return [grant for grant in self.grants if grant.role in roles]

    @property
    def is_admin(self) -> bool:
        return Role.PLATFORM_ADMIN in self.roles

    @property
    def deidentified(self) -> bool:
        """Reads personal data de-identified: holds ANALYST, whatever else (resolvers/access/deidentify.py)."""
        return Role.ANALYST in self.roles

    @property
    def volunteer_ids(self) -> frozenset[int]:
        """The volunteers this account is (its VOLUNTEER grants)."""
        return frozenset(g.volunteer_id for g in self.grants_of(Role.VOLUNTEER) if g.volunteer_id)

    @property
    def own_volunteer(self) -> int | None:
        """The one volunteer this account is, when it is exactly one (a field that defaults to
        "myself" names him; with none or several the caller must name the volunteer)."""
        ids = self.volunteer_ids
        return next(iter(ids)) if len(ids) == 1 else None

    @property
    def led_team_ids(self) -> frozenset[int]:
        """The teams this account leads (its TEAM_LEADER grants)."""
        return frozenset(g.team_id for g in self.grants_of(Role.TEAM_LEADER) if g.team_id)


@dataclass(frozen=True)
class Credential:
    """What the request presented: an access token or an API key (not yet checked against the database)."""

    access_token: str | None = None
    api_key: str | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | None) -> Credential | None:
        if headers is None:
            return None
        api_key = headers.get("x-api-key")
        if api_key:
            return cls(api_key=api_key.strip())
        value = headers.get("authorization") or ""
        scheme, _, token = value.strip().partition(" ")
        if not value:
            return None
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("Authorization: send `Bearer <access token>` or an API key in X-API-Key")
        token = token.strip()
        if token.startswith(credentials.API_KEY_PREFIX):
            return cls(api_key=token)
        return cls(access_token=token)


def _now() -> datetime:
    return datetime.now(UTC)


def load_caller(session: Session, account_id: int) -> Caller | None:
    """The active account with its grants (one statement), or None when it is gone or disabled."""
    rows = session.execute(
        select(Account.username, Account.active, RoleGrant, Unit.path)
        .outerjoin(RoleGrant, RoleGrant.account_id == Account.id)
        .outerjoin(Unit, Unit.id == RoleGrant.unit_id)
        .where(Account.id == account_id).order_by(RoleGrant.id)
    ).all()
    if not rows or not rows[0].active:
        return None
    grants = tuple(
        Grant(g.role, unit_id=g.unit_id, unit_path=path, team_id=g.team_id, volunteer_id=g.volunteer_id)
        for _, _, g, path in rows if g is not None
    )
    return Caller(account_id=account_id, username=rows[0].username, grants=grants)


def resolve_caller(session: Session, auth: AuthSettings, credential: Credential | None) -> Caller | None:
    """The caller behind `credential` (None: anonymous); AuthError for a bad or revoked credential."""
    if credential is None:
        return None
    if credential.api_key is not None:
        key = session.scalar(select(ApiKey).where(ApiKey.digest == credentials.digest(credential.api_key)))
        if key is None or key.revoked_at is not None:
            raise AuthError("the API key is unknown or revoked; ask an administrator for a new one")
        account_id = key.account_id
    else:
        try:
            account_id = credentials.verify_access_token(auth, credential.access_token or "")
        except InvalidToken:
            raise AuthError("the access token is invalid or expired; get a new one with `refresh` or `login`") from None
    caller = load_caller(session, account_id)
    if caller is None:
        raise AuthError("the account is disabled or no longer exists")
    return caller


@dataclass(frozen=True)
class Tokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    account_id: int


def _issue(session: Session, auth: AuthSettings, account_id: int) -> Tokens:
    refresh = credentials.new_secret(credentials.REFRESH_PREFIX)
    session.add(RefreshToken(account_id=account_id, digest=credentials.digest(refresh),
                             expires_at=_now() + timedelta(days=auth.refresh_days)))
    access, expires = credentials.issue_access_token(auth, account_id)
    return Tokens(access, expires, refresh, account_id)


def login(session: Session, auth: AuthSettings, username: str, password: str) -> Tokens:
    """Tokens for a right password of an active, unlocked account; AuthError(LOGIN_FAILED) otherwise.

    Commits: the failure counter must survive the error.
    """
    account = session.scalar(select(Account).where(Account.username == username.strip()))
    ok = credentials.verify_password(account.password_hash if account else None, password)
    now = _now()
    if account is None:
        raise AuthError(LOGIN_FAILED, ErrorCode.LOGIN_FAILED)
    locked = account.locked_until is not None and account.locked_until > now
    if not ok or locked or not account.active:
        if not locked:
            failures = account.failed_logins + 1
            values: dict[str, object] = {"failed_logins": failures}
            if failures >= auth.max_failures:
                values = {"failed_logins": 0, "locked_until": now + timedelta(minutes=auth.lock_minutes)}
            session.execute(update(Account).where(Account.id == account.id).values(**values))
            session.commit()
        raise AuthError(LOGIN_FAILED, ErrorCode.LOGIN_FAILED)
    account.failed_logins = 0
    account.locked_until = None
    tokens = _issue(session, auth, account.id)
    session.commit()
    return tokens


def refresh(session: Session, auth: AuthSettings, refresh_token: str) -> Tokens:
    """New tokens for a valid refresh token, which is revoked (rotation: each one works once).

    The token is claimed with one guarded UPDATE, so of concurrent refreshes with the same token
    exactly one wins. A token presented again after it was used is taken as stolen (OAuth 2.0
    Security BCP, refresh token rotation): every refresh token of the account is revoked, and the
    account signs in again.
    """
    row = session.scalar(select(RefreshToken).where(RefreshToken.digest == credentials.digest(refresh_token)))
    now = _now()
    if row is None or row.expires_at <= now:
        raise AuthError("the refresh token is unknown, used, revoked or expired; log in again")
    claimed = cast(CursorResult[Any], session.execute(
        update(RefreshToken).where(RefreshToken.id == row.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False)))
    if not claimed.rowcount:
        session.rollback()
        revoke_all(session, row.account_id)
        session.commit()
        raise AuthError("the refresh token is unknown, used, revoked or expired; log in again")
    if load_caller(session, row.account_id) is None:
        session.rollback()
        raise AuthError("the account is disabled or no longer exists")
    tokens = _issue(session, auth, row.account_id)
    session.commit()
    return tokens


def revoke_all(session: Session, account_id: int) -> int:
    """Revoke every live refresh token of the account, in the session's transaction (the caller
    commits); returns how many."""
    result = cast(CursorResult[Any], session.execute(
        update(RefreshToken).where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())))
    return int(result.rowcount or 0)


def logout(session: Session, account_id: int, refresh_token: str | None) -> int:
    """Revoke one refresh token of the account, or all of them (None); returns how many."""
    stmt = update(RefreshToken).where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
    if refresh_token is not None:
        stmt = stmt.where(RefreshToken.digest == credentials.digest(refresh_token))
    result = cast(CursorResult[Any], session.execute(stmt.values(revoked_at=_now())))
    count = result.rowcount or 0
    session.commit()
    return int(count)


def create_api_key(session: Session, account_id: int, name: str) -> tuple[str, ApiKey]:
    """A new API key acting as `account_id`; the clear key is returned once and never stored."""
    secret = credentials.new_secret(credentials.API_KEY_PREFIX)
    row = ApiKey(account_id=account_id, name=name, prefix=secret[:12], digest=credentials.digest(secret))
    session.add(row)
    session.commit()
    return secret, row
