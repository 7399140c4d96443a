"""The one reader of the environment: `read_settings()` builds the `Settings` passed down to
every layer (its shape: resolvers/core/settings.py). Nothing else reads WENMING_* variables.

| variable                          | default                 | meaning                                              |
|-----------------------------------|-------------------------|------------------------------------------------------|
| WENMING_DATABASE_URL              | sqlite:///wenming.db    | SQLAlchemy URL; PostgreSQL: postgresql+psycopg://... |
| WENMING_ENV                       | development             | development (GraphiQL on) or production              |
| WENMING_SECRET_KEY                | (dev-only fallback)     | keys the ID-number fingerprint; required in production |
| WENMING_MAX_PAGE_SIZE             | 100                     | the largest `first` a connection accepts             |
| WENMING_DASK_SCHEDULER            | (unset)                 | tcp://host:8786 to solve on a Dask cluster           |
| WENMING_LOG_LEVEL                 | INFO                    | Python logging level                                 |
| WENMING_JWT_KEY                   | derived from the secret key | HMAC key signing access tokens (32+ characters)  |
| WENMING_ACCESS_TOKEN_MINUTES      | 15                      | lifetime of an access token                          |
| WENMING_REFRESH_TOKEN_DAYS        | 14                      | lifetime of a refresh token                          |
| WENMING_LOGIN_MAX_FAILURES        | 5                       | failed logins before the account locks               |
| WENMING_LOGIN_LOCK_MINUTES        | 15                      | how long a locked account stays locked               |
| WENMING_MAX_DEPTH and the rest (1)| see wenming/limits.py   | query and request limits                             |
| WENMING_ALLOWED_ORIGINS           | (none)                  | comma-separated browser origins                      |
| WENMING_TRUSTED_PROXIES           | (none)                  | reverse proxies whose X-Forwarded-For is believed    |
| WENMING_DB_STATEMENT_TIMEOUT_MS   | 15000                   | PostgreSQL cancels a statement running longer        |
| WENMING_DB_CONNECT_TIMEOUT_S      | 5                       | a connection attempt gives up after this             |
| WENMING_DB_POOL_TIMEOUT_S         | 5                       | a request waits this long for a pooled connection    |
| WENMING_RUN_LEASE_SECONDS         | 30                      | a process's claim on a run lasts this long unrenewed |
| WENMING_RUN_MEMORY_MB             | 4096                    | address space of one run's solver process            |

(1) WENMING_MAX_DEPTH, _MAX_ALIASES, _MAX_TOKENS, _MAX_COST, _LIST_SIZE, _MAX_BODY_BYTES,
_RATE_PER_ADDRESS, _RATE_PER_ACCOUNT, _LOGIN_FAILURES_PER_ADDRESS.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from resolvers.core.settings import (
    DEV_SECRET_KEY,
    MIN_KEY_LENGTH,
    AuthSettings,
    LimitSettings,
    RunSettings,
    Settings,
    SettingsError,
    derived_jwt_key,
)

__all__ = ["Settings", "SettingsError", "read_settings"]

_LIMITS = ("max_depth", "max_aliases", "max_tokens", "max_cost", "list_size", "execution_seconds", "max_body_bytes",
           "rate_per_address", "rate_per_account", "login_failures_per_address")


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name}={raw!r}: set a positive integer")
    return int(raw)


def _auth(env: Mapping[str, str], secret_key: str) -> AuthSettings:
    key = env.get("WENMING_JWT_KEY") or derived_jwt_key(secret_key)
    if len(key) < MIN_KEY_LENGTH:
        raise SettingsError(f"WENMING_JWT_KEY: use at least {MIN_KEY_LENGTH} random characters")
    return AuthSettings(
        jwt_key=key,
        access_minutes=_positive(env, "WENMING_ACCESS_TOKEN_MINUTES", 15),
        refresh_days=_positive(env, "WENMING_REFRESH_TOKEN_DAYS", 14),
        max_failures=_positive(env, "WENMING_LOGIN_MAX_FAILURES", 5),
        lock_minutes=_positive(env, "WENMING_LOGIN_LOCK_MINUTES", 15),
    )


def _limits(env: Mapping[str, str]) -> LimitSettings:
    defaults = LimitSettings()
    values: dict[str, Any] = {name: _positive(env, f"WENMING_{name.upper()}", getattr(defaults, name))
                              for name in _LIMITS}
    origins = env.get("WENMING_ALLOWED_ORIGINS", "")
    values["allowed_origins"] = tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
    return LimitSettings(**values)


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or `environ`); a bad value raises SettingsError naming it."""
    env = os.environ if environ is None else environ
    mode = env.get("WENMING_ENV", "development").strip().lower()
    if mode not in ("development", "production"):
        raise SettingsError(f"WENMING_ENV={mode!r}: set it to 'development' or 'production'")
    secret = env.get("WENMING_SECRET_KEY", "") or DEV_SECRET_KEY
    raw_page = env.get("WENMING_MAX_PAGE_SIZE", "100")
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise SettingsError(f"WENMING_MAX_PAGE_SIZE={raw_page!r}: set a positive integer")
    settings = Settings(
        database_url=env.get("WENMING_DATABASE_URL", "sqlite:///wenming.db"),
        env=mode,
        secret_key=secret,
        max_page_size=int(raw_page),
        dask_scheduler=env.get("WENMING_DASK_SCHEDULER") or None,
        log_level=env.get("WENMING_LOG_LEVEL", "INFO").upper(),
        auth=_auth(env, secret),
        limits=_limits(env),
        trusted_proxies=tuple(p.strip() for p in env.get("WENMING_TRUSTED_PROXIES", "").split(",") if p.strip()),
        db_statement_timeout_ms=_positive(env, "WENMING_DB_STATEMENT_TIMEOUT_MS", 15_000),
        db_connect_timeout_s=_positive(env, "WENMING_DB_CONNECT_TIMEOUT_S", 5),
        db_pool_timeout_s=float(_positive(env, "WENMING_DB_POOL_TIMEOUT_S", 5)),
        runs=RunSettings(lease_seconds=_positive(env, "WENMING_RUN_LEASE_SECONDS", RunSettings.lease_seconds),
                         memory_mb=_positive(env, "WENMING_RUN_MEMORY_MB", RunSettings.memory_mb)),
    )
    check_production(settings)
    return settings


def check_production(settings: Settings) -> None:
    """Production refuses to start with a guessable key: the secret key (ID fingerprints, and the
    access-token key derived from it) must be at least 32 characters of random and not the default."""
    if not settings.production:
        return
    if settings.secret_key == DEV_SECRET_KEY or len(settings.secret_key) < MIN_KEY_LENGTH:
        raise SettingsError(f"WENMING_SECRET_KEY: production needs at least {MIN_KEY_LENGTH} random characters "
                            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`), not the default")
