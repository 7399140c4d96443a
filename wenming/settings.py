"""Settings, read once from the environment (`Settings.from_env()`), then passed down explicitly.

| variable                 | default                 | meaning                                              |
|--------------------------|-------------------------|------------------------------------------------------|
| WENMING_DATABASE_URL     | sqlite:///wenming.db    | SQLAlchemy URL; PostgreSQL: postgresql+psycopg://... |
| WENMING_ENV              | development             | development (GraphiQL on) or production              |
| WENMING_SECRET_KEY       | (dev-only fallback)     | keys the ID-number fingerprint; required in production |
| WENMING_MAX_PAGE_SIZE    | 100                     | the largest `first` a connection accepts             |
| WENMING_DASK_SCHEDULER   | (unset)                 | tcp://host:8786 to solve on a Dask cluster           |
| WENMING_LOG_LEVEL        | INFO                    | Python logging level                                 |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

DEV_SECRET_KEY = "wenming-development-only-secret"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and what to set."""


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///wenming.db"
    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    max_page_size: int = 100
    dask_scheduler: str | None = None
    log_level: str = "INFO"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        mode = env.get("WENMING_ENV", "development").strip().lower()
        if mode not in ("development", "production"):
            raise SettingsError(f"WENMING_ENV={mode!r}: set it to 'development' or 'production'")
        secret = env.get("WENMING_SECRET_KEY", "")
        if not secret:
            if mode == "production":
                raise SettingsError("WENMING_SECRET_KEY is required in production: set a long random string")
            secret = DEV_SECRET_KEY
        raw_page = env.get("WENMING_MAX_PAGE_SIZE", "100")
        try:
            max_page = int(raw_page)
        except ValueError:
            raise SettingsError(f"WENMING_MAX_PAGE_SIZE={raw_page!r}: set a positive integer") from None
        if max_page < 1:
            raise SettingsError(f"WENMING_MAX_PAGE_SIZE={raw_page!r}: set a positive integer")
        return cls(
            database_url=env.get("WENMING_DATABASE_URL", "sqlite:///wenming.db"),
            env=mode,
            secret_key=secret,
            max_page_size=max_page,
            dask_scheduler=env.get("WENMING_DASK_SCHEDULER") or None,
            log_level=env.get("WENMING_LOG_LEVEL", "INFO").upper(),
        )
