"""The analysts' HTML report on hand-made values: the what-if ranking beside the configured one,
with each unit's change of rank, and the chosen unit's contributions."""

from __future__ import annotations

import re

from db.enums import UnitLevel
from resolvers.assessment.indicators import Quarter, ScopeUnit
from resolvers.assessment.report import assessment_report
from resolvers.assessment.scoring import Assessment, score_units

UNITS = [ScopeUnit(1, "C", "中心", UnitLevel.CENTER, "/1/", None),
         ScopeUnit(2, "I1", "甲所", UnitLevel.INSTITUTE, "/1/2/", 1),
         ScopeUnit(3, "I2", "乙所", UnitLevel.INSTITUTE, "/1/3/", 1),
         ScopeUnit(4, "I3", "丙所", UnitLevel.INSTITUTE, "/1/4/", 1)]
VALUES = {1: {"completion_rate": 0.8, "projects": 3.0},
          2: {"completion_rate": 0.9, "projects": 0.0},  # best served, no project
          3: {"completion_rate": 0.7, "projects": 2.4},  # the most projects
          4: {"completion_rate": 0.8, "projects": 1.0}}


def assessed(weights: dict[str, float]) -> Assessment:
    scored = score_units(UNITS, VALUES, weights, "minmax")
    return Assessment(Quarter(2026, 3), 1, "minmax", tuple(weights.items()), tuple(scored))


def test_the_what_if_ranking_stands_beside_the_configured_one_with_rank_changes() -> None:
    configured = assessed({"completion_rate": 0.9, "projects": 0.1})
    what_if = assessed({"completion_rate": 0.1, "projects": 0.9})
    page = assessment_report(configured, "C", what_if, unit_code="I2")
    rows = re.findall(r"<tr><td>(\d+)</td><td>(I\d)</td><td>[^<]*</td><td>[\d.]+</td><td>(\d+)</td>"
                      r"<td>[\d.]+</td><td>(.*?)</td></tr>", page)
    found = {code: (int(rank), int(other), change) for rank, code, other, change in rows}
    # configured: I1 (0.9) first, I3, I2 last; what-if: I2 (2.4 projects) first, I3, I1 last
    assert found == {"I1": (1, 3, '<span class="down">-2</span>'), "I3": (2, 2, "="),
                     "I2": (3, 1, '<span class="up">+2</span>')}
    assert "Contributions of I2 乙所 (rank 3 of 3" in page
    plain = assessment_report(configured, "C")
    assert "what-if" not in plain and "Contributions of C 中心" in plain
