"""The report's charts, drawn by matplotlib (Agg-free SVG backend) and returned as inline SVG
text, so the HTML report needs no network and no files beside it.

Figures are built with `matplotlib.figure.Figure` (no pyplot global state, safe in workers);
`svg.hashsalt` is fixed so the same data give the same SVG. Labels use the institutes' ASCII
keys (`yunhe`): the Chinese names are in the report's tables, where the browser's fonts show them.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from matching.report_kit import PALETTE
from matching.report_kit import svg as _svg
from matching.scenarios.runner import OPEN, PARTIAL, STAFFED, RunRecord

STATE_STYLE = {STAFFED: ("#2e7d32", "staffed"), PARTIAL: ("#f9a825", "partly staffed"), OPEN: ("#d32f2f", "open")}


def county_map(rec: RunRecord, size: tuple[float, float] = (7.0, 7.0)) -> str:
    """Stations (grey), institutes (black squares, labelled), assignment lines (volunteer home ->
    site, thin blue) and requests coloured by state (staffed / partly staffed / open)."""
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    if rec.stations:
        ax.scatter([s[1] for s in rec.stations], [s[0] for s in rec.stations], s=4, c="#b0b0b0",
                   marker="^", label="station", zorder=1)
    if rec.lines:
        segs = [((vlon, vlat), (rlon, rlat)) for vlat, vlon, rlat, rlon in rec.lines]
        ax.add_collection(LineCollection(segs, colors="#1565c0", linewidths=0.4, alpha=0.35, zorder=2,
                                         label="assignment"))
    for state in (STAFFED, PARTIAL, OPEN):
        pts = [r for r in rec.requests if r[2] == state]
        colour, label = STATE_STYLE[state]
        ax.scatter([p[1] for p in pts], [p[0] for p in pts], s=10 if state != OPEN else 16, c=colour,
                   edgecolors="none", label=f"{label} ({len(pts)})", zorder=3 + state)
    ax.scatter([t[3] for t in rec.towns], [t[2] for t in rec.towns], s=22, c="black", marker="s",
               label="institute", zorder=6)
    for key, _name, lat, lon in rec.towns:
        ax.annotate(key, (lon, lat), xytext=(3, 3), textcoords="offset points", fontsize=6, zorder=7)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect(1 / 0.826)  # cos(34.33 deg): true proportions at Pizhou's latitude
    ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
    ax.set_title(f"{rec.name}: requests and assignments")
    return _svg(fig)


def institute_bars(records: Sequence[RunRecord]) -> str:
    """Staffing rate by institute, one bar per run side by side (grouped bars)."""
    keys = sorted({k for r in records for k in r.kpis["staffing"]["by_institute"]})
    fig = Figure(figsize=(9.0, 3.6))
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(records))
    for j, rec in enumerate(records):
        table = rec.kpis["staffing"]["by_institute"]
        rates = [(table.get(k) or {}).get("rate") or 0.0 for k in keys]
        ax.bar([i + j * width for i in range(len(keys))], rates, width=width, label=rec.name,
               color=PALETTE[j % len(PALETTE)])
    ax.set_xticks([i + width * (len(records) - 1) / 2 for i in range(len(keys))], keys, rotation=60, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("staffed / demanded")
    ax.set_title("Staffing rate by institute")
    if len(records) > 1:
        ax.legend(fontsize=7)
    return _svg(fig)


def institute_delta(base: RunRecord, other: RunRecord) -> str:
    """Difference of staffing rate by institute, other minus base (percentage points)."""
    a, b = base.kpis["staffing"]["by_institute"], other.kpis["staffing"]["by_institute"]
    keys = sorted(set(a) | set(b))
    delta = [100 * (((b.get(k) or {}).get("rate") or 0.0) - ((a.get(k) or {}).get("rate") or 0.0)) for k in keys]
    fig = Figure(figsize=(9.0, 3.0))
    ax = fig.add_subplot()
    ax.bar(keys, delta, color=["#2e7d32" if d >= 0 else "#d32f2f" for d in delta])
    ax.axhline(0, color="black", linewidth=0.6)
    ax.tick_params(axis="x", rotation=60)
    ax.set_ylabel("percentage points")
    ax.set_title(f"Staffing rate by institute: {other.name} minus {base.name}")
    return _svg(fig)


def travel_histogram(records: Sequence[RunRecord]) -> str:
    """Histogram of one-way travel km of the assignments, runs overlaid with shared bins."""
    fig = Figure(figsize=(5.0, 3.2))
    ax = fig.add_subplot()
    top = max((max(r.distances) for r in records if r.distances), default=1.0)
    bins = [top * i / 20 for i in range(21)]
    for j, rec in enumerate(records):
        ax.hist(rec.distances, bins=bins, alpha=0.55 if len(records) > 1 else 0.9,
                color=PALETTE[j % len(PALETTE)], label=rec.name)
    ax.set_xlabel("one-way travel km")
    ax.set_ylabel("assignments")
    ax.set_title("Travel distance")
    if len(records) > 1:
        ax.legend(fontsize=7)
    return _svg(fig)


def workload_chart(records: Sequence[RunRecord]) -> str:
    """Volunteers by number of tasks (used volunteers only), runs side by side."""
    top = max((max(r.tasks) for r in records if r.tasks), default=1)
    fig = Figure(figsize=(5.0, 3.2))
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(records))
    for j, rec in enumerate(records):
        counts = [rec.tasks.count(k) for k in range(1, top + 1)]
        ax.bar([k + j * width for k in range(1, top + 1)], counts, width=width,
               color=PALETTE[j % len(PALETTE)], label=rec.name)
    ax.set_xticks([k + width * (len(records) - 1) / 2 for k in range(1, top + 1)], [str(k) for k in range(1, top + 1)])
    ax.set_xlabel("tasks per volunteer")
    ax.set_ylabel("volunteers")
    ax.set_title("Workload distribution")
    if len(records) > 1:
        ax.legend(fontsize=7)
    return _svg(fig)


def sweep_chart(records: Sequence[RunRecord]) -> str:
    """Staffing rate (bars) and p90 travel km (line) for each point of a sweep."""
    labels = [" / ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in r.point.values()) or r.name
              for r in records]
    rates = [r.kpis["staffing"]["overall"].get("rate") or 0.0 for r in records]
    p90 = [r.kpis["travel_km"]["p90"] or 0.0 for r in records]
    fig = Figure(figsize=(9.0, 3.6))
    ax = fig.add_subplot()
    ax.bar(labels, rates, color=PALETTE[0], label="staffing rate")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("staffed / demanded")
    ax.tick_params(axis="x", rotation=45)
    keys = " / ".join(records[0].point) if records else ""
    ax.set_xlabel(keys)
    twin = ax.twinx()
    twin.plot(labels, p90, color=PALETTE[1], marker="o", label="p90 travel km")
    twin.set_ylabel("p90 travel km")
    fig.legend(loc="upper right", fontsize=7)
    ax.set_title("Sweep: staffing rate and p90 travel distance per point")
    return _svg(fig)
