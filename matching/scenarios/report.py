"""Self-contained HTML reports (run, compare, sweep) and the KPI tables beside them.

A report is one HTML file with inline CSS and inline SVG charts (see `charts`; the pieces are in
matching/report_kit.py): no scripts, no fonts or images fetched, so it opens offline. The
headline KPIs shown in tables and compared side by side are `compare.HEADLINE`; every KPI is also
in kpis.json / kpis.csv.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
from collections.abc import Sequence
from typing import Any

from matching import report_kit
from matching.report_kit import fmt as _fmt
from matching.report_kit import table as _table
from matching.result import format_gap
from matching.scenarios import charts
from matching.scenarios.compare import HEADLINE, Difference, differences
from matching.scenarios.kpis import rows
from matching.scenarios.params import point_label
from matching.scenarios.runner import RunRecord


def _shown(key: str, value: Any) -> str:
    """A headline KPI as shown: the gap as every output shows it, the rest by `_fmt`."""
    return html.escape(format_gap(value)) if key == "gap" else _fmt(value)


def _delta(d: Difference) -> str:
    if d.difference is None:
        return ""
    cls = "" if d.better is None else ("up" if d.better else "down")
    return f'<span class="{cls}">{d.difference:+.4g}</span>'


def _page(title: str, body: str) -> str:
    return report_kit.page(title, body, "scenario",
                           "Synthetic example data; KPI definitions in matching/scenarios/kpis.py.")


def _groups(rec: RunRecord, names: dict[str, str]) -> str:
    by = rec.kpis["staffing"]["by_institute"]
    inst = _table(["institute", "name", "demanded", "staffed", "rate"],
                  [[k, html.escape(names.get(k, "")), str(v["demanded"]), str(v["staffed"]), _fmt(v["rate"])]
                   for k, v in by.items()])
    dom = _table(["domain", "demanded", "staffed", "rate"],
                 [[k, str(v["demanded"]), str(v["staffed"]), _fmt(v["rate"])]
                  for k, v in rec.kpis["staffing"]["by_domain"].items()])
    pri = _table(["priority", "demanded", "staffed", "rate"],
                 [[k, str(v["demanded"]), str(v["staffed"]), _fmt(v["rate"])]
                  for k, v in rec.kpis["staffing"]["by_priority"].items()])
    worst = sorted(rec.kpis["staffing"]["by_station"].items(), key=lambda kv: (kv[1]["rate"] or 0, kv[0]))[:10]
    sta = _table(["station (10 lowest)", "demanded", "staffed", "rate"],
                 [[k, str(v["demanded"]), str(v["staffed"]), _fmt(v["rate"])] for k, v in worst])
    reasons = _table(["open reason", "requests"], [[k, str(v)] for k, v in rec.kpis["open_by_reason"].items()])
    return f'<div class="row"><div>{inst}</div><div>{dom}<br>{pri}<br>{reasons}<br>{sta}</div></div>'


def run_report(rec: RunRecord, title: str | None = None) -> str:
    """The report of one run: headline KPIs, change log, map, charts and group tables."""
    names = {t[0]: t[1] for t in rec.towns}
    head = _table(["KPI", "value"], [[label, _shown(k, get(rec.kpis))] for k, label, get, _s in HEADLINE])
    log = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in rec.log) or "<li>no changes</li>"
    body = (f"<p>{html.escape(rec.description)}</p><p class=note>problem fingerprint {rec.fingerprint}</p>"
            f'<div class="row"><div><h2>Headline</h2>{head}<h2>Changes applied</h2><ul>{log}</ul></div>'
            f"<div><h2>Map of the county</h2>{charts.county_map(rec)}</div></div>"
            f"<h2>Staffing by institute</h2>{charts.institute_bars([rec])}"
            f'<div class="row"><div>{charts.travel_histogram([rec])}</div>'
            f'<div>{charts.workload_chart([rec])}</div></div>'
            f"<h2>Staffing by group</h2>{_groups(rec, names)}")
    return _page(title or f"Scenario {rec.name}", body)


def compare_report(recs: Sequence[RunRecord], title: str | None = None) -> str:
    """Side by side: headline table with differences to the first run, maps, charts, deltas."""
    base = recs[0]
    cols = ["KPI", *[html.escape(r.name) for r in recs], *[f"{html.escape(r.name)} − {html.escape(base.name)}"
                                                          for r in recs[1:]]]
    against = [differences(base.kpis, r.kpis) for r in recs[1:]]
    body_rows = []
    for i, (key, label, get, _sense) in enumerate(HEADLINE):
        body_rows.append([label, *[_shown(key, get(r.kpis)) for r in recs], *[_delta(diffs[i]) for diffs in against]])
    maps = "".join(f"<div>{charts.county_map(r, (6.0, 6.0))}</div>" for r in recs)
    deltas = "".join(charts.institute_delta(base, r) for r in recs[1:])
    logs = "".join(f"<div><b>{html.escape(r.name)}</b><ul>"
                   + "".join(f"<li><code>{html.escape(x)}</code></li>" for x in r.log) + "</ul></div>" for r in recs)
    body = (f"<h2>Headline, side by side</h2>{_table(cols, body_rows)}"
            f'<h2>Changes applied</h2><div class="row">{logs}</div>'
            f'<h2>Maps</h2><div class="row">{maps}</div>'
            f"<h2>Staffing by institute</h2>{charts.institute_bars(recs)}{deltas}"
            f'<div class="row"><div>{charts.travel_histogram(recs)}</div>'
            f'<div>{charts.workload_chart(recs)}</div></div>')
    return _page(title or "Comparison: " + " vs ".join(r.name for r in recs), body)


def sweep_report(name: str, recs: Sequence[RunRecord], title: str | None = None) -> str:
    """One row per grid point, the sweep chart, and staffing by institute for every point."""
    keys = list(recs[0].point) if recs else []
    cols = [*keys, *(label for _k, label, _g, _s in HEADLINE)]
    body_rows = [[_fmt(r.point.get(k)) for k in keys] + [_shown(k, get(r.kpis)) for k, _l, get, _s in HEADLINE]
                 for r in recs]
    body = (f"<h2>Grid</h2>{_table(cols, body_rows)}{charts.sweep_chart(recs)}"
            f"<h2>Staffing by institute per point</h2>{charts.institute_bars(_labelled(recs))}"
            f'<div class="row"><div>{charts.travel_histogram(_labelled(recs))}</div></div>')
    return _page(title or f"Sweep {name}", body)


def _labelled(recs: Sequence[RunRecord]) -> list[RunRecord]:
    return [dataclasses.replace(r, name=point_label(r.point)) for r in recs]


def kpis_csv(recs: Sequence[RunRecord]) -> str:
    """Every KPI of every run: run, point, kpi, group, key, value."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["run", "point", "kpi", "group", "key", "value"])
    for r in recs:
        label = point_label(r.point) if r.point else ""
        for kpi, group, key, value in rows(r.kpis):
            w.writerow([r.name, label, kpi, group, key, "" if value is None else value])
    return buf.getvalue()
