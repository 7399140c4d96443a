"""Normalisation within a level and scores that explain themselves, on hand-made values."""

from __future__ import annotations

import math

import pytest

from db.enums import UnitLevel
from resolvers.assessment.indicators import INDICATORS, Quarter, ScopeUnit
from resolvers.assessment.scoring import normalise, score_units


def test_min_max_turns_lower_is_better_round_and_gives_missing_values_the_worst() -> None:
    assert normalise([10.0, 20.0, 15.0, None], True, "minmax") == [0.0, 1.0, 0.5, 0.0]
    assert normalise([10.0, 20.0, 15.0, None], False, "minmax") == [1.0, 0.0, 0.5, 0.0]
    assert normalise([3.0, 3.0], True, "minmax") == [1.0, 1.0]
    assert normalise([None, None], True, "minmax") == [0.0, 0.0]


def test_z_scores_have_mean_zero_and_unit_spread() -> None:
    z = normalise([1.0, 2.0, 3.0, 4.0], True, "zscore")
    assert math.fsum(z) == pytest.approx(0) and math.fsum(v * v for v in z) / 4 == pytest.approx(1)
    assert normalise([1.0, 2.0, None], False, "zscore") == [1.0, -1.0, -1.0]  # missing: the level's lowest
    assert normalise([5.0, 5.0], True, "zscore") == [0.0, 0.0]


def units() -> list[ScopeUnit]:
    return [ScopeUnit(1, "C", "中心", UnitLevel.CENTER, "/1/", None),
            ScopeUnit(2, "I1", "甲所", UnitLevel.INSTITUTE, "/1/2/", 1),
            ScopeUnit(3, "I2", "乙所", UnitLevel.INSTITUTE, "/1/3/", 1),
            ScopeUnit(4, "I3", "丙所", UnitLevel.INSTITUTE, "/1/4/", 1)]


@pytest.mark.parametrize("method", ["minmax", "zscore"])
def test_levels_rank_apart_and_contributions_add_up(method: str) -> None:
    values = {1: {"completion_rate": 0.8, "mean_rating": 4.0},
              2: {"completion_rate": 0.9, "mean_rating": 3.0},
              3: {"completion_rate": 0.5, "mean_rating": 5.0},
              4: {"completion_rate": 0.9, "mean_rating": 3.0}}
    scored = score_units(units(), values, {"completion_rate": 0.7, "mean_rating": 0.3}, method)
    assert [(s.code, s.rank, s.ranked) for s in scored] == [("C", 1, 1), ("I1", 1, 3), ("I3", 1, 3), ("I2", 3, 3)]
    for s in scored:
        assert len(s.contributions) == len(INDICATORS)
        assert s.score == pytest.approx(math.fsum(c.contribution for c in s.contributions))
    flipped = score_units(units(), values, {"completion_rate": 0.3, "mean_rating": 0.7}, method)
    assert [s.code for s in flipped if s.level == UnitLevel.INSTITUTE][0] == "I2"


def test_quarters_parse_and_bound_local_days() -> None:
    q = Quarter.parse("2026q3")
    assert (q.label, q.start.isoformat(), q.end.isoformat()) == ("2026Q3", "2026-07-01", "2026-10-01")
    assert Quarter.parse("2026-Q4").end.isoformat() == "2027-01-01"
    assert [b.isoformat() for b in q.utc_bounds()] == ["2026-06-30T16:00:00+00:00", "2026-09-30T16:00:00+00:00"]
    for bad in ("2026Q5", "Q3", "1999Q1", "2026"):
        with pytest.raises(ValueError, match="YEARQn"):
            Quarter.parse(bad)
