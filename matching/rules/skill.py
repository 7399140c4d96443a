"""H1 skill: the volunteer holds the slot's skill at the level asked, certified on the day.

Holding the skill at all is built into the candidate search (a k-d tree per skill over its
holders); the level and the expiry are pair tests. In a flexible window the expiry also bounds
the start day (`matching.rules.availability` cuts the start pieces at the skill's last day).
"""

from __future__ import annotations

import numpy as np

from matching.problem import Problem
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, service_date, violation


def check_skill(problem: Problem, result: Result) -> list[Violation]:
    """H1: the volunteer fills one skill slot of the request, holding that skill at level >= min_level,
    certified (not expired) on the service date."""
    out = []
    for t, v, r in known(problem, result):
        need = next((n for n in r.skills if n.skill == t.skill), None)
        if need is None:
            out.append(violation("H1_SKILL", t, f"fills skill {t.skill!r}, which the request does not ask for"))
            continue
        day = service_date(problem, t)
        held = [s for s in v.skills if s.skill == t.skill]
        if not any(s.level >= need.min_level and (s.expires is None or s.expires >= day) for s in held):
            levels = ", ".join(f"level {s.level} expires {s.expires}" for s in held) or "not held"
            out.append(violation("H1_SKILL", t, f"{t.skill} needs level >= {need.min_level} on {day}; {levels}"))
    return out


def _level_ok(p: Pairs) -> np.ndarray:
    ok: np.ndarray = p.level >= p.min_level
    return ok


def _certified(p: Pairs) -> np.ndarray:
    ok: np.ndarray = p.last_day >= p.day
    return ok


def _below(m: Miss) -> str:
    return f"level {m.level} below the required {m.min_level}"


def _expired(m: Miss) -> str:
    return "certification expired before the service date"


RULE = Rule("H1_SKILL", check_skill, pair_tests=(
    PairTest(Reason.LESS_QUALIFIED.value, _level_ok, Reason.NO_QUALIFIED_VOLUNTEER.value, _below, order=10),
    PairTest(Reason.SKILL_EXPIRED.value, _certified, Reason.NO_QUALIFIED_VOLUNTEER.value, _expired, order=20),
))
