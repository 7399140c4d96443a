"""A caller's own hard rule, as the example of adding one (a test fixture, not a shipped rule):
a volunteer under 18 does not serve at night.

N1: a volunteer who is under 18 on the day a request's window opens does not serve it when it
may start at night (22:00-06:00). The birth date is the volunteer's `birth_date` attribute
(ISO date); a volunteer without one is not restricted. A flexible window that allows a night
start counts as night: the rule is about the pair, so the candidate filter can decide it.

Everything about the rule is here: the check (for `validate`), the pair test with its reason
and near-miss text (for candidates and explanations), and the `Rule` that bundles them; a caller
passes `NIGHT_RULE` in `SolveOptions.extra_rules` and `validate(..., extra_rules=...)`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from matching.problem import Problem, Volunteer
from matching.result import Result
from matching.rules import Miss, Pairs, PairTest, Rule, Violation
from matching.rules.facts import known, violation

CODE = "N1_NIGHT_UNDER_18"
REASON = "UNDER_18_AT_NIGHT"
NIGHT_ENDS, NIGHT_STARTS = 6 * 60, 22 * 60          # minutes of the day: 06:00 and 22:00


def of_age_from(v: Volunteer) -> dt.date | None:
    """The volunteer's 18th birthday (1 March for one born on 29 February); None without a birth date."""
    birth = v.attribute("birth_date")
    if not isinstance(birth, str):
        return None
    born = dt.date.fromisoformat(birth)
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return dt.date(born.year + 18, 3, 1)


def may_start_at_night(earliest: np.ndarray | int, latest: np.ndarray | int) -> np.ndarray:
    """Whether a start in [earliest, latest] (minutes) can fall at night: unless the window
    lies within one day's 06:00-22:00."""
    e, s = np.asarray(earliest), np.asarray(latest)
    by_day: np.ndarray = (e // 1440 == s // 1440) & (e % 1440 >= NIGHT_ENDS) & (s % 1440 < NIGHT_STARTS)
    return ~by_day


def check_night(problem: Problem, result: Result) -> list[Violation]:
    """N1: a volunteer under 18 on the day a request's window opens does not serve it when it may
    start at night (22:00-06:00)."""
    out = []
    for t, v, r in known(problem, result):
        adult = of_age_from(v)
        day = problem.date_from + dt.timedelta(days=r.time.earliest_start // 1440)
        if adult is not None and day < adult and may_start_at_night(r.time.earliest_start, r.time.latest_start):
            out.append(violation(CODE, t, f"under 18 on {day} (18 on {adult}), and the request may start at night"))
    return out


def _of_age_or_by_day(p: Pairs) -> np.ndarray:
    arr = p.arr

    def adult_day() -> np.ndarray:        # per volunteer: the day number of the 18th birthday
        days = [of_age_from(v) for v in arr.problem.volunteers]
        return np.fromiter((-(1 << 30) if d is None else arr.problem.day_index(d) for d in days), np.int64, arr.nv)

    adult = arr.memo((CODE, "adult day"), adult_day)
    night = arr.memo((CODE, "night"), lambda: may_start_at_night(arr.r_earliest, arr.r_latest_end - arr.r_duration))
    ok: np.ndarray = ~night[p.r] | (p.day >= adult[p.v])
    return ok


def _minor(m: Miss) -> str:
    return f"under 18 (born {m.volunteer.attribute('birth_date')}) and the request may start at night"


NIGHT_RULE = Rule(CODE, check_night, pair_tests=(
    PairTest(REASON, _of_age_or_by_day, "NONE_OF_AGE_AT_NIGHT", _minor),
))
