"""The building blocks of the self-contained HTML reports: the scenario reports
(matching/scenarios/report.py) and the quarterly assessment's (resolvers/assessment/report.py).

A report is one HTML file with inline CSS and inline SVG charts drawn by matplotlib: no scripts,
no fonts or images fetched, so it opens offline. This module imports nothing of ours, so the
engine stays pure and the layers above may use it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")

CSS = """body{font-family:sans-serif;margin:24px;color:#222;max-width:1900px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.row{display:flex;flex-wrap:wrap;gap:16px}
.row>div{flex:1 1 0;min-width:420px}svg{max-width:100%;height:auto}.up{color:#2e7d32}.down{color:#c62828}
.note{color:#666;font-size:12px}code{background:#f5f5f5}"""


def svg(fig: Figure) -> str:
    """`fig` as inline SVG text (text kept as text, a fixed hash salt: the same data, the same SVG)."""
    with matplotlib.rc_context({"svg.hashsalt": "wenming-scenarios", "svg.fonttype": "none", "font.size": 9}):
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return _METADATA.sub("", text[text.index("<svg"):])  # the RDF block: names of vocabularies, not content


def fmt(value: Any) -> str:
    """A value in a table cell: – for none, floats to 4 significant digits, the rest escaped."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def table(head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """An HTML table of cells already escaped (see `fmt`)."""
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
    return f"<table><tr>{th}</tr>{trs}</table>"


def page(title: str, body: str, kind: str, note: str) -> str:
    """The whole document: `kind` names the report ("scenario"), `note` (escaped) follows the stamp."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f'<p class="note">Wenming Dispatch {kind} report, made {stamp}. {note}</p>{body}</body></html>')
