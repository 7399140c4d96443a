"""A scenario base taken from the live database: a unit's subtree and a service period.

    [base]
    kind = "database"
    unit = "PZ-I01"            # a unit code or name; its whole subtree is taken
    date_from = "2026-11-29"
    date_to = "2026-11-30"     # default: date_from (at most 31 days)
    url = "sqlite:///x.db"     # command line only; default WENMING_DATABASE_URL

The problem is built by resolvers/problem_builder.build (the same rows a dispatch run solves)
over every order served in the subtree whose window starts in the period and that is not
REJECTED or CANCELLED (an analyst asks about all the demand, not only what is reviewed yet):
their volunteers, tasks already held (kept as pins) and commitments elsewhere (fixed one-slot
requests "C<id>", counted with the order they belong to). The side table comes straight from the
unit tree instead of matching/scenarios/geography.py's synthetic Pizhou:

- institute of a request / volunteer: the INSTITUTE unit on the path of the order's serving unit
  / the volunteer's unit, keyed by unit code (`outside` for a unit above every institute);
- station of a request: the order's serving unit when it is a STATION, else `outside`;
- domain of a request: its service item's domain, lower case (`health`);
- places on the map: the institutes and stations of the subtree and any others referred to;
  changes may name them, and teams, by code or by name (matching/scenarios/changes.py).

`build_dataset(session, spec)` is the one way a snapshot is taken: the `wenming scenario`
command reaches it through `register()` (a database URL), the API's background scenario runs
(resolvers/scenarios/runs.py) with the server's own session. Bad input raises
`BaseUnusable(key, message)`, which the scenario layer reports with the file and line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from db import models
from db.enums import OrderStatus, UnitLevel, VolunteerStatus
from db.queries import subtree_condition
from db.session import make_engine, session_factory
from matching.scenarios.dataset import Dataset, register_base_kind
from matching.scenarios.errors import BaseUnusable
from matching.scenarios.geography import OUTSIDE, Place
from matching.scenarios.spec import BaseSpec
from resolvers.core.settings import SettingsError
from resolvers.dispatch.problem import build, parse_key

#: orders that are not demand any more
NOT_DEMAND = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


def find_unit(session: Session, text: str) -> models.Unit:
    """The unit with this code, else the one unit with this name (BaseUnusable otherwise)."""
    unit = session.scalar(select(models.Unit).where(models.Unit.code == text))
    if unit is not None:
        return unit
    named = list(session.scalars(select(models.Unit).where(models.Unit.name == text).limit(3)))
    if len(named) == 1:
        return named[0]
    if named:
        raise BaseUnusable("unit", f"{text!r} names several units; give the unit code instead "
                                   f"({', '.join(u.code for u in named)}, ...)")
    sample = list(session.scalars(select(models.Unit.code).order_by(models.Unit.path).limit(8)))
    hint = f"; e.g. {', '.join(sample)}" if sample else "; the database holds no unit (load one first)"
    raise BaseUnusable("unit", f"no unit has the code or name {text!r}{hint}")


def _period(spec: BaseSpec) -> tuple[dt.date, dt.date]:
    assert spec.date_from is not None
    first = dt.date.fromisoformat(spec.date_from)
    return first, dt.date.fromisoformat(spec.date_to or spec.date_from)


def demand(session: Session, spec: BaseSpec, limit: int | None = None) -> tuple[models.Unit, list[int]]:
    """The base's unit and the ids of its orders (at most `limit`); BaseUnusable when the unit
    does not exist or the period has no order (a cheap check the API makes before queueing)."""
    assert spec.unit is not None
    unit = find_unit(session, spec.unit)
    first, last = _period(spec)
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    order_ids = list(session.scalars(
        select(models.Order.id).join(models.Unit, models.Unit.id == models.Order.unit_id)
        .where(subtree_condition(unit.path), models.Order.status.not_in(NOT_DEMAND),
               models.Order.window_start >= start, models.Order.window_start < end)
        .order_by(models.Order.id).limit(limit)))
    if not order_ids:
        raise BaseUnusable("date_from", f"no order is served in the area of {unit.code} ({unit.name}) from "
                                        f"{first} to {last}: nothing to staff; choose other dates or unit")
    return unit, order_ids


def build_dataset(session: Session, spec: BaseSpec) -> Dataset:
    """The dataset of a database base (see the module docstring)."""
    unit, order_ids = demand(session, spec)
    first, last = _period(spec)
    built = build(session, unit.id, first, last, order_ids=order_ids)
    problem = built.problem

    units = {row.id: row for row in session.execute(
        select(models.Unit.id, models.Unit.code, models.Unit.name, models.Unit.level, models.Unit.path,
               models.Unit.lat, models.Unit.lon))}
    order_at = {oid: (o.unit_id, o.item_id) for oid, o in built.orders.items()}
    held = sorted({oid for _vid, oid in built.commitments.values()} - set(order_at))
    if held:
        order_at.update({row.id: (row.unit_id, row.item_id) for row in session.execute(
            select(models.Order.id, models.Order.unit_id, models.Order.item_id).where(models.Order.id.in_(held)))})
    domains = {row.id: row.domain.value.lower() for row in session.execute(
        select(models.ServiceItem.id, models.ServiceItem.domain))}
    wanted = {parse_key(v.id) for v in problem.volunteers}
    volunteer_unit = {row.id: row.unit_id for row in session.execute(
        select(models.Volunteer.id, models.Volunteer.unit_id).where(models.Volunteer.status == VolunteerStatus.ACTIVE))
        if row.id in wanted}

    def ancestors(unit_id: int) -> list[int]:
        return [int(x) for x in units[unit_id].path.strip("/").split("/")]

    def town(unit_id: int) -> str:
        return next((units[a].code for a in ancestors(unit_id) if units[a].level == UnitLevel.INSTITUTE), OUTSIDE)

    def station(unit_id: int) -> str:
        return units[unit_id].code if units[unit_id].level == UnitLevel.STATION else OUTSIDE

    request_order = {r.id: (parse_key(r.id) if r.id.startswith("O") else built.commitments[r.id][1])
                     for r in problem.requests}
    request_unit = {rid: order_at[oid][0] for rid, oid in request_order.items()}
    v_town = {v.id: town(volunteer_unit[parse_key(v.id)]) for v in problem.volunteers}
    r_town = {rid: town(u) for rid, u in request_unit.items()}
    r_station = {rid: station(u) for rid, u in request_unit.items()}
    r_domain = {rid: domains[order_at[oid][1]] for rid, oid in request_order.items()}

    subtree = [u for u in units.values() if u.path.startswith(unit.path)]
    by_code = {u.code: u for u in units.values()}
    town_codes = ({u.code for u in subtree if u.level == UnitLevel.INSTITUTE}
                  | set(v_town.values()) | set(r_town.values()))
    station_codes = {u.code for u in subtree if u.level == UnitLevel.STATION} | set(r_station.values())
    towns = {c: Place(c, by_code[c].name, by_code[c].lat, by_code[c].lon, c)
             for c in sorted(town_codes - {OUTSIDE})}
    stations = {c: Place(c, by_code[c].name, by_code[c].lat, by_code[c].lon, town(by_code[c].id))
                for c in sorted(station_codes - {OUTSIDE})}
    team_names = {code: name for code, name in session.execute(select(models.Team.code, models.Team.name))}
    teams = {t for v in problem.volunteers for t in v.teams} | set(problem.teams)
    return Dataset(problem=problem, volunteer_town=v_town, request_town=r_town, request_station=r_station,
                   request_domain=r_domain, towns=towns, stations=stations,
                   team_names={code: name for code, name in team_names.items() if code in teams})


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 -- a URL that does not parse is shown as the user typed it
        return url


def from_url(spec: BaseSpec, default_url: Callable[[], str]) -> Dataset:
    """Take the snapshot from the database at `spec.url` (default: the server's, `default_url()`)."""
    key = "url" if spec.url else "kind"
    if spec.url:
        url, named = spec.url, ""
    else:
        try:
            url, named = default_url(), " (WENMING_DATABASE_URL)"
        except SettingsError as exc:
            raise BaseUnusable(key, str(exc)) from None
    try:
        engine = make_engine(url, poolclass=NullPool)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise BaseUnusable(key, f"{_safe(url)!r}{named} is not a usable database URL ({type(exc).__name__})") from None
    database = engine.url.database or ""
    if engine.url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).is_file():
        engine.dispose()  # SQLite would create an empty file: refuse instead, nothing written
        raise BaseUnusable(key, f"no database file {database!r}{named}")
    try:
        with session_factory(engine)() as session:
            return build_dataset(session, spec)
    except SQLAlchemyError as exc:
        raise BaseUnusable(key, f"cannot read the database {_safe(url)}{named}: {type(exc).__name__}; "
                                "is it reachable and migrated (wenming db upgrade)?") from None
    finally:
        engine.dispose()


def register(default_url: Callable[[], str]) -> None:
    """Let `wenming scenario` read `kind = "database"` bases from a URL; without `url` in the
    file, from `default_url()` (the composition root reads it from its settings)."""
    register_base_kind("database", lambda spec: from_url(spec, default_url))


__all__ = ["NOT_DEMAND", "build_dataset", "demand", "find_unit", "from_url", "register"]
