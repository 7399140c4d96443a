"""Load an example city into a database: `wenming examples load pizhou|kunshan` and other code.

Entry points:
- `load_city(database_url, city, volunteers=5000, seed=1)`: migrate the database at the URL to the
  head revision, then load; shows a progress bar (the CLI's path).
- `load_city_into(bind, city, ...)`: load into an existing, migrated database through an Engine
  (own transaction, committed at the end) or a Connection (the caller's transaction, not committed;
  for an ORM Session pass `session.connection()`). Used by `wenming serve --demo` and tests.

Rows come from examples.generate and go in with SQLAlchemy Core `insert()` executemany in chunks,
all in one transaction: a failed load leaves nothing behind. Ids continue after those already
stored and the shared catalogue (skills, service items) is reused, so both cities can live in one
database; loading the same city twice is refused. Not meant to run while other clients write.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection, Engine, func, insert, select, text

from db.migrate import upgrade
from db.models import Base, ServiceItem, Skill, Unit
from db.session import make_engine
from examples.cities import get_city
from examples.generate import MAX_VOLUNTEERS, Dataset, generate_city
from examples.rows import TABLE_ORDER
from wenming.settings import read_settings

CHUNK_ROWS = 20_000


class ExampleLoadError(RuntimeError):
    """An example dataset cannot be loaded; the message says why and what to do."""


@dataclass(frozen=True)
class LoadReport:
    """What a load did: rows per table, the new center's id, time taken."""

    city: str
    center_id: int
    counts: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


def load_city(
    database_url: str,
    city: str,
    volunteers: int = 5000,
    seed: int = 1,
    *,
    day: date | None = None,
    secret_key: str | None = None,
    progress: bool = True,
) -> LoadReport:
    """Upgrade the database at `database_url`, then load `city` into it (see load_city_into)."""
    get_city(city)  # fail on bad input before touching the database
    if not 0 <= volunteers <= MAX_VOLUNTEERS:
        raise ValueError(f"volunteers={volunteers}: choose between 0 and {MAX_VOLUNTEERS}")
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        return load_city_into(
            engine, city, volunteers=volunteers, seed=seed, day=day, secret_key=secret_key, progress=progress
        )
    finally:
        engine.dispose()


def load_city_into(
    bind: Engine | Connection,
    city: str,
    *,
    volunteers: int = 5000,
    seed: int = 1,
    day: date | None = None,
    secret_key: str | None = None,
    progress: bool = False,
) -> LoadReport:
    """Generate `city` with `volunteers` volunteers and insert it through `bind`.

    `secret_key` keys the ID-number fingerprints; it defaults to the environment's
    Settings.secret_key, which is what the server uses to detect duplicate registrations.
    """
    spec = get_city(city)
    if secret_key is None:
        secret_key = read_settings().secret_key
    started = time.perf_counter()
    with _transaction(bind) as conn:
        if conn.scalar(select(Unit.id).where(Unit.code == f"{spec.code}-C")) is not None:
            raise ExampleLoadError(f"{spec.key} is already loaded in this database: load it into a fresh one")
        dataset = generate_city(
            spec.key,
            volunteers=volunteers,
            seed=seed,
            day=day,
            secret_key=secret_key,
            id_start=_next_ids(conn),
            existing_catalogue=_catalogue(conn),
        )
        insert_dataset(conn, dataset, progress=progress)
    center_id = dataset.rows("units")[0]["id"]
    assert isinstance(center_id, int)  # rows are plain dicts of objects; an id is an int
    return LoadReport(spec.key, center_id, dataset.counts(), time.perf_counter() - started)


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.begin() as conn:
        yield conn


def _next_ids(conn: Connection) -> dict[str, int]:
    tables = Base.metadata.tables
    return {
        name: int(conn.scalar(select(func.coalesce(func.max(tables[name].c.id), 0))) or 0) + 1
        for name in TABLE_ORDER
    }


def _catalogue(conn: Connection) -> dict[str, dict[str, int]]:
    return {
        "skills": {code: id_ for id_, code in conn.execute(select(Skill.id, Skill.code))},
        "service_items": {code: id_ for id_, code in conn.execute(select(ServiceItem.id, ServiceItem.code))},
    }


def insert_dataset(conn: Connection, dataset: Dataset, *, progress: bool = False) -> None:
    """Insert every row of `dataset` in table order, in chunks, on the caller's transaction."""
    bar = _progress_bar() if progress else None
    with bar or nullcontext():
        task = bar.add_task(f"{dataset.city}", total=dataset.total_rows) if bar else None
        for name in TABLE_ORDER:
            rows = dataset.rows(name)
            if bar is not None and task is not None:
                bar.update(task, description=f"{dataset.city}: {name}")
            statement = insert(Base.metadata.tables[name])
            for begin in range(0, len(rows), CHUNK_ROWS):
                chunk = rows[begin : begin + CHUNK_ROWS]
                conn.execute(statement, chunk)
                if bar is not None and task is not None:
                    bar.advance(task, len(chunk))
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, [name for name in TABLE_ORDER if dataset.rows(name)])


def _reset_sequences(conn: Connection, tables: list[str]) -> None:
    # Explicit ids do not advance PostgreSQL sequences: move them past the largest id.
    for name in tables:
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))")
        )


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
