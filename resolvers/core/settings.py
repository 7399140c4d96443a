"""The shape of the settings: plain frozen dataclasses, passed down from the composition root.

The environment is read once, by `wenming.settings.read_settings()` (the variables are listed
there); everything below `wenming/` receives a `Settings` and never reads the environment itself.
`Settings()` with no arguments is the development default, as tests and examples use it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

DEV_SECRET_KEY = "wenming-development-only-secret"
MIN_KEY_LENGTH = 32  # HS256 wants a key of at least 256 bits


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and what to set."""


def derived_jwt_key(secret_key: str) -> str:
    """The access-token key derived from the secret key when no WENMING_JWT_KEY is set."""
    return hmac.new(secret_key.encode(), b"wenming access tokens", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuthSettings:
    """Keys and lifetimes of credentials (resolvers/access/tokens.py)."""

    jwt_key: str = ""  # empty: derived from the secret key (Settings fills it in)
    access_minutes: int = 15
    refresh_days: int = 14
    max_failures: int = 5
    lock_minutes: int = 15


@dataclass(frozen=True)
class LimitSettings:
    """Query and request limits (wenming/limits.py, wenming/guard.py)."""

    max_depth: int = 15
    max_aliases: int = 100
    max_tokens: int = 10_000
    max_cost: int = 50_000
    #: wall-clock seconds one query or mutation may run; past it, its next statement fails
    execution_seconds: int = 10
    max_body_bytes: int = 256 * 1024
    rate_per_address: int = 6000
    rate_per_account: int = 3000
    login_failures_per_address: int = 30
    allowed_origins: tuple[str, ...] = ()
    #: where the rate limits count: "memory://" (this process) or a Redis URI shared by all
    rate_storage: str = "memory://"


@dataclass(frozen=True)
class PointsSettings:
    """Earning rules of the points ledger (resolvers/recognition/ledger.py): configuration, not code."""

    #: points per approved hour of credited service time
    per_hour: int = 10
    #: hours of one activity (task) that count at most
    max_hours_per_activity: float = 2.0
    #: fixed points per task kind (service item code -> points), on top of the hours
    per_task_kind: tuple[tuple[str, int], ...] = ()
    #: bonus points for each served task of an order rated at least `bonus_min_rating` (0: none)
    rating_bonus: int = 0
    bonus_min_rating: int = 4
    #: points not spent this many days after they were earned expire (None: never)
    valid_days: int | None = None

    def for_service(self, credit_minutes: int, task_kind: str) -> int:
        """What a task's credited minutes earn: counted hours (capped) times the rate, plus the kind's points."""
        counted = min(credit_minutes, int(self.max_hours_per_activity * 60))
        return counted * self.per_hour // 60 + dict(self.per_task_kind).get(task_kind, 0)


@dataclass(frozen=True)
class StarSettings:
    """Star levels (星级志愿者, resolvers/recognition/stars.py): configuration per region, not code."""

    #: hours that reach 1, 2, ... stars (ascending; the national default)
    hours: tuple[int, ...] = (100, 300, 600, 1000, 1500)
    #: which hours count: credit hours only, or credit and honour hours
    count_honour: bool = False
    #: the level of the tree (a UnitLevel value) whose unit admin approves each star (1 star first)
    approvers: tuple[str, ...] = ("INSTITUTE", "INSTITUTE", "CENTER", "CENTER", "CENTER")

    def reached(self, minutes: int) -> int:
        """The stars `minutes` of counted service reach (0: none)."""
        return sum(1 for h in self.hours if minutes >= h * 60)

    def approver(self, stars: int) -> str:
        """The level of the tree that approves a star of `stars`."""
        return self.approvers[stars - 1]


#: The default weights of the quarterly assessment's indicators (resolvers/assessment/indicators.py);
#: an indicator not named weighs 0 (shown, not counted). They sum to 1.
DEFAULT_ASSESSMENT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("orders_received", 0.10), ("orders_served", 0.10), ("median_dispatch_minutes", 0.10),
    ("median_completion_minutes", 0.10), ("completion_rate", 0.10), ("no_show_rate", 0.10),
    ("mean_rating", 0.10), ("hours_per_volunteer", 0.10), ("active_share", 0.10),
    ("activities_per_station", 0.05), ("projects", 0.05),
)


#: How the assessment normalises values within a level of the tree (resolvers/assessment/scoring.py).
NORMALISATIONS = ("minmax", "zscore")


@dataclass(frozen=True)
class AssessmentSettings:
    """The quarterly assessment (季度考核, resolvers/assessment/): configuration, not code."""

    #: (indicator key, weight) pairs summing to 1 (WENMING_ASSESSMENT_WEIGHTS)
    weights: tuple[tuple[str, float], ...] = DEFAULT_ASSESSMENT_WEIGHTS
    #: how values are normalised within a level of the tree: "minmax" or "zscore"
    normalisation: str = "minmax"


@dataclass(frozen=True)
class ProjectSettings:
    """Evaluation of projects (优秀项目库, resolvers/projects/evaluation.py): the grades' thresholds.

    A closed project's score (0..100) weighs its completion rate, its mean rating and the reviewer's
    score by `weights`; a score at or above a grade's threshold earns it (the best first)."""

    #: (grade, lowest score) from the best grade down
    grades: tuple[tuple[str, int], ...] = (("A", 85), ("B", 70), ("C", 60))
    #: weights of (completion rate, mean rating, reviewer's score), summing to 100
    weights: tuple[int, int, int] = (40, 30, 30)

    def grade(self, score: int) -> str | None:
        """The best grade `score` reaches (None: below every threshold, not in the library)."""
        return next((grade for grade, lowest in self.grades if score >= lowest), None)


@dataclass(frozen=True)
class TrainingSettings:
    """Certificates (resolvers/training/): how long an expired one still counts for dispatch, and
    how many days before expiry its holder and his team leaders are told."""

    #: days after a certificate's last valid day during which dispatch still counts it
    grace_days: int = 0
    #: expiry notices go out this many days before the last valid day (each once per certificate)
    notice_days: tuple[int, ...] = (30, 7)


@dataclass(frozen=True)
class RunSettings:
    """Background runs (jobs/): who solves them, how long a process's claim on a run lasts without
    renewal, how long a queued run waits for a worker, and the address space of one run's solver.

    `executor` "inline": each API process solves the runs it queued (the embedded default, one
    command); "workers": API processes only queue runs, and `wenming worker` processes take and
    solve them (jobs/worker.py)."""

    executor: str = "inline"
    lease_seconds: int = 30
    #: a run queued for the workers that none takes within this many seconds ends FAILED, saying so
    wait_seconds: int = 600
    memory_mb: int = 4096

    @property
    def external(self) -> bool:
        """Whether worker processes, not this API process, solve the runs queued here."""
        return self.executor == "workers"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, in one object."""

    database_url: str = "sqlite:///wenming.db"
    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    max_page_size: int = 100
    dask_scheduler: str | None = None
    log_level: str = "INFO"
    #: "text" or "json" (one object per line), each record with its request ID
    log_format: str = "text"
    auth: AuthSettings = field(default_factory=AuthSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    points: PointsSettings = field(default_factory=PointsSettings)
    stars: StarSettings = field(default_factory=StarSettings)
    projects: ProjectSettings = field(default_factory=ProjectSettings)
    assessment: AssessmentSettings = field(default_factory=AssessmentSettings)
    #: reverse proxies whose X-Forwarded-For names the client (none: the peer address is the client)
    trusted_proxies: tuple[str, ...] = ()
    #: a stalled database fails requests fast (PostgreSQL): per statement, per connection attempt,
    #: and waiting for a pooled connection; /healthz answers within `health_timeout_s`
    db_statement_timeout_ms: int = 15_000
    db_connect_timeout_s: int = 5
    db_pool_timeout_s: float = 5.0
    health_timeout_s: float = 2.0
    #: the bearer token of the metrics scraper; empty: /metrics is not served
    metrics_token: str = ""
    runs: RunSettings = field(default_factory=RunSettings)
    training: TrainingSettings = field(default_factory=TrainingSettings)

    def __post_init__(self) -> None:
        if not self.auth.jwt_key:
            derived = AuthSettings(**{**self.auth.__dict__, "jwt_key": derived_jwt_key(self.secret_key)})
            object.__setattr__(self, "auth", derived)

    @property
    def production(self) -> bool:
        return self.env == "production"
