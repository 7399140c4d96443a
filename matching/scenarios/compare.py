"""The headline KPIs and the differences between two runs, for every side-by-side view.

`HEADLINE` lists the KPIs shown in report tables and compared (key, label, getter, sense: +1
higher is better, -1 lower is better, 0 neutral); `differences(a, b)` compares two KPI documents
(kpis.json's `kpis`) headline by headline. `wenming scenario compare` (report.py) and the API's
`scenarioRunCompare` both use it, so they always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Getter = Callable[[dict[str, Any]], Any]

HEADLINE: tuple[tuple[str, str, Getter, int], ...] = (
    ("staffing_rate", "staffing rate", lambda k: k["staffing"]["overall"].get("rate"), 1),
    ("demanded", "demanded headcount", lambda k: k["size"]["demanded"], 0),
    ("staffed", "staffed headcount", lambda k: k["staffing"]["overall"].get("staffed"), 1),
    ("fully_staffed_requests", "fully staffed requests", lambda k: k["staffing"]["fully_staffed_requests"], 1),
    ("requests", "requests", lambda k: k["size"]["requests"], 0),
    ("open_requests", "open requests", lambda k: sum(k["open_by_reason"].values()), -1),
    ("volunteers", "volunteers", lambda k: k["size"]["volunteers"], 0),
    ("travel_km_p50", "travel km p50", lambda k: k["travel_km"]["p50"], -1),
    ("travel_km_p90", "travel km p90", lambda k: k["travel_km"]["p90"], -1),
    ("travel_km_max", "travel km max", lambda k: k["travel_km"]["max"], -1),
    ("volunteers_used", "volunteers used", lambda k: k["workload"]["used"], 0),
    ("share_used", "share of volunteers used", lambda k: k["workload"]["share_used"], 0),
    ("max_tasks", "max tasks per volunteer", lambda k: k["workload"]["max"], -1),
    ("workload_gini", "workload Gini (used)", lambda k: k["workload"]["gini"], -1),
    ("cohesion_rate", "team cohesion rate", lambda k: k["cohesion"]["rate"], 1),
    ("solve_status", "solve status", lambda k: k["solve"]["status"], 0),
    ("gap", "proven gap", lambda k: k["solve"]["gap"], -1),
    ("solve_seconds", "solve seconds", lambda k: k["solve"]["seconds"], -1),
)


def headline(kpis: dict[str, Any]) -> dict[str, Any]:
    """key -> value of every headline KPI."""
    return {key: get(kpis) for key, _label, get, _sense in HEADLINE}


@dataclass(frozen=True)
class Difference:
    """One headline KPI in runs A and B: `difference` = B - A when both are numbers (else None);
    `better` whether B is better than A (None: equal, neutral KPI or not comparable)."""

    key: str
    label: str
    a: Any
    b: Any
    difference: float | None
    better: bool | None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[Difference]:
    """Headline KPIs of B against A, in HEADLINE order."""
    out = []
    for key, label, get, sense in HEADLINE:
        va, vb = get(a), get(b)
        diff = round(vb - va, 6) if _number(va) and _number(vb) else None
        better = None if diff is None or diff == 0 or sense == 0 else diff * sense > 0
        out.append(Difference(key, label, va, vb, diff, better))
    return out
