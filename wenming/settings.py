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
| WENMING_POINTS_PER_HOUR           | 10                      | points per approved hour of service                  |
| WENMING_POINTS_MAX_HOURS          | 2                       | hours of one task that earn points at most           |
| WENMING_POINTS_PER_TASK_KIND      | (none)                  | ITEM_CODE=points,...: fixed points per service item  |
| WENMING_POINTS_RATING_BONUS       | 0                       | points per served task of an order rated 4 or 5      |
| WENMING_POINTS_VALID_DAYS         | (never)                 | days after which unspent points expire               |
| WENMING_STAR_HOURS                | 100,300,600,1000,1500   | hours that reach 1..5 stars (ascending)              |
| WENMING_STAR_COUNTS               | credit                  | which hours count: credit or credit+honour           |
| WENMING_STAR_APPROVERS            | 1-2:INSTITUTE,3-5:CENTER | the level of the tree approving each star           |
| WENMING_CERTIFICATE_GRACE_DAYS    | 0                       | days an expired certificate still counts for dispatch |
| WENMING_CERTIFICATE_NOTICE_DAYS   | 30,7                    | days before expiry that holders are notified         |
| WENMING_PROJECT_GRADES            | A:85,B:70,C:60          | lowest score (0..100) of each project grade, best |
| WENMING_ASSESSMENT_WEIGHTS        | (see below)             | INDICATOR:WEIGHT,...: assessment weights, sum 1      |
| WENMING_ASSESSMENT_NORMALISATION  | minmax                  | minmax or zscore, within a level of the tree         |
| WENMING_RUN_LEASE_SECONDS         | 30                      | a process's claim on a run lasts this long unrenewed |
| WENMING_RUN_MEMORY_MB             | 4096                    | address space of one run's solver process            |

The assessment's default weights: resolvers/core/settings.py DEFAULT_ASSESSMENT_WEIGHTS.

(1) WENMING_MAX_DEPTH, _MAX_ALIASES, _MAX_TOKENS, _MAX_COST, _MAX_BODY_BYTES,
_RATE_PER_ADDRESS, _RATE_PER_ACCOUNT, _LOGIN_FAILURES_PER_ADDRESS.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from resolvers.core.settings import (
    DEV_SECRET_KEY,
    MIN_KEY_LENGTH,
    NORMALISATIONS,
    AssessmentSettings,
    AuthSettings,
    LimitSettings,
    PointsSettings,
    ProjectSettings,
    RunSettings,
    Settings,
    SettingsError,
    StarSettings,
    TrainingSettings,
    derived_jwt_key,
)
from wenming.limits import RATE_STORAGES
from wenming.logs import LOG_FORMATS

__all__ = ["Settings", "SettingsError", "read_settings"]

_LIMITS = ("max_depth", "max_aliases", "max_tokens", "max_cost", "execution_seconds", "max_body_bytes",
           "rate_per_address", "rate_per_account", "login_failures_per_address")


#: who solves the runs (resolvers/core/settings.py RunSettings)
RUN_EXECUTORS = ("inline", "workers")


def _log_format(env: Mapping[str, str]) -> str:
    value = env.get("WENMING_LOG_FORMAT", "text").strip().lower() or "text"
    if value not in LOG_FORMATS:
        raise SettingsError(f"WENMING_LOG_FORMAT={value!r}: set one of {', '.join(LOG_FORMATS)}")
    return value


def _runs(env: Mapping[str, str]) -> RunSettings:
    executor = env.get("WENMING_RUN_EXECUTOR", "inline").strip().lower() or "inline"
    if executor not in RUN_EXECUTORS:
        raise SettingsError(f"WENMING_RUN_EXECUTOR={executor!r}: set one of {', '.join(RUN_EXECUTORS)}")
    return RunSettings(executor=executor,
                       lease_seconds=_positive(env, "WENMING_RUN_LEASE_SECONDS", RunSettings.lease_seconds),
                       wait_seconds=_positive(env, "WENMING_RUN_WAIT_SECONDS", RunSettings.wait_seconds),
                       memory_mb=_positive(env, "WENMING_RUN_MEMORY_MB", RunSettings.memory_mb))


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
    storage = env.get("WENMING_RATE_STORAGE") or defaults.rate_storage
    if not storage.startswith(RATE_STORAGES):
        raise SettingsError(f"WENMING_RATE_STORAGE={storage!r}: set memory:// or a Redis URI (redis://host:6379/0)")
    values["rate_storage"] = storage
    return LimitSettings(**values)


def _points(env: Mapping[str, str]) -> PointsSettings:
    kinds: list[tuple[str, int]] = []
    for pair in env.get("WENMING_POINTS_PER_TASK_KIND", "").split(","):
        code, sep, points = pair.strip().partition("=")
        if not pair.strip():
            continue
        if not sep or not code.strip() or not points.strip().isdigit():
            raise SettingsError(f"WENMING_POINTS_PER_TASK_KIND: {pair.strip()!r}: write ITEM_CODE=points, "
                                "comma-separated")
        kinds.append((code.strip(), int(points)))
    raw_hours = env.get("WENMING_POINTS_MAX_HOURS", "2")
    try:
        hours = float(raw_hours)
    except ValueError:
        hours = 0.0
    if not 0 < hours <= 24:
        raise SettingsError(f"WENMING_POINTS_MAX_HOURS={raw_hours!r}: set a number of hours within (0, 24]")
    valid = env.get("WENMING_POINTS_VALID_DAYS", "")
    return PointsSettings(
        per_hour=_positive(env, "WENMING_POINTS_PER_HOUR", 10),
        max_hours_per_activity=hours,
        per_task_kind=tuple(kinds),
        rating_bonus=_positive(env, "WENMING_POINTS_RATING_BONUS", 1) if env.get("WENMING_POINTS_RATING_BONUS")
        else 0,
        valid_days=_positive(env, "WENMING_POINTS_VALID_DAYS", 1) if valid else None,
    )


_LEVELS = ("CENTER", "INSTITUTE", "STATION")


def _stars(env: Mapping[str, str]) -> StarSettings:
    raw = env.get("WENMING_STAR_HOURS", "")
    hours = StarSettings.hours
    if raw.strip():
        parts = [p.strip() for p in raw.split(",")]
        if (not all(p.isdigit() and 0 < int(p) <= 100_000 for p in parts) or len(parts) > 10
                or [int(p) for p in parts] != sorted({int(p) for p in parts})):
            raise SettingsError(f"WENMING_STAR_HOURS={raw!r}: set ascending whole hours, comma-separated "
                                "(e.g. 100,300,600,1000,1500)")
        hours = tuple(int(p) for p in parts)
    counts = env.get("WENMING_STAR_COUNTS", "credit").strip().lower()
    if counts not in ("credit", "credit+honour"):
        raise SettingsError(f"WENMING_STAR_COUNTS={counts!r}: set credit or credit+honour")
    default = "1-2:INSTITUTE,3-5:CENTER" if len(hours) == 5 else ",".join(
        f"{s}:{'INSTITUTE' if s <= 2 else 'CENTER'}" for s in range(1, len(hours) + 1))
    raw_approvers = env.get("WENMING_STAR_APPROVERS") or default
    approvers: dict[int, str] = {}
    for part in raw_approvers.split(","):
        span, _, level = part.strip().partition(":")
        low, _, high = span.partition("-")
        high = high or low
        if not (low.isdigit() and high.isdigit() and level.strip().upper() in _LEVELS
                and 1 <= int(low) <= int(high) <= len(hours)):
            raise SettingsError(f"WENMING_STAR_APPROVERS: {part.strip()!r}: write STARS:LEVEL or FROM-TO:LEVEL "
                                f"with stars 1 to {len(hours)} and LEVEL one of {', '.join(_LEVELS)}")
        approvers.update(dict.fromkeys(range(int(low), int(high) + 1), level.strip().upper()))
    if sorted(approvers) != list(range(1, len(hours) + 1)):
        raise SettingsError(f"WENMING_STAR_APPROVERS={raw_approvers!r}: name the approving level of every star, "
                            f"1 to {len(hours)}")
    return StarSettings(hours=hours, count_honour=counts == "credit+honour",
                        approvers=tuple(approvers[s] for s in range(1, len(hours) + 1)))


def _training(env: Mapping[str, str]) -> TrainingSettings:
    raw_grace = env.get("WENMING_CERTIFICATE_GRACE_DAYS", "").strip()
    if raw_grace and (not raw_grace.isdigit() or int(raw_grace) > 365):
        raise SettingsError(f"WENMING_CERTIFICATE_GRACE_DAYS={raw_grace!r}: set whole days, 0..365")
    raw = env.get("WENMING_CERTIFICATE_NOTICE_DAYS", "").strip()
    notice = TrainingSettings.notice_days
    if raw:
        parts = [p.strip() for p in raw.split(",")]
        if not all(p.isdigit() and 0 < int(p) <= 365 for p in parts) or len(parts) > 10:
            raise SettingsError(f"WENMING_CERTIFICATE_NOTICE_DAYS={raw!r}: set up to 10 days (1..365), e.g. 30,7")
        notice = tuple(sorted({int(p) for p in parts}, reverse=True))
    return TrainingSettings(grace_days=int(raw_grace or 0), notice_days=notice)


def _projects(env: Mapping[str, str]) -> ProjectSettings:
    raw = env.get("WENMING_PROJECT_GRADES", "")
    if not raw.strip():
        return ProjectSettings()
    grades: list[tuple[str, int]] = []
    for part in raw.split(","):
        grade, _, lowest = part.strip().partition(":")
        grade = grade.strip().upper()
        if grade not in ("A", "B", "C") or not lowest.strip().isdigit() or int(lowest) > 100:
            raise SettingsError(f"WENMING_PROJECT_GRADES: {part.strip()!r}: write GRADE:SCORE with GRADE one of A, "
                                "B, C and SCORE 0..100 (e.g. A:85,B:70,C:60)")
        grades.append((grade, int(lowest)))
    names = [g for g, _ in grades]
    scores = [s for _, s in grades]
    if names != sorted(set(names)) or scores != sorted(set(scores), reverse=True):
        raise SettingsError(f"WENMING_PROJECT_GRADES={raw!r}: each grade once, best first, with falling scores "
                            "(e.g. A:85,B:70,C:60)")
    return ProjectSettings(grades=tuple(grades))


def parse_weights(raw: str, name: str = "WENMING_ASSESSMENT_WEIGHTS") -> tuple[tuple[str, float], ...]:
    """`INDICATOR:WEIGHT,...` -> (key, weight) pairs summing to 1; SettingsError naming `name` otherwise."""
    if len(raw) > 2000:
        raise SettingsError(f"{name}: at most 2000 characters")
    parsed: dict[str, float] = {}
    for part in raw.split(","):
        key, _, number = part.strip().partition(":")
        try:
            parsed[key.strip()] = float(number)
        except ValueError:
            raise SettingsError(f"{name}: {part.strip()[:60]!r}: write INDICATOR:WEIGHT, "
                                "e.g. completion_rate:0.2") from None
    from resolvers.assessment.indicators import weight_problems  # the models load only when weights are set

    problems = weight_problems(parsed)
    if problems:
        raise SettingsError(f"{name}={raw[:200]!r}: {problems[0][1]}")
    return tuple(parsed.items())


def _assessment(env: Mapping[str, str]) -> AssessmentSettings:
    raw = env.get("WENMING_ASSESSMENT_WEIGHTS", "")
    weights = parse_weights(raw) if raw.strip() else AssessmentSettings.weights
    method = env.get("WENMING_ASSESSMENT_NORMALISATION", "minmax").strip().lower()
    if method not in NORMALISATIONS:
        raise SettingsError(f"WENMING_ASSESSMENT_NORMALISATION={method!r}: set {' or '.join(NORMALISATIONS)}")
    return AssessmentSettings(weights=weights, normalisation=method)


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
        log_format=_log_format(env),
        auth=_auth(env, secret),
        limits=_limits(env),
        points=_points(env),
        stars=_stars(env),
        projects=_projects(env),
        assessment=_assessment(env),
        trusted_proxies=tuple(p.strip() for p in env.get("WENMING_TRUSTED_PROXIES", "").split(",") if p.strip()),
        db_statement_timeout_ms=_positive(env, "WENMING_DB_STATEMENT_TIMEOUT_MS", 15_000),
        db_connect_timeout_s=_positive(env, "WENMING_DB_CONNECT_TIMEOUT_S", 5),
        db_pool_timeout_s=float(_positive(env, "WENMING_DB_POOL_TIMEOUT_S", 5)),
        metrics_token=env.get("WENMING_METRICS_TOKEN", ""),
        runs=_runs(env),
        training=_training(env),
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
    if settings.metrics_token and len(settings.metrics_token) < MIN_KEY_LENGTH:
        raise SettingsError(f"WENMING_METRICS_TOKEN: production needs at least {MIN_KEY_LENGTH} random characters")
