"""Every KPI of a scenario run, defined once. Inputs: the dataset solved (problem + side table)
and the engine's `Result`. Rates are rounded to 4 decimals, distances to 3 (km).

`compute(ds, result)` returns the nested dict written to `kpis.json`; `rows(kpis)` flattens it
into the `kpis.csv` rows (kpi, group, key, value). All KPIs except `solve.seconds` depend only
on the problem and the assignments, so a rerun with the same seed reproduces them exactly
(`without_timings`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from matching.result import Result
from matching.scenarios.dataset import Dataset


def _rate(staffed: int, demanded: int) -> float | None:
    return round(staffed / demanded, 4) if demanded else None


def _staffed_per_request(result: Result) -> Counter[str]:
    return Counter(a.request for a in result.assignments)


def staffing_rate(ds: Dataset, result: Result, key: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """Staffing rate = staffed headcount / demanded headcount.

    Demanded headcount of a request is the sum of its skill slots' `count`; staffed headcount is
    the number of assignments to it (each fills one slot). Summed over the requests of a group
    (all requests when `key` is None; else grouped by `key(request)`), the result is
    `{"demanded", "staffed", "rate"}` per group (`rate` None for a group demanding nobody).
    """
    staffed = _staffed_per_request(result)
    groups: dict[Any, list[int]] = {}
    for r in ds.problem.requests:
        g = groups.setdefault("all" if key is None else key(r), [0, 0])
        g[0] += r.headcount
        g[1] += min(staffed.get(r.id, 0), r.headcount)
    out = {str(k): {"demanded": d, "staffed": s, "rate": _rate(s, d)} for k, (d, s) in sorted(groups.items())}
    return out["all"] if key is None and out else out


def fully_staffed_share(ds: Dataset, result: Result) -> float | None:
    """Share of requests whose every slot is filled (staffed headcount == demanded headcount)."""
    staffed = _staffed_per_request(result)
    reqs = ds.problem.requests
    return _rate(sum(1 for r in reqs if staffed.get(r.id, 0) >= r.headcount), len(reqs))


def open_by_reason(result: Result) -> dict[str, int]:
    """Number of requests in `result.open` (requests with at least one unfilled slot, partly
    staffed ones included) per engine reason code, most frequent first."""
    counts = Counter(o.reason for o in result.open)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def travel_km(result: Result) -> dict[str, float | None]:
    """One-way travel distance of the assignments (the engine's `distance_km`, home to site with
    the detour factor): p50 and p90 by linear interpolation (numpy default), max, mean and total.
    All None when nothing is assigned (total 0)."""
    d = np.array([a.distance_km for a in result.assignments], dtype=float)
    if d.size == 0:
        return {"p50": None, "p90": None, "max": None, "mean": None, "total": 0.0}
    return {"p50": round(float(np.percentile(d, 50)), 3), "p90": round(float(np.percentile(d, 90)), 3),
            "max": round(float(d.max()), 3), "mean": round(float(d.mean()), 3), "total": round(float(d.sum()), 3)}


def gini(values: Iterable[float]) -> float | None:
    """Gini coefficient of non-negative values: sum_i (2i - n - 1) x_(i) / (n sum x), x sorted
    ascending, i = 1..n; 0 = perfectly even, near 1 = one holds everything. None if sum is 0."""
    x = np.sort(np.asarray(list(values), dtype=float))
    n, total = x.size, float(x.sum()) if x.size else 0.0
    if n == 0 or total == 0:
        return None
    i = np.arange(1, n + 1)
    return round(float(((2 * i - n - 1) * x).sum() / (n * total)), 4)


def workload(ds: Dataset, result: Result) -> dict[str, Any]:
    """Tasks per volunteer n(v) = assignments of v. `gini` over the volunteers used (n(v) >= 1),
    so it measures how evenly the work is spread among those called; `max` and `mean_used` of
    n(v); `used` = volunteers with n(v) >= 1 and `share_used` = used / all volunteers in the
    problem; `histogram` = number of used volunteers per task count."""
    tasks = Counter(a.volunteer for a in result.assignments)
    total = len(ds.problem.volunteers)
    used = list(tasks.values())
    return {"volunteers": total, "used": len(used), "share_used": _rate(len(used), total),
            "max": max(used, default=0), "mean_used": round(sum(used) / len(used), 4) if used else None,
            "gini": gini(used), "histogram": {str(k): v for k, v in sorted(Counter(used).items())}}


def cohesion(ds: Dataset, result: Result) -> dict[str, Any]:
    """Team cohesion: over unordered pairs of volunteers on the same request, `pairs` = all such
    pairs, `sharing` = pairs who share at least one team (the engine's level-4 objective C,
    recounted here from the assignments), `rate` = sharing / pairs."""
    teams = {v.id: set(v.teams) for v in ds.problem.volunteers}
    crews: dict[str, list[str]] = {}
    for a in result.assignments:
        crews.setdefault(a.request, []).append(a.volunteer)
    pairs = sharing = 0
    for crew in crews.values():
        for i, v in enumerate(crew):
            for w in crew[i + 1:]:
                pairs += 1
                sharing += bool(teams.get(v, set()) & teams.get(w, set()))
    return {"pairs": pairs, "sharing": sharing, "rate": _rate(sharing, pairs)}


def solve_stats(result: Result) -> dict[str, Any]:
    """The engine's own figures: `status`, proven relative `gap` of the first level not proven
    (0.0 when OPTIMAL, None when unknown), `seconds` = timings.total (wall clock of the solve,
    the one KPI that varies between reruns), `objective` per level, `parts` solved and the
    engine's `message` (it says when the wall clock, not the deterministic budget, cut a search:
    only then may a rerun differ)."""
    count = result.parts.get("count")
    return {"status": result.status.value, "gap": None if result.gap is None else round(float(result.gap), 6),
            "message": result.message,
            "seconds": round(float(result.timings.get("total", 0.0)), 3),
            "objective": result.objective.as_dict(), "parts": count if isinstance(count, int) else 0}


def compute(ds: Dataset, result: Result) -> dict[str, Any]:
    """All KPIs of one run, as written to kpis.json."""
    p = ds.problem
    return {
        "size": {"volunteers": len(p.volunteers), "requests": len(p.requests),
                 "demanded": sum(r.headcount for r in p.requests), "assignments": len(result.assignments)},
        "staffing": {
            "overall": staffing_rate(ds, result),
            "fully_staffed_requests": fully_staffed_share(ds, result),
            "by_priority": staffing_rate(ds, result, lambda r: r.priority),
            "by_domain": staffing_rate(ds, result, lambda r: ds.request_domain[r.id]),
            "by_institute": staffing_rate(ds, result, lambda r: ds.request_town[r.id]),
            "by_station": staffing_rate(ds, result, lambda r: ds.request_station[r.id]),
        },
        "open_by_reason": open_by_reason(result),
        "travel_km": travel_km(result),
        "workload": workload(ds, result),
        "cohesion": cohesion(ds, result),
        "solve": solve_stats(result),
    }


def without_timings(kpis: dict[str, Any]) -> dict[str, Any]:
    """The KPIs minus wall-clock figures (`solve.seconds`): what a rerun must reproduce."""
    return {**kpis, "solve": {k: v for k, v in kpis["solve"].items() if k != "seconds"}}


def rows(kpis: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """Flatten to (kpi, group, key, value): e.g. ("staffing", "by_institute.yunhe", "rate", 0.93)."""
    out: list[tuple[str, str, str, Any]] = []

    def walk(kpi: str, group: str, value: Any) -> None:
        if isinstance(value, dict) and value and all(not isinstance(v, dict) for v in value.values()):
            out.extend((kpi, group, str(k), v) for k, v in value.items())
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(kpi, f"{group}.{k}" if group else str(k), v)
        else:
            out.append((kpi, "", group, value))

    for kpi, value in kpis.items():
        if isinstance(value, dict):
            walk(kpi, "", value)
        else:
            out.append((kpi, "", "", value))
    return out
