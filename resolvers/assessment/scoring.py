"""Scores and rankings of the quarterly assessment: normalised within a level of the tree.

For each indicator and each level (center, institute, station) of the scope, the values of the
units at that level are normalised to make them comparable, with the direction of the indicator
(lower is better for times and the no-show rate, so those are turned round first):

- `minmax` (the default): (v - worst) / (best - worst), from 0 (the level's worst) to 1 (its best);
  when every unit of the level has the same value, 1 for all;
- `zscore`: (v - mean) / standard deviation of the level (population), 0 when they are all equal.

A unit without a value (no orders to time, no rating) gets the level's lowest normalised value
(0 with min-max). A unit's score is the sum of its contributions, weight x normalised value x 100,
so it explains itself: indicator, value, normalised value, weight, contribution. Units are ranked
by score within their level (equal scores share a rank, the next rank skips: 1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection

from db.enums import UnitLevel
from resolvers.assessment.indicators import INDICATORS, Quarter, ScopeUnit, indicator_values, scope_units, unit_facts
from resolvers.core.settings import NORMALISATIONS

__all__ = ["NORMALISATIONS", "Assessment", "Contribution", "UnitScore", "assess", "normalise", "score_units"]

SCALE = 100.0


@dataclass(frozen=True)
class Contribution:
    indicator: str
    label: str
    unit: str
    higher_is_better: bool
    value: float | None
    normalised: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    code: str
    name: str
    level: UnitLevel
    parent_id: int | None
    score: float
    rank: int
    ranked: int
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class Assessment:
    quarter: Quarter
    scope_unit_id: int
    normalisation: str
    weights: tuple[tuple[str, float], ...]
    units: tuple[UnitScore, ...]


def normalise(values: list[float | None], higher_is_better: bool, method: str) -> list[float]:
    """The normalised values of one indicator over the units of one level (see the module docstring)."""
    signed = [None if v is None else (v if higher_is_better else -v) for v in values]
    present = [v for v in signed if v is not None]
    if not present:
        return [0.0 for _ in values]
    if method == "zscore":
        mean = sum(present) / len(present)
        std = math.sqrt(sum((v - mean) ** 2 for v in present) / len(present))
        scaled = [None if v is None else (0.0 if std == 0 else (v - mean) / std) for v in signed]
    else:
        low, high = min(present), max(present)
        scaled = [None if v is None else (1.0 if high == low else (v - low) / (high - low)) for v in signed]
    floor = min(v for v in scaled if v is not None)
    return [floor if v is None else v for v in scaled]


def _ranks(scores: list[float]) -> list[int]:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0] * len(scores)
    for place, i in enumerate(order):
        previous = order[place - 1] if place else None
        same = previous is not None and math.isclose(scores[previous], scores[i], rel_tol=0, abs_tol=1e-9)
        ranks[i] = ranks[previous] if same and previous is not None else place + 1
    return ranks


def score_units(units: list[ScopeUnit], values: Mapping[int, Mapping[str, float | None]],
                weights: Mapping[str, float], method: str) -> list[UnitScore]:
    """Scores and ranks of `units` from their indicator values; ordered by level, then rank, then code."""
    by_level: dict[UnitLevel, list[ScopeUnit]] = defaultdict(list)
    for u in units:
        by_level[u.level].append(u)
    out: list[UnitScore] = []
    for level in (UnitLevel.CENTER, UnitLevel.INSTITUTE, UnitLevel.STATION):
        members = by_level.get(level, [])
        if not members:
            continue
        parts: list[list[Contribution]] = [[] for _ in members]
        for key, indicator in INDICATORS.items():
            column = [values[u.id].get(key) for u in members]
            weight = float(weights.get(key, 0.0))
            for i, norm in enumerate(normalise(column, indicator.higher_is_better, method)):
                parts[i].append(Contribution(key, indicator.label, indicator.unit, indicator.higher_is_better,
                                             column[i], norm, weight, weight * norm * SCALE))
        scores = [math.fsum(c.contribution for c in p) for p in parts]
        ranks = _ranks(scores)
        level_scores = [UnitScore(u.id, u.code, u.name, level, u.parent_id, scores[i], ranks[i], len(members),
                                  tuple(parts[i])) for i, u in enumerate(members)]
        out.extend(sorted(level_scores, key=lambda s: (s.rank, s.code)))
    return out


def assess(conn: Connection, scope_path: str, scope_unit_id: int, quarter: Quarter,
           weights: tuple[tuple[str, float], ...], method: str) -> Assessment:
    """The assessment of the subtree at `scope_path` for `quarter` (a fixed number of statements)."""
    units = scope_units(conn, scope_path)
    facts = unit_facts(conn, units, quarter)
    values = {unit_id: indicator_values(f) for unit_id, f in facts.items()}
    return Assessment(quarter, scope_unit_id, method, weights, tuple(score_units(units, values, dict(weights), method)))
