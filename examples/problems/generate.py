"""Seeded generator of Pizhou-like days as matching problems (`wenming.matching/problem` v1 JSON).

SYNTHETIC DATA: volunteers live around the 25 Pizhou units of `examples.problems.pizhou`; their
skills (the catalogue of the database example, examples/catalogue.py), teams, availability,
limits and insurance, and the residents' orders from the service menu (the same catalogue's
items, in season on their day), are drawn from invented distributions. Pure Python + numpy, no
database: the same arguments and seed always give the same problem, byte for byte.

An order asks for the item's skills from its provider city team and, nine times in ten, also the
town team of its town; about one order in eight names no team (anyone with the skills may
serve). Services longer than 90 minutes are not set for the evening.

    python -m examples.problems.generate --preset small -o small.json
    python -m examples.problems.generate --volunteers 5000 --requests 400 --days 2 --seed 3 -o p.json

Presets (volunteers / requests / days): small 1k/200/1, medium 10k/1k/1, county 150k/3k/1,
week 150k/10k/7 (the sizes of the matching benchmark).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import numpy as np
from rich.console import Console

from examples.problems import population
from examples.problems.jsonfile import write_problem
from examples.problems.pizhou import CITY_TEAMS, MENU, SKILL_SHARES, TOWNS, MenuItem, town_team

PRESETS: dict[str, tuple[int, int, int]] = {
    "small": (1_000, 200, 1),
    "medium": (10_000, 1_000, 1),
    "county": (150_000, 3_000, 1),
    "week": (150_000, 10_000, 7),
}
DAY_START = "2026-03-05"  # a Thursday
WEEK_START = "2026-03-02"  # a Monday

_FIXED_STARTS = ("08:00", "08:30", "09:00", "09:30", "10:00", "14:00", "14:30", "15:00", "15:30", "19:00")
_FIXED_P = (0.08, 0.14, 0.16, 0.12, 0.06, 0.10, 0.12, 0.10, 0.04, 0.08)
_FLEX_STARTS = ("08:00", "08:30", "09:00", "13:30", "14:00")
_FLEX_SLACK = (60, 120, 180, 240, 360)
_PRIORITY_P = (0.10, 0.20, 0.40, 0.20, 0.10)
_LATEST_END = 21 * 60
_EVENING = 18 * 60
_EVENING_MAX_MINUTES = 90
_DAYTIME_START = "09:00"  # where a long service set for the evening starts instead
_OPEN_SHARE = 0.12  # orders that name no team


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _stamp(day: dt.date, minute: int) -> str:
    return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"


def _in_season(month: int) -> tuple[list[MenuItem], np.ndarray]:
    """The items ordered in `month` and their cumulative demand shares."""
    items = [item for item in MENU if not item.months or month in item.months]
    demand = np.array([item.demand for item in items])
    return items, np.cumsum(demand / demand.sum())


def _requests(rng: np.random.Generator, n: int, dates: list[dt.date]) -> list[dict[str, Any]]:
    """Residents' orders: menu item in season, village near a town, day, time, priority, teams."""
    menus = {d.month: _in_season(d.month) for d in dates}
    item_draw = rng.random(n)
    town_idx, lat, lon = population.places(rng, n, sigma_km=2.5)
    day_idx = rng.integers(0, len(dates), size=n)
    flexible = rng.random(n) < 0.2
    fixed_start = rng.choice(len(_FIXED_STARTS), size=n, p=_FIXED_P)
    flex_start = rng.integers(0, len(_FLEX_STARTS), size=n)
    flex_slack = rng.integers(0, len(_FLEX_SLACK), size=n)
    stretch = rng.choice([-30, 0, 30], size=n, p=[0.2, 0.6, 0.2])
    priority = rng.choice(5, size=n, p=_PRIORITY_P) + 1
    town_open = rng.random(n) < 0.9
    partial_draw = rng.random(n)
    insurance_draw = rng.random(n)
    open_draw = rng.random(n)
    out = []
    for i in range(n):
        day = dates[int(day_idx[i])]
        items, cumulative = menus[day.month]
        item = items[min(int(np.searchsorted(cumulative, item_draw[i], side="right")), len(items) - 1)]
        duration = max(30, item.duration + int(stretch[i]))
        if flexible[i]:
            earliest = _minutes(_FLEX_STARTS[int(flex_start[i])])
            latest = min(_LATEST_END, earliest + duration + _FLEX_SLACK[int(flex_slack[i])])
            time = {"earliest_start": _stamp(day, earliest), "latest_end": _stamp(day, latest),
                    "duration": duration}
        else:
            start = _minutes(_FIXED_STARTS[int(fixed_start[i])])
            if start >= _EVENING and item.duration > _EVENING_MAX_MINUTES:
                start = _minutes(_DAYTIME_START)
            time = {"start": _stamp(day, start), "duration": duration}
        teams = [] if open_draw[i] < _OPEN_SHARE else list(item.teams)
        if teams and town_open[i]:
            teams.append(town_team(TOWNS[int(town_idx[i])][0]))
        out.append({
            "id": f"R{i + 1:05d}",
            "location": {"lat": float(lat[i]), "lon": float(lon[i])},
            "time": time,
            "skills": [{"skill": s, "count": c, "min_level": m} for s, c, m in item.slots],
            "eligible_teams": teams,
            "priority": int(priority[i]),
            "allow_partial": bool(partial_draw[i] < item.partial),
            "requires_insurance": bool(item.insurance or insurance_draw[i] < 0.1),
        })
    return out


def generate(volunteers: int, requests: int, days: int = 1, seed: int = 1,
             date_from: str | None = None) -> dict[str, Any]:
    """Return one synthetic Pizhou problem as a JSON-ready dict (ids V000001.., R00001..)."""
    if volunteers < 1 or requests < 0 or days < 1:
        raise ValueError("need volunteers >= 1, requests >= 0 and days >= 1")
    start = dt.date.fromisoformat(date_from or (WEEK_START if days == 7 else DAY_START))
    dates = [start + dt.timedelta(days=k) for k in range(days)]
    rng = np.random.default_rng(seed)
    vols = population.volunteers(rng, volunteers, dates)
    reqs = _requests(rng, requests, dates)
    population.add_pins_and_forbids(rng, vols, reqs)
    return {
        "format": "wenming.matching/problem",
        "version": 1,
        "date_from": dates[0].isoformat(),
        "date_to": dates[-1].isoformat(),
        "skills": sorted(SKILL_SHARES),
        "teams": sorted(CITY_TEAMS) + [town_team(t[0]) for t in TOWNS],
        "volunteers": vols,
        "requests": reqs,
        "settings": {
            "priority_weights": {str(p): p for p in range(1, 6)},
            "speed_kmh": 25,
            "detour_factor": 1.3,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.problems.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS))
    parser.add_argument("--volunteers", type=int)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--days", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date-from",
                        help="first date, YYYY-MM-DD (default: a Thursday, or a Monday for 7 days)")
    parser.add_argument("-o", "--output", required=True, help="file to write ('-' for stdout)")
    args = parser.parse_args(argv)
    vols, reqs, days = PRESETS[args.preset] if args.preset else (1_000, 200, 1)
    vols = args.volunteers if args.volunteers is not None else vols
    reqs = args.requests if args.requests is not None else reqs
    days = args.days if args.days is not None else days
    console = Console(stderr=True)
    with console.status(f"generating {vols:,} volunteers and {reqs:,} requests over {days} days ..."):
        try:
            problem = generate(vols, reqs, days, args.seed, args.date_from)
        except ValueError as exc:
            parser.error(str(exc))
    with console.status(f"writing {args.output} ..."):
        write_problem(problem, sys.stdout if args.output == "-" else args.output)
    if args.output != "-":
        console.print(f"wrote {args.output}: {vols:,} volunteers, {reqs:,} requests, {days} days (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
