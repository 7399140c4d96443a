"""The analysts' table of an assessment: one row per unit, every indicator's value, normalised value
and contribution, as CSV (`wenming assessment QUARTER --csv FILE`)."""

from __future__ import annotations

import csv
from typing import TextIO

from resolvers.assessment.indicators import INDICATORS
from resolvers.assessment.scoring import Assessment


def header() -> list[str]:
    columns = ["quarter", "unit_code", "unit_name", "level", "score", "rank", "ranked"]
    for key in INDICATORS:
        columns += [key, f"{key}_normalised", f"{key}_weight", f"{key}_contribution"]
    return columns


def rows(result: Assessment) -> list[list[object]]:
    out: list[list[object]] = []
    for unit in result.units:
        row: list[object] = [result.quarter.label, unit.code, unit.name, unit.level.value, round(unit.score, 6),
                             unit.rank, unit.ranked]
        for part in unit.contributions:
            row += ["" if part.value is None else round(part.value, 6), round(part.normalised, 6), part.weight,
                    round(part.contribution, 6)]
        out.append(row)
    return out


def write_csv(result: Assessment, out: TextIO) -> int:
    """Write the table; returns the number of unit rows."""
    writer = csv.writer(out)
    writer.writerow(header())
    table = rows(result)
    writer.writerows(table)
    return len(table)
