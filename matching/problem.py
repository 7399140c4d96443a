"""The matching problem as immutable data: volunteers, requests, settings.

Times are whole minutes since 00:00 of the problem's `date_from` (local wall clock, read as
Asia/Shanghai); dates are kept as `datetime.date`. These classes are the public, readable form
of a problem; the solver turns them into numpy arrays once (see `matching.arrays`) and never
walks them in its hot path.

The helpers at the bottom (`parse_minute`, `format_minute`, `day_of`, `available_intervals`)
describe the contract's time base; they are shared freely because they define the input, not the
solver's model.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

MINUTES_PER_DAY = 1440
Interval = tuple[int, int]
#: a value of an `attributes` entry
Scalar = str | int | float | bool
#: free data for a caller's own rules, as sorted (name, value) pairs (hashable, like the rest)
Attributes = tuple[tuple[str, Scalar], ...]


@dataclass(frozen=True, slots=True)
class SkillLevel:
    """A skill a volunteer holds, at a level, with an optional certification expiry date."""

    skill: str
    level: int
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SkillNeed:
    """A skill slot of a request: `count` people holding `skill` at level >= `min_level`."""

    skill: str
    count: int
    min_level: int = 1


@dataclass(frozen=True, slots=True)
class TimeSpec:
    """When a request's service happens, in minutes since `date_from` 00:00.

    Fixed (`fixed=True`): the service starts at `earliest_start` and `latest_end` equals
    `earliest_start + duration`. Flexible: the engine picks one start in
    [`earliest_start`, `latest_end - duration`] for everyone on the request.
    """

    earliest_start: int
    latest_end: int
    duration: int
    fixed: bool = True

    @property
    def latest_start(self) -> int:
        return self.latest_end - self.duration

    @classmethod
    def at(cls, start: int, duration: int) -> TimeSpec:
        return cls(start, start + duration, duration, True)

    @classmethod
    def window(cls, earliest_start: int, latest_end: int, duration: int) -> TimeSpec:
        return cls(earliest_start, latest_end, duration, False)


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A recurring availability window: `weekday` 0 = Monday; minutes of the day, end > start."""

    weekday: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Availability:
    """(weekly windows on each date of the period) union (dated) minus (exceptions)."""

    weekly: tuple[WeeklyWindow, ...] = ()
    dated: tuple[Interval, ...] = ()
    exceptions: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-day and per-period caps on tasks and working minutes; None means no limit."""

    tasks_per_day: int | None = None
    minutes_per_day: int | None = None
    tasks_per_period: int | None = None
    minutes_per_period: int | None = None


@dataclass(frozen=True, slots=True)
class Cover:
    """An insurance cover (保险): the volunteer is insured for `activity` (an activity kind, e.g. a
    service item code) on every day from `valid_from` to `valid_until`, both included."""

    activity: str
    valid_from: dt.date
    valid_until: dt.date


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A registered volunteer (志愿者): home, skills, teams, availability and personal rules.

    `availability=None` means available at any time (no `availability` key in JSON).
    `attributes` is free data for a caller's own rules (the shipped rules never read it).
    `insurance_valid_until` insures for every activity up to a date; `insurance_covers` insure
    for one activity kind over a period each (H7).
    """

    id: str
    lat: float
    lon: float
    skills: tuple[SkillLevel, ...] = ()
    teams: tuple[str, ...] = ()
    availability: Availability | None = None
    limits: Limits = Limits()
    max_travel_km: float | None = None
    insurance_valid_until: dt.date | None = None
    pinned: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    attributes: Attributes = ()
    insurance_covers: tuple[Cover, ...] = ()

    def attribute(self, name: str, default: Scalar | None = None) -> Scalar | None:
        """The value of one of the volunteer's `attributes`, or `default`."""
        return next((value for key, value in self.attributes if key == name), default)


@dataclass(frozen=True, slots=True)
class Request:
    """An ordered service (点单) to staff: where, when, which skills, which teams may serve.

    `activity` is its activity kind (e.g. the service item's code), which an insurance cover
    must name when `requires_insurance` and the volunteer's `insurance_valid_until` does not hold.
    """

    id: str
    lat: float
    lon: float
    time: TimeSpec
    skills: tuple[SkillNeed, ...]
    eligible_teams: tuple[str, ...] = ()
    priority: int = 3
    allow_partial: bool = False
    requires_insurance: bool = False
    attributes: Attributes = ()
    activity: str | None = None

    def attribute(self, name: str, default: Scalar | None = None) -> Scalar | None:
        """The value of one of the request's `attributes`, or `default`."""
        return next((value for key, value in self.attributes if key == name), default)

    @property
    def headcount(self) -> int:
        return sum(n.count for n in self.skills)


@dataclass(frozen=True, slots=True)
class Override:
    """A caller-supplied figure for one pair (e.g. from a road router); None keeps the formula."""

    volunteer: str
    request: str
    distance_km: float | None = None
    travel_minutes: int | None = None


#: what the staffing level counts: each person placed ("people"), or each request's share served
#: ("requests": a request of 4 heads weighs as much as one of 1)
STAFFING = ("people", "requests")
#: with staffing = "requests", one request's weight is split into at most this many units among
#: its heads (the least common multiple of the headcounts present, capped here)
REQUEST_UNITS_MAX = 2520


@dataclass(frozen=True, slots=True)
class Settings:
    """Objective weights and travel model shared by every pair."""

    priority_weights: Mapping[int, int] = field(default_factory=lambda: {p: p for p in range(1, 6)})
    speed_kmh: float = 25.0
    detour_factor: float = 1.3
    overrides: tuple[Override, ...] = ()
    staffing: str = "people"

    def weight(self, priority: int) -> int:
        return int(self.priority_weights.get(priority, priority))


@dataclass(frozen=True, slots=True)
class Problem:
    """One matching problem: who can serve, what is needed, and how to score it."""

    date_from: dt.date
    date_to: dt.date
    volunteers: tuple[Volunteer, ...]
    requests: tuple[Request, ...]
    settings: Settings = Settings()
    skills: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()

    @property
    def num_days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def minute(self, text: str) -> int:
        return parse_minute(text, self.date_from)

    def iso(self, minute: int) -> str:
        return format_minute(minute, self.date_from)

    def staffing_weights(self) -> tuple[int, ...]:
        """What one person placed on each request adds to the staffing level, in request order:
        the priority weight (staffing "people"), or (staffing "requests") the priority weight
        times U divided by the headcount, U the least common multiple of the headcounts (at
        most `REQUEST_UNITS_MAX`), so a fully staffed request adds its weight times U whatever
        its headcount, and a partly staffed one its share."""
        weights = [self.settings.weight(r.priority) for r in self.requests]
        if self.settings.staffing == "people":
            return tuple(weights)
        heads = [max(r.headcount, 1) for r in self.requests]
        unit = min(math.lcm(*heads), REQUEST_UNITS_MAX) if heads else 1
        return tuple(max(1, round(w * unit / h)) if w else 0 for w, h in zip(weights, heads))

    def day_index(self, date: dt.date) -> int:
        """Day number of a calendar date relative to `date_from` (may be negative)."""
        return (date - self.date_from).days


def parse_minute(text: str, date_from: dt.date) -> int:
    """Minutes since `date_from` 00:00 of a zone-less ISO datetime `YYYY-MM-DDTHH:MM`."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        raise ValueError("must be a local time without a zone")
    if moment.second or moment.microsecond:
        raise ValueError("must be whole minutes")
    delta = moment - dt.datetime.combine(date_from, dt.time())
    return int(delta.total_seconds()) // 60


def format_minute(minute: int, date_from: dt.date) -> str:
    """The ISO text `YYYY-MM-DDTHH:MM` of a minute since `date_from` 00:00."""
    moment = dt.datetime.combine(date_from, dt.time()) + dt.timedelta(minutes=minute)
    return moment.strftime("%Y-%m-%dT%H:%M")


def parse_clock(text: str) -> int:
    """Minutes of the day of `HH:MM` (24:00 allowed as the end of a day)."""
    hours, _, minutes = text.partition(":")
    if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError("must be HH:MM")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > MINUTES_PER_DAY:
        raise ValueError("must be a time of day between 00:00 and 24:00")
    return value


def day_of(minute: int) -> int:
    """The day number (0 = `date_from`) on which a minute falls."""
    return minute // MINUTES_PER_DAY


def merge_intervals(intervals: list[Interval]) -> list[Interval]:
    """Sorted union of half-open intervals, touching ones joined."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract_intervals(base: list[Interval], cuts: list[Interval]) -> list[Interval]:
    """`base` minus `cuts`, both sorted unions of half-open intervals."""
    out: list[Interval] = []
    cuts = merge_intervals(cuts)
    for start, end in base:
        pieces = [(start, end)]
        for c0, c1 in cuts:
            nxt: list[Interval] = []
            for p0, p1 in pieces:
                if c1 <= p0 or c0 >= p1:
                    nxt.append((p0, p1))
                    continue
                if c0 > p0:
                    nxt.append((p0, c0))
                if c1 < p1:
                    nxt.append((c1, p1))
            pieces = nxt
        out.extend(pieces)
    return out


def available_intervals(volunteer: Volunteer, date_from: dt.date, date_to: dt.date) -> list[Interval] | None:
    """The volunteer's available time as sorted disjoint [start, end) minutes; None = always.

    Weekly windows are laid on each date of the period, joined with the dated windows, and the
    exceptions are cut out. An interval [a, b] is available when it lies inside one piece.
    """
    avail = volunteer.availability
    if avail is None:
        return None
    pieces: list[Interval] = list(avail.dated)
    days = (date_to - date_from).days + 1
    for day in range(days):
        weekday = (date_from + dt.timedelta(days=day)).weekday()
        base = day * MINUTES_PER_DAY
        pieces.extend((base + w.start, base + w.end) for w in avail.weekly if w.weekday == weekday)
    return subtract_intervals(merge_intervals(pieces), list(avail.exceptions))
