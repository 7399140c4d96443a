"""Run one scenario: base -> changes -> solve -> KPIs, packed into a picklable `RunRecord`.

A record holds everything a report needs (KPIs, the change log, the map's points and lines,
distances and workloads), so reports and comparisons never need the problem again and sweep
points can come back from another process or a Dask worker.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from matching.engine import solve
from matching.jsonio import result_to_json
from matching.options import SolveOptions
from matching.scenarios import kpis as kpi
from matching.scenarios.changes import apply_changes
from matching.scenarios.dataset import Dataset, base_of, fingerprint
from matching.scenarios.spec import Scenario

#: request states on the map
STAFFED, PARTIAL, OPEN = 0, 1, 2


@dataclass
class RunRecord:
    """The outcome of one scenario run, independent of the problem objects."""

    name: str
    kpis: dict[str, Any]
    log: list[str]
    fingerprint: str
    description: str = ""
    point: dict[str, Any] = field(default_factory=dict)
    towns: list[tuple[str, str, float, float]] = field(default_factory=list)  # key, name, lat, lon
    stations: list[tuple[float, float]] = field(default_factory=list)
    requests: list[tuple[float, float, int]] = field(default_factory=list)  # lat, lon, state
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # vol lat/lon -> req lat/lon
    distances: list[float] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)  # n(v) of each used volunteer
    result_json: dict[str, Any] | None = None
    wall_seconds: float = 0.0


def prepare(scenario: Scenario) -> tuple[Dataset, list[str]]:
    """The dataset the scenario describes (base after changes) and the change log."""
    return apply_changes(scenario, base_of(scenario))


def run(scenario: Scenario, point: dict[str, Any] | None = None, scheduler: str | None = None,
        progress: Any = None) -> RunRecord:
    """Solve the scenario and measure it; the engine's parts run on the Dask cluster at
    `scheduler` when one is given."""
    t0 = time.perf_counter()
    ds, log = prepare(scenario)
    eng = scenario.engine
    options = SolveOptions(time_limit=eng.time_limit, workers=eng.workers, seed=eng.seed,
                           candidates_per_slot=eng.candidates_per_slot, dask_scheduler=scheduler,
                           progress=progress)
    result = solve(ds.problem, options)
    values = kpi.compute(ds, result)
    return _record(scenario, ds, result, values, log, point or {}, time.perf_counter() - t0)


def _record(scenario: Scenario, ds: Dataset, result: Any, values: dict[str, Any], log: list[str],
            point: dict[str, Any], seconds: float) -> RunRecord:
    p = ds.problem
    req_at = {r.id: (r.lat, r.lon) for r in p.requests}
    vol_at = {v.id: (v.lat, v.lon) for v in p.volunteers}
    staffed = Counter(a.request for a in result.assignments)
    states = []
    for r in p.requests:
        n = staffed.get(r.id, 0)
        states.append((r.lat, r.lon, STAFFED if n >= r.headcount else PARTIAL if n else OPEN))
    lines = []
    if scenario.report.assignment_lines:
        lines = [(*vol_at[a.volunteer], *req_at[a.request]) for a in result.assignments]
    return RunRecord(
        name=scenario.name, kpis=values, log=log, fingerprint=fingerprint(p), description=scenario.description,
        point=point, towns=[(t.key, t.name, t.lat, t.lon) for t in ds.towns.values()],
        stations=[(s.lat, s.lon) for s in ds.stations.values()], requests=states, lines=lines,
        distances=[a.distance_km for a in result.assignments],
        tasks=list(Counter(a.volunteer for a in result.assignments).values()),
        result_json=result_to_json(result) if scenario.report.include_result else None,
        wall_seconds=round(seconds, 3))
