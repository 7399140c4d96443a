"""The seeded example generator: a whole city as plain rows, the same rows for the same inputs.

`generate_city("pizhou", volunteers=5000, seed=1, day=date(2026, 12, 1), secret_key=...)` returns
a `Dataset`: rows (dicts keyed by column name, explicit ids) per table, in insertion order. It
touches no database; examples/load.py inserts the rows. Independent random streams feed the
network, the volunteers and the orders, so changing the number of volunteers leaves the tree,
teams and menu unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from db.localtime import LOCAL_TZ
from examples.cities import get_city
from examples.forces import build_teams
from examples.mall import build_mall
from examples.menu import build_catalogue, build_menu
from examples.network import build_network
from examples.orders import build_orders, order_count
from examples.people import build_volunteers
from examples.projects import build_projects
from examples.rows import TABLE_ORDER, Ids, Row, Tables, empty_tables
from examples.service import build_service
from examples.training import build_training

MAX_VOLUNTEERS = 150_000


@dataclass(frozen=True)
class Dataset:
    """A generated city: rows per table (see examples.rows.TABLE_ORDER) and what made them."""

    city: str
    seed: int
    day: date
    tables: Tables

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}

    def rows(self, table: str) -> list[Row]:
        return self.tables[table]

    @property
    def total_rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def default_day() -> date:
    """Tomorrow in Asia/Shanghai: the day the example orders ask for."""
    return datetime.now(LOCAL_TZ).date() + timedelta(days=1)


def generate_city(
    city: str,
    *,
    volunteers: int = 5000,
    seed: int = 1,
    day: date | None = None,
    secret_key: str,
    id_start: Mapping[str, int] | None = None,
    existing_catalogue: Mapping[str, Mapping[str, int]] | None = None,
) -> Dataset:
    """Rows for `city` ("pizhou" | "kunshan") with `volunteers` volunteers and a day of orders.

    `secret_key` keys the ID-number fingerprints (use the server's Settings.secret_key so duplicate
    detection works on the loaded data). `id_start` gives the first free id per table and
    `existing_catalogue` the ids of skills and items already stored, for loading next to other data.
    """
    spec = get_city(city)
    if not 0 <= volunteers <= MAX_VOLUNTEERS:
        raise ValueError(f"volunteers={volunteers}: choose between 0 and {MAX_VOLUNTEERS}")
    day = day or default_day()
    created_at = datetime.combine(day - timedelta(days=365), time(0, 0), tzinfo=UTC)
    ids = Ids(id_start)
    tables = empty_tables()

    def stream(label: str) -> random.Random:
        return random.Random(f"{spec.key}:{seed}:{label}")

    network = build_network(spec, stream("network"), ids, tables, created_at)
    catalogue = build_catalogue(ids, tables, existing_catalogue)
    teams = build_teams(spec, stream("teams"), ids, tables, network)
    menus = build_menu(stream("menu"), ids, tables, catalogue, network, teams)
    build_volunteers(
        spec, stream("volunteers"), ids, tables, network, teams, catalogue, volunteers, day, secret_key
    )
    if volunteers:
        build_orders(
            spec, stream("orders"), ids, tables, network, catalogue, menus, order_count(volunteers), day
        )
        build_service(spec, stream("service"), ids, tables, network, catalogue, menus, day)
    build_mall(spec.key, ids, tables, network, created_at)
    build_training(spec, stream("training"), ids, tables, network, dict((existing_catalogue or {}).get("skills", {})),
                   day, created_at)
    build_projects(spec.key, ids, tables, network, catalogue, day, created_at)
    assert list(tables) == list(TABLE_ORDER)
    return Dataset(city=spec.key, seed=seed, day=day, tables=tables)
