"""Generalized Assignment Problem (OR-Library) instances as matching problems.

The external check of the engine: ``../shared/bench/gap/`` holds OR-Library GAP instances with
published optima (see its README). A GAP instance maps onto volunteer matching as follows:

- agent i  -> volunteer ``A{i}`` with ``limits.minutes_per_period = b[i]``, no availability key
  (available at any time), one skill ``gap`` at level 1;
- job j    -> request ``J{j}`` for one ``gap`` volunteer, priority 3, no fixed time (a flexible
  window over the whole working day) and service duration 0;
- c[i][j]  -> per-pair override ``distance_km`` (so the travel level counts ``c * 1000`` metres);
- a[i][j]  -> per-pair override ``travel_minutes`` (the job's working minutes on agent i).

Every volunteer lives at, and every request sits at, one common point, so site-to-site travel
is zero and only the capacities bind. With full staffing possible, the lexicographic optimum
(staff every job, then least travel) is the GAP minimum: ``travel_m == optimum * 1000``.

Used by the GAP tests (``tests/matching/test_gap.py``) and the GAP benchmark alike, so that there
is one converter.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: ``../shared/bench/gap`` seen from the repository root.
DEFAULT_BENCH_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "gap"

_DAY = "2026-03-05"
_SITE = {"lat": 34.33, "lon": 117.96}


class GapFormatError(ValueError):
    """An instance file is not in the OR-Library GAP layout; the message names the file."""


@dataclass(frozen=True)
class GapInstance:
    """One GAP instance: ``cost[i][j]``, ``resource[i][j]`` and ``capacity[i]`` for m agents, n jobs."""

    name: str
    cost: tuple[tuple[int, ...], ...]
    resource: tuple[tuple[int, ...], ...]
    capacity: tuple[int, ...]

    @property
    def agents(self) -> int:
        return len(self.capacity)

    @property
    def jobs(self) -> int:
        return len(self.cost[0]) if self.cost else 0


def read_gap(path: str | Path, name: str | None = None) -> GapInstance:
    """Read one instance file: ``m n``, then m rows of n costs, m rows of n resources, m capacities."""
    path = Path(path)
    try:
        numbers = [int(tok) for tok in path.read_text().split()]
    except ValueError as exc:
        raise GapFormatError(f"{path}: not a list of integers ({exc})") from exc
    if len(numbers) < 2:
        raise GapFormatError(f"{path}: missing the 'agents jobs' header")
    m, n = numbers[0], numbers[1]
    expected = 2 + 2 * m * n + m
    if m <= 0 or n <= 0 or len(numbers) != expected:
        raise GapFormatError(
            f"{path}: header says {m} agents x {n} jobs, so {expected} integers, found {len(numbers)}"
        )
    body = numbers[2:]
    cost = tuple(tuple(body[i * n:(i + 1) * n]) for i in range(m))
    body = body[m * n:]
    resource = tuple(tuple(body[i * n:(i + 1) * n]) for i in range(m))
    capacity = tuple(body[m * n:])
    return GapInstance(name=name or path.name, cost=cost, resource=resource, capacity=capacity)


def gap_problem(instance: GapInstance) -> dict[str, Any]:
    """The matching problem (JSON format ``wenming.matching/problem`` v1) equivalent to ``instance``."""
    volunteers = [
        {
            "id": f"A{i}",
            "home": dict(_SITE),
            "skills": [{"skill": "gap", "level": 1}],
            "limits": {"minutes_per_period": instance.capacity[i]},
        }
        for i in range(instance.agents)
    ]
    requests = [
        {
            "id": f"J{j}",
            "location": dict(_SITE),
            "time": {"earliest_start": f"{_DAY}T08:00", "latest_end": f"{_DAY}T20:00", "duration": 0},
            "skills": [{"skill": "gap", "count": 1, "min_level": 1}],
            "priority": 3,
        }
        for j in range(instance.jobs)
    ]
    overrides = [
        {
            "volunteer": f"A{i}",
            "request": f"J{j}",
            "distance_km": instance.cost[i][j],
            "travel_minutes": instance.resource[i][j],
        }
        for i in range(instance.agents)
        for j in range(instance.jobs)
    ]
    return {
        "format": "wenming.matching/problem",
        "version": 1,
        "date_from": _DAY,
        "date_to": _DAY,
        "volunteers": volunteers,
        "requests": requests,
        "settings": {"overrides": overrides},
    }


def published_optima(bench_dir: str | Path = DEFAULT_BENCH_DIR) -> dict[str, int]:
    """Proven minimisation optima from ``data.csv``, keyed by instance path (``cattrysse1994/gap1-0``)."""
    table = Path(bench_dir) / "data.csv"
    optima: dict[str, int] = {}
    with table.open(newline="") as handle:
        for row in csv.DictReader(handle):
            value = (row.get("Optimum") or "").strip()
            if value:
                optima[row["Path"]] = int(float(value))
    return optima


def require_bench_dir(bench_dir: str | Path = DEFAULT_BENCH_DIR) -> Path:
    """The GAP benchmark folder, or a FileNotFoundError saying where it was expected."""
    bench = Path(bench_dir)
    if not (bench / "data.csv").is_file():
        raise FileNotFoundError(
            f"GAP benchmark data not found at {bench} (expected ../shared/bench/gap next to the "
            "repository, with data.csv and cattrysse1994/); check out the shared bench folder"
        )
    return bench
