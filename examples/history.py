"""A quarter of synthetic order history for a loaded city: orders through the whole loop.

`load_history_into(conn, center_id, start, days=..., orders_per_day=..., seed=...)` adds, for each
local day from `start`, orders of the center's stations that went through the loop as the
workflow writes it: reviewed (审核) or rejected, dispatched (派单) some minutes or hours later,
served (check-in and check-out of each task, 接单) or left dispatched, cancelled now and then,
and rated (评单) by some orderers; with the order events, tasks, service records and ratings
that go with them. Each station has a synthetic "quality" that shifts its rates and times, so
units differ. All rows are `synthetic` where the table has the flag; the same inputs give the
same rows. Used by the assessment tests and benchmarks/assessment_bench.py.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, func, insert, select, text

from db import models
from db.enums import OrderChannel, OrderStatus, UnitLevel, VolunteerStatus
from db.localtime import LOCAL_TZ
from db.models.dispatch import AssignmentStatus

CHUNK_ROWS = 20_000
TABLES = ("orders", "order_events", "assignments", "service_records", "ratings")


def load_history_into(conn: Connection, center_id: int, start: date, *, days: int = 91,
                      orders_per_day: int = 20, seed: int = 1) -> dict[str, int]:
    """Insert `days` days of history of the center's stations from local day `start`; rows per table."""
    rng = random.Random(f"history:{center_id}:{seed}")
    center_path = conn.scalar(select(models.Unit.path).where(models.Unit.id == center_id))
    if center_path is None:
        raise ValueError(f"unit {center_id} does not exist: give a loaded center's id")
    stations = list(conn.scalars(select(models.Unit.id).where(
        models.Unit.path.like(center_path + "%"), models.Unit.level == UnitLevel.STATION).order_by(models.Unit.id)))
    items = list(conn.execute(select(models.ServiceItem.id, models.ServiceItem.duration_minutes)
                              .order_by(models.ServiceItem.id)))
    by_station: dict[int, list[int]] = defaultdict(list)
    v = models.Volunteer
    for vid, unit in conn.execute(
            select(v.id, v.unit_id).join(models.Unit, models.Unit.id == v.unit_id)
            .where(models.Unit.path.like(center_path + "%"), v.status == VolunteerStatus.ACTIVE).order_by(v.id)):
        by_station[unit].append(vid)
    if not stations or not items:
        raise ValueError("the center has no stations or there are no service items: load a city first")
    quality = {s: rng.uniform(0.0, 1.0) for s in stations}
    ids = {name: int(conn.scalar(select(func.coalesce(func.max(models.Base.metadata.tables[name].c.id), 0))) or 0) + 1
           for name in TABLES}
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}

    def take(name: str) -> int:
        value = ids[name]
        ids[name] = value + 1
        return value

    def event(order_id: int, before: OrderStatus | None, to: OrderStatus, at: datetime) -> None:
        rows["order_events"].append({"id": take("order_events"), "order_id": order_id, "from_status": before,
                                     "to_status": to, "actor": "history", "note": "", "at": at})

    tables = models.Base.metadata.tables
    counts = dict.fromkeys(TABLES, 0)

    def flush() -> None:  # parents first; a day's rows at a time keeps a county's quarter small in memory
        for name in TABLES:
            for begin_at in range(0, len(rows[name]), CHUNK_ROWS):
                conn.execute(insert(tables[name]), rows[name][begin_at:begin_at + CHUNK_ROWS])
            counts[name] += len(rows[name])
            rows[name].clear()

    for day_index in range(days):
        if len(rows["order_events"]) >= CHUNK_ROWS:
            flush()
        day = start + timedelta(days=day_index)
        midnight = datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ).astimezone(UTC)
        for n in range(orders_per_day):
            station = rng.choice(stations)
            q = quality[station]
            item_id, duration = rng.choice(items)
            created = midnight + timedelta(minutes=rng.randrange(7 * 60, 21 * 60), seconds=rng.randrange(60))
            service_day = day + timedelta(days=rng.choice((1, 1, 2, 3)))
            local_start = datetime.combine(service_day, time(9, 0)) + timedelta(minutes=30 * rng.randrange(0, 16))
            local_end = local_start + timedelta(minutes=duration)
            oid = take("orders")
            order = {"id": oid, "code": f"H{center_id}-{day:%Y%m%d}-{n:05d}", "orderer_unit_id": station,
                     "resident_name": None, "resident_phone": None, "item_id": item_id, "unit_id": station,
                     "lat": 34.3, "lon": 117.9, "address": "", "window_start": local_start, "window_end": local_end,
                     "headcount": rng.choice((1, 1, 2)), "priority": 3, "channel": OrderChannel.STATION, "note": "",
                     "status": OrderStatus.SUBMITTED, "idempotency_key": None, "project_id": None,
                     "created_at": created, "version": 1}
            rows["orders"].append(order)
            if rng.random() < 0.05:
                event(oid, OrderStatus.SUBMITTED, OrderStatus.REJECTED, created + timedelta(minutes=30))
                order["status"] = OrderStatus.REJECTED
                continue
            reviewed = created + timedelta(minutes=rng.randrange(5, 120))
            event(oid, OrderStatus.SUBMITTED, OrderStatus.REVIEWED, reviewed)
            if rng.random() < 0.04:
                event(oid, OrderStatus.REVIEWED, OrderStatus.CANCELLED, reviewed + timedelta(minutes=10))
                order["status"] = OrderStatus.CANCELLED
                continue
            dispatched = reviewed + timedelta(minutes=rng.randrange(10, 60 + int(600 * (1 - q))),
                                              seconds=rng.randrange(60))
            event(oid, OrderStatus.REVIEWED, OrderStatus.DISPATCHED, dispatched)
            order["status"] = OrderStatus.DISPATCHED
            pool = by_station.get(station) or by_station.get(rng.choice(stations)) or []
            if not pool:
                continue
            team = rng.sample(pool, min(len(pool), int(order["headcount"])))  # type: ignore[call-overload]
            served = rng.random() < 0.75 + 0.2 * q
            begin = local_start.replace(tzinfo=LOCAL_TZ).astimezone(UTC)
            statuses = []
            for vid in team:
                status = AssignmentStatus.ACCEPTED
                if served:
                    status = AssignmentStatus.NO_SHOW if rng.random() < 0.12 * (1 - q) else AssignmentStatus.COMPLETED
                statuses.append((vid, status))
            if served and all(s == AssignmentStatus.NO_SHOW for _, s in statuses):
                statuses[0] = (statuses[0][0], AssignmentStatus.COMPLETED)
            for vid, status in statuses:
                aid = take("assignments")
                rows["assignments"].append({
                    "id": aid, "order_id": oid, "volunteer_id": vid, "run_id": None, "skill_code": "helper",
                    "start": local_start, "end": local_end, "distance_km": 1.0, "travel_minutes": 5,
                    "status": status, "decline_reason": "", "created_at": dispatched, "version": 1})
                if status == AssignmentStatus.COMPLETED:
                    minutes = max(10, duration + rng.randrange(-15, 16))
                    rows["service_records"].append({
                        "id": take("service_records"), "assignment_id": aid, "volunteer_id": vid, "order_id": oid,
                        "checked_in_at": begin, "checked_out_at": begin + timedelta(minutes=minutes),
                        "credit_minutes": minutes, "honour_minutes": rng.choice((0, 0, 0, 30))})
            if not served:
                continue
            event(oid, OrderStatus.DISPATCHED, OrderStatus.IN_SERVICE, begin)
            completed = begin + timedelta(minutes=duration + rng.randrange(0, 20), seconds=rng.randrange(60))
            event(oid, OrderStatus.IN_SERVICE, OrderStatus.COMPLETED, completed)
            order["status"] = OrderStatus.COMPLETED
            if rng.random() < 0.6:
                rated = completed + timedelta(hours=rng.randrange(1, 48))
                score = min(5, max(1, round(rng.gauss(3 + 2 * q, 0.8))))
                rows["ratings"].append({"id": take("ratings"), "order_id": oid, "score": score, "comment": "",
                                        "created_at": rated})
                event(oid, OrderStatus.COMPLETED, OrderStatus.RATED, rated)
                order["status"] = OrderStatus.RATED
    flush()
    if conn.dialect.name == "postgresql":
        for name in TABLES:
            if counts[name]:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT MAX(id) FROM {name}))"))
        # fresh statistics, as after any bulk load: the planner sees the new rows
        conn.execute(text(f"ANALYZE {', '.join(TABLES)}, units, volunteers"))
    return counts
