"""The example day's demand can meet its supply: orders at the times services are ordered, seasonal
items only in season, and provider teams whose members hold the skills their items need."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest

from db.enums import VolunteerStatus
from examples.catalogue import ITEMS
from examples.generate import Dataset, generate_city

KEY = "test-key"
MONDAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def pizhou() -> Dataset:
    return generate_city("pizhou", volunteers=3000, seed=3, day=MONDAY, secret_key=KEY)


def _item_codes(dataset: Dataset) -> dict[object, str]:
    return {row["id"]: str(row["code"]) for row in dataset.rows("service_items")}


def test_orders_ask_for_a_part_of_the_day_not_across_lunch_or_late_at_night(pizhou: Dataset) -> None:
    codes = _item_codes(pizhou)
    duration = {item.code: item.duration_minutes for item in ITEMS}
    parts = [(time(8), time(12)), (time(14), time(18)), (time(18, 30), time(21))]
    mornings = long_orders = 0
    for order in pizhou.rows("orders"):
        start, end = order["window_start"], order["window_end"]
        assert isinstance(start, datetime) and isinstance(end, datetime)
        minutes = duration[codes[order["item_id"]]]
        assert end - start >= timedelta(minutes=minutes)
        assert any(first <= start.time() and end.time() <= last for first, last in parts), (start, end)
        if start.time() >= time(18, 30):
            assert minutes <= 90, codes[order["item_id"]]  # evenings hold short services only
        if minutes >= 180:
            long_orders += 1
            mornings += end.time() <= time(12)
    assert long_orders and mornings / long_orders > 0.6  # long services are mostly in the morning


@pytest.mark.parametrize(("day", "present", "absent"), [
    (MONDAY, "spring_couplets", "summer_care"),
    (date(2026, 7, 13), "summer_care", "spring_couplets"),
])
def test_seasonal_items_are_ordered_only_in_their_months(day: date, present: str, absent: str) -> None:
    dataset = generate_city("pizhou", volunteers=12_000, seed=1, day=day, secret_key=KEY)
    ordered = {_item_codes(dataset)[order["item_id"]] for order in dataset.rows("orders")}
    assert present in ordered
    assert absent not in ordered


def test_provider_teams_hold_the_skills_their_items_need(pizhou: Dataset) -> None:
    """For every item and needed skill, a share of the active holders of that skill belong to a
    provider team of the item (before: 0 to 2 % for helpers, drivers and skills of domains without a
    team of their own, such as law, science, arts, sports, charity in Pizhou)."""
    skill_code = {row["id"]: str(row["code"]) for row in pizhou.rows("skills")}
    active = {row["id"] for row in pizhou.rows("volunteers") if row["status"] == VolunteerStatus.ACTIVE}
    holders: dict[str, set[object]] = defaultdict(set)
    for row in pizhou.rows("volunteer_skills"):
        if row["volunteer_id"] in active:
            holders[skill_code[row["skill_id"]]].add(row["volunteer_id"])
    members: dict[object, set[object]] = defaultdict(set)
    for row in pizhou.rows("team_memberships"):
        members[row["team_id"]].add(row["volunteer_id"])
    item_id = {code: i for i, code in _item_codes(pizhou).items()}
    providers: dict[object, set[object]] = defaultdict(set)
    for row in pizhou.rows("service_item_providers"):
        providers[row["item_id"]].add(row["team_id"])
    for item in ITEMS:
        in_teams = set().union(*(members[t] for t in providers[item_id[item.code]]))
        for code, _, _ in item.needs:
            share = len(holders[code] & in_teams) / len(holders[code])
            assert share >= 0.08, (item.code, code, round(share, 2))


def test_weekday_daytime_has_volunteers_for_a_three_hour_service(pizhou: Dataset) -> None:
    """A three-hour morning service (义诊) with up to an hour of travel fits the Monday windows of a
    real share of the volunteers (early retirees, staff on volunteer duty), not of a handful."""
    monday = {row["volunteer_id"] for row in pizhou.rows("availability_windows")
              if row["weekday"] == 0 and int(str(row["end_minute"])) - int(str(row["start_minute"])) >= 240
              and int(str(row["start_minute"])) <= 9 * 60}
    assert len(monday) / len(pizhou.rows("volunteers")) > 0.05
