"""Credentials: argon2 password hashes, signed access tokens (JWT), random refresh tokens and API keys.

The keys and lifetimes (`AuthSettings`) are read once by wenming/settings.py.

Access tokens are short-lived HS256 JWTs (`sub` = account id, `typ` = "access"); they are not
stored, so they cannot be revoked, which is why they live minutes. Refresh tokens and API keys are
random strings shown once and stored only as SHA-256 digests (they carry 256 bits of entropy, so a
fast digest is enough; passwords, chosen by people, get argon2). No key is in the code: the JWT key
comes from WENMING_JWT_KEY or is derived from WENMING_SECRET_KEY, which production requires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from resolvers.core.settings import AuthSettings

ALGORITHM = "HS256"
API_KEY_PREFIX = "wmk_"
REFRESH_PREFIX = "wmr_"

_hasher = PasswordHasher()
#: Verified against when the account is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class InvalidToken(Exception):
    """An access token that is malformed, expired, or not signed with our key."""


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
