"""Plain-row plumbing of the example generator: table order, id allocation, small geography helpers.

The generator produces rows as dicts keyed by column name, with explicit primary keys, so related
rows can point at each other before anything touches a database, and a bulk insert can send whole
lists. `TABLE_ORDER` lists the tables parents first, the order in which they can be inserted.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

TABLE_ORDER: tuple[str, ...] = (
    "units",
    "departments",
    "practice_bases",
    "practice_points",
    "skills",
    "service_items",
    "service_item_skills",
    "teams",
    "service_item_providers",
    "menu_offers",
    "volunteers",
    "volunteer_skills",
    "volunteer_domains",
    "availability_windows",
    "availability_exceptions",
    "team_memberships",
    "projects",
    "orders",
    "assignments",
    "service_records",
    "ratings",
    "ledger_accounts",
    "ledger_transactions",
    "ledger_entries",
    "mall_items",
    "training_courses",
    "training_sessions",
    "training_lecturers",
    "training_enrolments",
    "certificates",
    "project_items",
    "project_stations",
    "project_events",
    "project_evaluations",
)

Row = dict[str, object]
Tables = dict[str, list[Row]]

KM_PER_DEGREE_LAT = 111.32


def empty_tables() -> Tables:
    return {name: [] for name in TABLE_ORDER}


class Ids:
    """Hands out primary keys per table, starting after what the target database already holds."""

    def __init__(self, start: Mapping[str, int] | None = None) -> None:
        self._next = {name: 1 for name in TABLE_ORDER}
        for name, first in (start or {}).items():
            if name not in self._next:
                raise ValueError(f"unknown table {name!r} in id_start: use one of {', '.join(TABLE_ORDER)}")
            if first < 1:
                raise ValueError(f"id_start[{name!r}] = {first}: ids start at 1 or above")
            self._next[name] = first

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def peek(self, table: str) -> int:
        return self._next[table]


def scatter(
    rng: random.Random, lat: float, lon: float, sigma_km: float, max_km: float
) -> tuple[float, float]:
    """A point around (lat, lon): normal with `sigma_km` per axis, cut off at `max_km`, 6 decimals."""
    while True:
        dy, dx = rng.gauss(0.0, sigma_km), rng.gauss(0.0, sigma_km)
        if dx * dx + dy * dy <= max_km * max_km:
            break
    new_lat = lat + dy / KM_PER_DEGREE_LAT
    new_lon = lon + dx / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return round(new_lat, 6), round(new_lon, 6)


def town_radius_km(area_km2: float, towns: int) -> float:
    """Radius of a disc with the average town's share of the city's area."""
    return math.sqrt(area_km2 / towns / math.pi)
