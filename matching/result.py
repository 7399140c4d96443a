"""What `solve` returns: status, objective per level, bounds, assignments with explanations,
open requests with reasons, timings and (after a re-solve) what moved.

Times in a result are ISO text (`2026-03-05T09:00`), exactly as in the result JSON, so that a
result stands on its own without its problem.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

LEVELS = ("staffing", "travel_m", "workload", "cohesion")


class Status(str, enum.Enum):  # noqa: UP042 -- StrEnum would change str(member) from 'Status.X' to 'X'
    """OPTIMAL: every objective level proven; FEASIBLE: valid, not proven; INFEASIBLE: the hard
    rules contradict each other (e.g. pins); MODEL_INVALID / UNKNOWN: the solver failed."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    MODEL_INVALID = "MODEL_INVALID"
    UNKNOWN = "UNKNOWN"


class Reason(str, enum.Enum):  # noqa: UP042 -- as Status: str(member) stays 'Reason.X'
    """Why a request stayed open, why a volunteer did not qualify, or why a runner-up lost."""

    NO_QUALIFIED_VOLUNTEER = "NO_QUALIFIED_VOLUNTEER"
    NOT_IN_ELIGIBLE_TEAM = "NOT_IN_ELIGIBLE_TEAM"
    NONE_IN_RANGE = "NONE_IN_RANGE"
    NONE_AVAILABLE = "NONE_AVAILABLE"
    NO_INSURANCE = "NO_INSURANCE"
    LIMITS_REACHED = "LIMITS_REACHED"
    OUTRANKED_BY_HIGHER_PRIORITY = "OUTRANKED_BY_HIGHER_PRIORITY"
    NOT_ENOUGH_FOR_FULL_STAFFING = "NOT_ENOUGH_FOR_FULL_STAFFING"
    # near-miss / runner-up specific
    LESS_QUALIFIED = "LESS_QUALIFIED"
    SKILL_EXPIRED = "SKILL_EXPIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNAVAILABLE = "UNAVAILABLE"
    FORBIDDEN = "FORBIDDEN"
    FARTHER = "FARTHER"
    ASSIGNED_ELSEWHERE = "ASSIGNED_ELSEWHERE"
    BUSY_ELSEWHERE = "BUSY_ELSEWHERE"
    WORSE_BALANCE = "WORSE_BALANCE"
    TIE = "TIE"
    PINNED_CONFLICT = "PINNED_CONFLICT"
    INFEASIBLE_PROBLEM = "INFEASIBLE_PROBLEM"


@dataclass(frozen=True, slots=True)
class Objective:
    """The four lexicographic levels: staffing (max), travel metres (min), workload (min),
    cohesion (max)."""

    staffing: int = 0
    travel_m: int = 0
    workload: int = 0
    cohesion: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in LEVELS}

    def key(self) -> tuple[int, int, int, int]:
        """A tuple where smaller is better, for comparing two solutions lexicographically."""
        return (-self.staffing, self.travel_m, self.workload, -self.cohesion)


@dataclass(frozen=True, slots=True)
class SkillMatch:
    skill: str
    level: int
    min_level: int


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """The best other candidate for the slot and why it lost (FARTHER, ASSIGNED_ELSEWHERE, ...)."""

    volunteer: str
    distance_km: float
    reason: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why this pair: the skill matched, the availability window used, per-level contributions
    (staffing weight, travel metres, the volunteer's workload n(v)^2 share, cohesion pairs)
    and the runner-up."""

    skills_matched: tuple[SkillMatch, ...]
    window: Mapping[str, str] | None
    contributions: Mapping[str, int]
    runner_up: RunnerUp | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """One volunteer on one request, filling one skill slot, for [start, end] of the service."""

    request: str
    volunteer: str
    skill: str
    start: str
    end: str
    distance_km: float
    travel_minutes: int
    explanation: Explanation | None = None


@dataclass(frozen=True, slots=True)
class Missing:
    skill: str
    count: int


@dataclass(frozen=True, slots=True)
class NearMiss:
    """The closest volunteer who did not make it, with the rule that stopped them."""

    volunteer: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """A request with unfilled slots and the reason code (see `Reason`)."""

    request: str
    missing: tuple[Missing, ...]
    reason: str
    near_miss: NearMiss | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    """After a re-solve: (request, volunteer) pairs kept from, added to and removed from the
    previous result."""

    kept: tuple[tuple[str, str], ...] = ()
    added: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one solve. `bound` holds the best bound per level where known; `gap` is
    the relative gap of the first level not proven optimal (0.0 when OPTIMAL)."""

    status: Status
    objective: Objective
    bound: Mapping[str, float | None] = field(default_factory=dict)
    gap: float | None = 0.0
    timings: Mapping[str, float] = field(default_factory=dict)
    parts: Mapping[str, object] = field(default_factory=dict)
    assignments: tuple[Assignment, ...] = ()
    open: tuple[OpenRequest, ...] = ()
    moved: Moved | None = None
    message: str = ""

    def level_gaps(self) -> dict[str, float | None]:
        """Per level (staffing, travel_m, workload, cohesion): the relative gap between the
        value and its bound, |value - bound| / max(|bound|, 1), or None where no bound is known."""
        values = self.objective.as_dict()
        out: dict[str, float | None] = {}
        for level in LEVELS:
            b = self.bound.get(level)
            out[level] = None if b is None else abs(values[level] - b) / max(abs(b), 1.0)
        return out


def format_gap(gap: float | None) -> str:
    """The one way a gap is shown: a percentage with two decimals ("4.18 %"), or "no bound"
    when none is known."""
    return "no bound" if gap is None else f"{gap * 100:.2f} %"
