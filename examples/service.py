"""Kunshan's last quarter of service (嘉许礼遇 in the demo): served orders with approved hours,
ratings and the points they earned, so the hours totals, stars, honour roll, certificates and the
mall have something to show.

For the 91 days before the example day, about two served tasks per volunteer: an order of his
station for an item on its menu, on a random day at a morning hour, COMPLETED (RATED when the
resident rated it: 70%), one task, a service record checked in at the start and out after the
item's duration (give or take a quarter of an hour; credit minutes as a check-out writes them)
and the EARN transaction of the points the default earning rules give for it (Settings.points:
10 per hour, at most 2 hours per activity), from the station's pool, under the idempotency key a
check-out uses. All invented; other cities get none yet.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from db.enums import OrderChannel, OrderStatus
from db.localtime import LOCAL_TZ
from db.models import LedgerAccountKind, LedgerTransactionKind
from db.models.dispatch import AssignmentStatus
from examples.catalogue import ITEMS
from examples.cities import City
from examples.menu import Catalogue
from examples.names import mobile_phone, person_name
from examples.network import Network
from examples.rows import Ids, Tables
from resolvers.core.settings import PointsSettings

QUARTER_DAYS = 91
TASKS_PER_VOLUNTEER = 2
RATED_SHARE = 0.7
SCORES, SCORE_WEIGHTS = (5, 4, 3), (60, 30, 10)


def quarter(day: date) -> tuple[date, date]:
    """The first and last day of the quarter of service before `day`."""
    return day - timedelta(days=QUARTER_DAYS), day - timedelta(days=1)


def build_service(city: City, rng: random.Random, ids: Ids, tables: Tables, network: Network,
                  catalogue: Catalogue, menus: dict[int, list[str]], day: date) -> None:
    """Add Kunshan's quarter of served orders, their records and points to `tables`."""
    if city.key != "kunshan":
        return
    items = {item.code: item for item in ITEMS}
    rules = PointsSettings()
    by_station: dict[int, list[int]] = defaultdict(list)
    for row in tables["volunteers"]:
        by_station[int(row["unit_id"])].append(int(row["id"]))  # type: ignore[call-overload]
    stations = {s.id: s for s in network.stations if menus.get(s.id) and by_station.get(s.id)}
    if not stations:
        return
    accounts: dict[tuple[LedgerAccountKind, int], int] = {}

    def account(kind: LedgerAccountKind, owner: int) -> int:
        if (kind, owner) not in accounts:
            accounts[kind, owner] = ids.take("ledger_accounts")
            volunteer = kind == LedgerAccountKind.VOLUNTEER
            tables["ledger_accounts"].append({
                "id": accounts[kind, owner], "key": f"{kind.value}:{owner}", "kind": kind,
                "volunteer_id": owner if volunteer else None, "unit_id": None if volunteer else owner,
                "created_at": created})
        return accounts[kind, owner]

    first, _ = quarter(day)
    created = datetime.combine(first, time(0, 0), tzinfo=UTC)
    station_ids = sorted(stations)
    count = TASKS_PER_VOLUNTEER * sum(len(by_station[s]) for s in station_ids)
    for n in range(1, count + 1):
        station = stations[rng.choice(station_ids)]
        volunteer = rng.choice(by_station[station.id])
        item = items[rng.choice(menus[station.id])]
        served_on = first + timedelta(days=rng.randrange(QUARTER_DAYS))
        start = datetime.combine(served_on, time(rng.choice((8, 9, 10, 14, 15)), 0))
        minutes = max(30, item.duration_minutes + rng.choice((-15, 0, 0, 15)))
        end = start + timedelta(minutes=minutes)
        checked_in = start.replace(tzinfo=LOCAL_TZ).astimezone(UTC)
        checked_out = checked_in + timedelta(minutes=minutes)
        rated = rng.random() < RATED_SHARE
        order_id, task_id, record_id = ids.take("orders"), ids.take("assignments"), ids.take("service_records")
        tables["orders"].append({
            "id": order_id, "code": f"{city.code}-{served_on:%Y%m%d}-H{n:05d}", "orderer_unit_id": None,
            "resident_name": person_name(rng), "resident_phone": mobile_phone(rng),
            "item_id": catalogue.item_ids[item.code], "unit_id": station.id, "lat": station.lat, "lon": station.lon,
            "address": station.name.removesuffix("新时代文明实践站"), "window_start": start,
            "window_end": end + timedelta(minutes=30), "headcount": 1, "priority": 3,
            "channel": OrderChannel.HOTLINE, "note": "",
            "status": OrderStatus.RATED if rated else OrderStatus.COMPLETED, "idempotency_key": None,
            "project_id": None,
            "created_at": checked_in - timedelta(days=2), "version": 1})
        tables["assignments"].append({
            "id": task_id, "order_id": order_id, "volunteer_id": volunteer, "run_id": None,
            "skill_code": item.needs[0][0], "start": start, "end": end, "distance_km": 0.0, "travel_minutes": 0,
            "status": AssignmentStatus.COMPLETED, "decline_reason": "", "created_at": checked_in - timedelta(days=1),
            "version": 1})
        tables["service_records"].append({
            "id": record_id, "assignment_id": task_id, "volunteer_id": volunteer, "order_id": order_id,
            "checked_in_at": checked_in, "checked_out_at": checked_out, "credit_minutes": minutes,
            "honour_minutes": 0})
        if rated:
            tables["ratings"].append({
                "id": ids.take("ratings"), "order_id": order_id,
                "score": rng.choices(SCORES, weights=SCORE_WEIGHTS)[0], "comment": "",
                "created_at": checked_out + timedelta(hours=2)})
        points = rules.for_service(minutes, item.code)
        if points:
            transaction = ids.take("ledger_transactions")
            tables["ledger_transactions"].append({
                "id": transaction, "kind": LedgerTransactionKind.EARN, "idempotency_key": f"checkout:{record_id}",
                "at": checked_out, "actor_account_id": None, "note": f"{minutes} minutes of service",
                "service_record_id": record_id, "time_claim_id": None, "rating_id": None, "redemption_id": None,
                "reverses_id": None})
            for owner, amount in ((account(LedgerAccountKind.VOLUNTEER, volunteer), points),
                                  (account(LedgerAccountKind.UNIT_POOL, station.id), -points)):
                tables["ledger_entries"].append({"id": ids.take("ledger_entries"), "transaction_id": transaction,
                                                 "account_id": owner, "amount": amount})
