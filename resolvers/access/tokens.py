"""Credentials: argon2 password hashes, signed access tokens (JWT), random refresh tokens and API keys.

| variable                         | default                      | meaning                                  |
|----------------------------------|------------------------------|------------------------------------------|
| WENMING_JWT_KEY                  | derived from the secret key  | HMAC key signing access tokens           |
| WENMING_ACCESS_TOKEN_MINUTES     | 15                           | lifetime of an access token              |
| WENMING_REFRESH_TOKEN_DAYS       | 14                           | lifetime of a refresh token              |
| WENMING_LOGIN_MAX_FAILURES       | 5                            | failed logins before the account locks   |
| WENMING_LOGIN_LOCK_MINUTES       | 15                           | how long a locked account stays locked   |

Access tokens are short-lived HS256 JWTs (`sub` = account id, `typ` = "access"); they are not
stored, so they cannot be revoked, which is why they live minutes. Refresh tokens and API keys are
random strings shown once and stored only as SHA-256 digests (they carry 256 bits of entropy, so a
fast digest is enough; passwords, chosen by people, get argon2). No key is in the code: the JWT key
comes from WENMING_JWT_KEY or is derived from WENMING_SECRET_KEY, which production requires.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wenming.settings import Settings, SettingsError

ALGORITHM = "HS256"
API_KEY_PREFIX = "wmk_"
REFRESH_PREFIX = "wmr_"
MIN_KEY_LENGTH = 32  # HS256 wants a key of at least 256 bits

_hasher = PasswordHasher()
#: Verified against when the account is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class InvalidToken(Exception):
    """An access token that is malformed, expired, or not signed with our key."""


@dataclass(frozen=True)
class AuthSettings:
    """Keys and lifetimes of credentials (see the module docstring for the variables)."""

    jwt_key: str
    access_minutes: int = 15
    refresh_days: int = 14
    max_failures: int = 5
    lock_minutes: int = 15

    @classmethod
    def from_settings(cls, settings: Settings, environ: Mapping[str, str] | None = None) -> AuthSettings:
        env = os.environ if environ is None else environ
        derived = hmac.new(settings.secret_key.encode(), b"wenming access tokens", hashlib.sha256).hexdigest()
        key = env.get("WENMING_JWT_KEY") or derived
        if len(key) < MIN_KEY_LENGTH:
            raise SettingsError(f"WENMING_JWT_KEY: use at least {MIN_KEY_LENGTH} random characters")
        return cls(
            jwt_key=key,
            access_minutes=_positive(env, "WENMING_ACCESS_TOKEN_MINUTES", 15),
            refresh_days=_positive(env, "WENMING_REFRESH_TOKEN_DAYS", 14),
            max_failures=_positive(env, "WENMING_LOGIN_MAX_FAILURES", 5),
            lock_minutes=_positive(env, "WENMING_LOGIN_LOCK_MINUTES", 15),
        )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name}={raw!r}: set a positive integer")
    return int(raw)


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted, with the library's recommended cost)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an unknown account (None) still costs one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def issue_access_token(auth: AuthSettings, account_id: int, now: datetime | None = None) -> tuple[str, datetime]:
    """A signed access token for `account_id` and the moment it expires."""
    issued = now or datetime.now(UTC)
    expires = issued + timedelta(minutes=auth.access_minutes)
    claims = {"sub": str(account_id), "typ": "access", "iat": issued, "exp": expires, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, auth.jwt_key, algorithm=ALGORITHM), expires


def verify_access_token(auth: AuthSettings, token: str) -> int:
    """The account id of a valid access token; InvalidToken otherwise (expired, forged, refresh, ...)."""
    try:
        claims = jwt.decode(token, auth.jwt_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "typ"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from None
    subject = claims.get("sub")
    if claims.get("typ") != "access" or not isinstance(subject, str) or not subject.isdigit():
        raise InvalidToken("not an access token")
    return int(subject)


def new_secret(prefix: str) -> str:
    """A random credential (refresh token, API key) of 256 bits, with a readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a refresh token or API key is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()
