"""The analysts' HTML report of a quarter's assessment (`wenming assessment QUARTER --html FILE`),
in the style of the scenario reports and built from the same pieces (matching/report_kit.py): one
offline file, inline CSS and inline SVG charts.

It shows the weights, then per level of the tree the ranking (a bar chart of the scores and the
table), each indicator's distribution over the level's units, and the contributions of the units
of the level below the scope (stacked bars) with the table of one unit's contributions. Given
what-if weights, the ranking under the configured weights stands beside the ranking under the
what-if ones, with each unit's change of rank. Chart labels are the units' ASCII codes and the
indicators' keys; the Chinese names are in the tables, where the browser's fonts show them.
"""

from __future__ import annotations

import html
from collections import defaultdict

from matplotlib.figure import Figure

from db.enums import UnitLevel
from matching.report_kit import PALETTE, fmt, page, svg, table
from resolvers.assessment.indicators import INDICATORS
from resolvers.assessment.scoring import Assessment, UnitScore

LEVELS = (UnitLevel.CENTER, UnitLevel.INSTITUTE, UnitLevel.STATION)
#: bars labelled by unit code up to this many units in a level (beyond, the table names them)
LABELLED = 40


def _by_level(result: Assessment) -> dict[UnitLevel, list[UnitScore]]:
    levels: dict[UnitLevel, list[UnitScore]] = defaultdict(list)
    for unit in result.units:  # ordered by level, then rank
        levels[unit.level].append(unit)
    return levels


def _score_bars(level: UnitLevel, units: list[UnitScore], what_if: dict[str, UnitScore] | None) -> str:
    fig = Figure(figsize=(9.0, 3.4))
    ax = fig.add_subplot()
    xs = list(range(len(units)))
    width = 0.4 if what_if else 0.8
    ax.bar(xs, [u.score for u in units], width=width, color=PALETTE[0], label="configured weights")
    if what_if:
        ax.bar([x + width for x in xs], [what_if[u.code].score for u in units], width=width, color=PALETTE[1],
               label="what-if weights")
        ax.legend(fontsize=7)
    if len(units) <= LABELLED:
        ax.set_xticks([x + (width / 2 if what_if else 0) for x in xs], [u.code for u in units], rotation=60,
                      ha="right")
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(units)} units by rank (names in the table)")
    ax.set_ylabel("score")
    ax.set_title(f"Scores of the {level.value.lower()} level, best first")
    return svg(fig)


def _distributions(level: UnitLevel, units: list[UnitScore]) -> str:
    """One small histogram per indicator over the level's units (units without a value left out)."""
    keys = list(INDICATORS)
    cols = 4
    rows = (len(keys) + cols - 1) // cols
    fig = Figure(figsize=(10.0, 2.2 * rows))
    for i, key in enumerate(keys):
        ax = fig.add_subplot(rows, cols, i + 1)
        values = [c.value for u in units for c in u.contributions if c.indicator == key and c.value is not None]
        if values:
            ax.hist(values, bins=min(20, max(1, len(set(values)))), color=PALETTE[i % len(PALETTE)])
        ax.set_title(f"{key} ({len(values)})", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(f"Indicators over the {level.value.lower()} level")
    fig.tight_layout()
    return svg(fig)


def _contribution_bars(units: list[UnitScore]) -> str:
    fig = Figure(figsize=(9.0, 3.6))
    ax = fig.add_subplot()
    bottoms = [0.0] * len(units)
    for i, key in enumerate(INDICATORS):
        parts = [next(c.contribution for c in u.contributions if c.indicator == key) for u in units]
        ax.bar(range(len(units)), parts, bottom=bottoms, label=key, color=PALETTE[i % len(PALETTE)],
               hatch="" if i < len(PALETTE) else "//", edgecolor="white", linewidth=0.3)
        bottoms = [b + p for b, p in zip(bottoms, parts, strict=True)]
    if len(units) <= LABELLED:
        ax.set_xticks(range(len(units)), [u.code for u in units], rotation=60, ha="right")
    ax.set_ylabel("score (sum of contributions)")
    ax.set_title("What each indicator contributes")
    ax.legend(fontsize=6, ncols=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return svg(fig)


def _ranking_table(units: list[UnitScore], what_if: dict[str, UnitScore] | None) -> str:
    head = ["rank", "code", "name", "score"]
    if what_if:
        head += ["what-if rank", "what-if score", "change"]
    body = []
    for u in units:
        row = [str(u.rank), html.escape(u.code), html.escape(u.name), f"{u.score:.2f}"]
        if what_if:
            other = what_if[u.code]
            change = u.rank - other.rank  # positive: climbs
            cls = "up" if change > 0 else ("down" if change < 0 else "")
            row += [str(other.rank), f"{other.score:.2f}", f'<span class="{cls}">{change:+d}</span>' if change else "="]
        body.append(row)
    return table(head, body)


def _contribution_table(unit: UnitScore) -> str:
    return table(["indicator", "name", "value", "normalised", "weight", "contribution"],
                 [[html.escape(c.indicator), html.escape(c.label), fmt(c.value), f"{c.normalised:.3f}",
                   f"{c.weight:g}", f"{c.contribution:.2f}"] for c in unit.contributions])


def _weights_table(result: Assessment, what_if: Assessment | None) -> str:
    configured = dict(result.weights)
    other = dict(what_if.weights) if what_if else None
    head = ["indicator", "name", "unit", "better", "weight", *(["what-if weight"] if other is not None else [])]
    return table(head, [[html.escape(key), html.escape(i.label), html.escape(i.unit),
                         "higher" if i.higher_is_better else "lower", f"{configured.get(key, 0.0):g}",
                         *([f"{other.get(key, 0.0):g}"] if other is not None else [])]
                        for key, i in INDICATORS.items()])


def assessment_report(result: Assessment, scope_code: str, what_if: Assessment | None = None,
                      unit_code: str | None = None) -> str:
    """The HTML report of `result`; `what_if`: the same quarter and scope under other weights;
    `unit_code`: the unit whose contributions are tabled (default: the scope's unit)."""
    levels = _by_level(result)
    others = {u.code: u for u in what_if.units} if what_if else None
    chosen = next((u for u in result.units if u.code == unit_code), None) if unit_code else None
    chosen = chosen or next(u for u in result.units if u.unit_id == result.scope_unit_id)
    present = [level for level in LEVELS if levels.get(level)]
    below = next((levels[level] for level in present if levels[level][0].unit_id != result.scope_unit_id), [])
    body = [f"<p>Quarter {result.quarter.label}, the subtree of {html.escape(scope_code)}; values normalised "
            f"within each level ({html.escape(result.normalisation)}); a score is the sum of its contributions, "
            "weight x normalised value x 100. Definitions: docs/domain.md 7i.</p>",
            f"<h2>Indicators and weights</h2>{_weights_table(result, what_if)}"]
    for level in present:
        units = levels[level]
        name = level.value.lower()
        body.append(f"<h2>Ranking of the {name} level ({len(units)} units)</h2>")
        if what_if:
            body.append("<p class=note>Beside the ranking under the configured weights, the ranking under the "
                        "what-if weights; change: places climbed (+) or lost (−).</p>")
        body.append(f'<div class="row"><div>{_score_bars(level, units, others)}</div>'
                    f"<div>{_ranking_table(units, others)}</div></div>")
        if len(units) > 1:
            body.append(f"<h2>Indicators over the {name} level</h2>{_distributions(level, units)}")
    if below:
        body.append(f"<h2>Contributions, {below[0].level.value.lower()} level</h2>{_contribution_bars(below)}")
    body.append(f"<h2>Contributions of {html.escape(chosen.code)} {html.escape(chosen.name)} "
                f"(rank {chosen.rank} of {chosen.ranked}, score {chosen.score:.2f})</h2>{_contribution_table(chosen)}")
    return page(f"Assessment {result.quarter.label}: {scope_code}", "".join(body), "assessment",
                "Indicator definitions in resolvers/assessment/indicators.py.")
