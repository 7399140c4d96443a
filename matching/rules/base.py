"""What a matching rule is, and the registry that the engine and the checker iterate.

A rule is one module (`matching/rules/<name>.py`) that says everything about it:

- `check(problem, result) -> [Violation]`, the validator half: it reads the problem's data
  classes and the result only (with the helpers of `matching.rules.facts`), never the engine's
  arrays, so `validate` stays independent of the solver. Its docstring is the rule's sentence.
- `pair_tests`, for a rule about one (volunteer, request) pair: the candidate filter, a test of
  many pairs at once (`Pairs`: numpy columns) with the reason code, the open-request code and the
  near-miss text an explanation gives when the test stops a volunteer. A pair that fails gets no
  candidate row, so no solver model ever sees it: for a pairwise rule the filter is the model.
- `model`, for a rule that links several assignments (one place at a time, limits, pins,
  staffing): where the part solvers enforce it. Those constraints stay with the solvers, since
  the flow, the repair, the LP and CP-SAT must agree on them and on what they prove.

`Registry` holds the rules in force: the shipped H1-H10 (`matching.rules.RULES`) and any a
caller adds (`SolveOptions.extra_rules`, `validate(..., extra_rules=...)`). The candidate
generator runs its pair tests in bulk (`static_ok`, then `travel_ok` on a lower bound of the
distance and on the exact one), explanations take the first test a pair fails
(`first_failed`), and `validate` runs every rule's check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matching.problem import Problem, Request, Volunteer
from matching.result import Result
from matching.rules.facts import Violation

if TYPE_CHECKING:
    from matching.arrays import Arrays

Check = Callable[[Problem, Result], list[Violation]]


class Pairs:
    """Many pairs side by side: volunteer rows `v` for request rows `r`, each for one skill slot
    the volunteer holds at `level` (valid until day `last_day`) that asks for `min_level`; `km`
    and `minutes` are the pair's travel once known (a lower bound of it in the first pass)."""

    __slots__ = ("_day", "arr", "km", "last_day", "level", "min_level", "minutes", "r", "v")

    def __init__(self, arr: Arrays, v: np.ndarray, r: np.ndarray, level: np.ndarray, last_day: np.ndarray,
                 min_level: np.ndarray, km: np.ndarray | None = None, minutes: np.ndarray | None = None) -> None:
        self.arr, self.v, self.r = arr, v, r
        self.level, self.last_day, self.min_level = level, last_day, min_level
        self.km, self.minutes = km, minutes
        self._day: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.v)

    @property
    def day(self) -> np.ndarray:
        """The earliest possible service day of each pair's request (its day when the time is fixed)."""
        if self._day is None:
            self._day = self.arr.r_earliest[self.r] // 1440
        return self._day

    @property
    def travel_km(self) -> np.ndarray:
        assert self.km is not None, "a distance test runs on pairs with their travel"
        return self.km

    @property
    def travel_minutes(self) -> np.ndarray:
        assert self.minutes is not None, "a distance test runs on pairs with their travel"
        return self.minutes

    def take(self, idx: np.ndarray) -> Pairs:
        """The pairs at positions `idx`."""
        out = Pairs(self.arr, self.v[idx], self.r[idx], self.level[idx], self.last_day[idx], self.min_level[idx],
                    None if self.km is None else self.km[idx], None if self.minutes is None else self.minutes[idx])
        if self._day is not None:
            out._day = self._day[idx]
        return out

    def with_travel(self, km: np.ndarray, minutes: np.ndarray) -> Pairs:
        """The same pairs with their travel figures."""
        out = Pairs(self.arr, self.v, self.r, self.level, self.last_day, self.min_level, km, minutes)
        out._day = self._day
        return out


@dataclass(frozen=True, slots=True)
class Miss:
    """One volunteer stopped by a pair test, for the near-miss text: rows `v` and `r`, the
    distance and the skill level held against the level asked."""

    problem: Problem
    arr: Arrays
    v: int
    r: int
    km: float
    level: int
    min_level: int

    @property
    def volunteer(self) -> Volunteer:
        return self.problem.volunteers[self.v]

    @property
    def request(self) -> Request:
        return self.problem.requests[self.r]


BulkTest = Callable[[Pairs], np.ndarray]


def member(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of `keys` is in `sorted_keys` (a sorted int array): `np.isin` by binary search
    (for tests of pairs against a list of pairs, keyed volunteer * nr + request)."""
    if not len(sorted_keys):
        return np.zeros(np.shape(keys), bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    found: np.ndarray = sorted_keys[pos] == keys
    return found


@dataclass(frozen=True, slots=True)
class PairTest:
    """A candidate filter: `passes(pairs)` is True per pair that the rule allows.

    reason        the near-miss code when it stops a volunteer (e.g. ``OUT_OF_RANGE``)
    open_reason   the code of a request left open because it stopped every nearby holder
    detail        the near-miss sentence
    order         the check order, cheapest first: an explanation reports the first test failed
    uses_distance it reads `pairs.km` / `pairs.minutes`; it must then be monotone (a pair it
                  rejects at a lower bound of the travel it rejects at the exact travel too), as it
                  first runs on a lower bound to spare exact distances
    prefilter     for a distance test, a necessary condition that needs no distance (run early)
    """

    reason: str
    passes: BulkTest
    open_reason: str
    detail: Callable[[Miss], str]
    order: int = 100
    uses_distance: bool = False
    prefilter: BulkTest | None = None

    def full(self, pairs: Pairs) -> np.ndarray:
        """The whole test, prefilter included."""
        if self.prefilter is None:
            return self.passes(pairs)
        ok = self.prefilter(pairs)
        idx = np.nonzero(ok)[0]
        if len(idx):
            ok[idx] = self.passes(pairs.take(idx))
        return ok


@dataclass(frozen=True, slots=True)
class Rule:
    """One hard rule: its violation code, its check (whose docstring is the rule's sentence),
    its candidate filters, and where the part solvers enforce it beyond the candidates
    (dotted names of the constraints, e.g. ``matching.cpsat._Model.limits``)."""

    code: str
    check: Check
    pair_tests: tuple[PairTest, ...] = ()
    model: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        return " ".join((self.check.__doc__ or self.code).split())


class Registry:
    """The rules in force, and their pair tests in check order."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        codes = [rule.code for rule in self.rules]
        if len(set(codes)) != len(codes):
            raise ValueError(f"rule codes must be unique: {codes}")
        self.tests = tuple(sorted((t for rule in self.rules for t in rule.pair_tests), key=lambda t: t.order))
        if len(self.tests) > 100:
            raise ValueError("at most 100 pair tests")
        #: reason code per `first_failed` value (0: passes every test)
        self.reasons: tuple[str | None, ...] = (None, *(t.reason for t in self.tests))
        self._static = tuple(t.prefilter if t.uses_distance else t.passes for t in self.tests
                             if not t.uses_distance or t.prefilter is not None)
        self._travel = tuple(t.passes for t in self.tests if t.uses_distance)

    def extended(self, extra: Iterable[Rule]) -> Registry:
        """These rules and `extra` (itself when there is none)."""
        more = tuple(extra)
        return Registry((*self.rules, *more)) if more else self

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(rule.check for rule in self.rules)

    def test_for(self, reason: str) -> PairTest:
        return next(t for t in self.tests if t.reason == reason)

    def static_ok(self, pairs: Pairs) -> np.ndarray:
        """Per pair: passes every test that needs no distance, and every prefilter."""
        ok = np.ones(len(pairs), bool)
        for test in self._static:
            if test is not None:
                ok &= test(pairs)
        return ok

    def travel_ok(self, pairs: Pairs) -> np.ndarray:
        """Per pair (with its travel): passes every distance test; each test sees only the pairs
        the ones before it let through."""
        ok = np.ones(len(pairs), bool)
        live: np.ndarray | None = None            # positions still in (None: all of them)
        for i, test in enumerate(self._travel):
            passed = test(pairs)
            if passed.all():
                continue
            good = np.nonzero(passed)[0]
            live = good if live is None else live[good]
            if not len(live):
                return np.zeros(len(ok), bool)
            if i + 1 < len(self._travel):
                pairs = pairs.take(good)
        if live is not None:
            ok[:] = False
            ok[live] = True
        return ok

    def first_failed(self, pairs: Pairs) -> np.ndarray:
        """Per pair (with its travel): 0 when it passes every test, else 1 + the position of the
        first test it fails (`reasons` names it)."""
        out = np.zeros(len(pairs), np.int8)
        live = np.arange(len(pairs))
        for code, test in enumerate(self.tests, 1):
            if not len(live):
                break
            ok = test.full(pairs)
            out[live[~ok]] = code
            good = np.nonzero(ok)[0]
            live, pairs = live[good], pairs.take(good)
        return out
