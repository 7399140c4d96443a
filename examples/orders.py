"""Rows of one day of synthetic orders (点单), all SUBMITTED: about one order per 50 volunteers.

Each order comes from a station's area, for an item on that station's effective menu that is in
season on the day (items drawn by their demand weight), placed near the station, with a local
time window on the given day at least as long as the service, a headcount equal to what the item
needs, a priority (mostly 3), and a channel: station orders name the ordering unit, the others a
resident with a phone number.

Times follow how services are ordered in a county: for a part of the day (上午 08:00-12:00, 下午
14:00-18:00, or 晚上 18:30-21:00 for services of at most 90 minutes, such as a talk or a square
dance class), either the whole part ("any time in the morning") or a set start within it; long
services (three hours or more) mostly in the morning. Services are not ordered across the lunch
break or late at night, when almost no volunteer is free.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from db.enums import OrderChannel, OrderStatus
from examples.catalogue import ITEMS
from examples.cities import City
from examples.menu import Catalogue
from examples.names import mobile_phone, person_name
from examples.network import Network
from examples.rows import Ids, Tables, scatter

VOLUNTEERS_PER_ORDER = 50
CHANNELS = (OrderChannel.APP, OrderChannel.HOTLINE, OrderChannel.WALK_IN, OrderChannel.STATION)
CHANNEL_WEIGHTS = (45, 20, 10, 25)
PRIORITIES = (1, 2, 3, 4, 5)
PRIORITY_WEIGHTS = (5, 15, 50, 20, 10)
#: Parts of the day: (first minute, last minute) of the local day.
MORNING, AFTERNOON, EVENING = (8 * 60, 12 * 60), (14 * 60, 18 * 60), (18 * 60 + 30, 21 * 60)
EVENING_MAX_MINUTES = 90
LONG_MINUTES = 180
WHOLE_PART_SHARE = 0.4  # orders for "any time in that part of the day"
NOTES = ("", "", "", "请提前电话联系", "老人行动不便，请上门", "场地在村委会广场", "需要自带血压计")


def order_count(volunteers: int) -> int:
    """How many orders a day brings for a city with `volunteers` volunteers (at least one)."""
    return max(1, volunteers // VOLUNTEERS_PER_ORDER)


def build_orders(
    city: City,
    rng: random.Random,
    ids: Ids,
    tables: Tables,
    network: Network,
    catalogue: Catalogue,
    menus: dict[int, list[str]],
    count: int,
    day: date,
) -> None:
    """Add `count` SUBMITTED orders for local day `day` to `tables`."""
    items = {item.code: item for item in ITEMS}
    stations = [s for s in network.stations if menus.get(s.id)]
    created = datetime.combine(day - timedelta(days=1), time(12, 0), tzinfo=UTC)
    for n in range(1, count + 1):
        station = rng.choice(stations)
        menu = [code for code in menus[station.id] if day.month in (items[code].months or (day.month,))]
        item = items[rng.choices(menu, weights=[items[code].demand for code in menu])[0]]
        start, end = _window(rng, day, item.duration_minutes)
        channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
        by_station = channel == OrderChannel.STATION
        lat, lon = scatter(rng, station.lat, station.lon, 0.8, 3.0)
        tables["orders"].append(
            {
                "id": ids.take("orders"),
                "code": f"{city.code}-{day:%Y%m%d}-{n:05d}",
                "orderer_unit_id": station.id if by_station else None,
                "resident_name": None if by_station else person_name(rng),
                "resident_phone": None if by_station else mobile_phone(rng),
                "item_id": catalogue.item_ids[item.code],
                "unit_id": station.id,
                "lat": lat,
                "lon": lon,
                "address": station.name.removesuffix("新时代文明实践站"),
                "window_start": start,
                "window_end": end,
                "headcount": sum(count for _, count, _ in item.needs),
                "priority": rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0],
                "channel": channel,
                "note": rng.choice(NOTES),
                "status": OrderStatus.SUBMITTED,
                "idempotency_key": f"{city.code.lower()}-{day:%Y%m%d}-{rng.getrandbits(64):016x}"
                if channel == OrderChannel.APP
                else None,
                "created_at": created + timedelta(minutes=rng.randrange(0, 20 * 60)),
                "version": 1,
                "project_id": None,  # examples/projects.py names the running project of some
            }
        )


def _window(rng: random.Random, day: date, duration: int) -> tuple[datetime, datetime]:
    """The local window of an order for a service of `duration` minutes (see the module docstring)."""
    parts: tuple[tuple[int, int], ...]
    weights: tuple[int, ...]
    if duration >= LONG_MINUTES:
        parts, weights = (MORNING, AFTERNOON), (80, 20)
    elif duration <= EVENING_MAX_MINUTES:
        parts, weights = (MORNING, AFTERNOON, EVENING), (45, 35, 20)
    else:
        parts, weights = (MORNING, AFTERNOON), (55, 45)
    first, last = rng.choices(parts, weights=weights)[0]
    if duration > last - first:  # longer than the part: from its start
        first_minute, last_minute = first, first + duration
    elif rng.random() < WHOLE_PART_SHARE:
        first_minute, last_minute = first, last
    else:
        first_minute = first + 30 * rng.randrange(0, (last - first - duration) // 30 + 1)
        last_minute = min(last, first_minute + duration + rng.choice((0, 0, 30, 60)))
    midnight = datetime.combine(day, time(0, 0))
    return midnight + timedelta(minutes=first_minute), midnight + timedelta(minutes=last_minute)
