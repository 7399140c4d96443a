"""The example generator (examples/generate.py): determinism, the bulletin's counts, plausible rows."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest

from db.enums import BaseCategory, MemberRole, OrderChannel, PointCategory, ServiceDomain, TeamKind, UnitLevel
from db.identity import validate_id_number
from db.localtime import LOCAL_TZ
from examples.generate import Dataset, generate_city
from examples.people import IdNumberFactory
from examples.rows import Row
from examples.service import quarter
from resolvers.core.settings import PointsSettings

DAY = date(2026, 12, 1)
KEY = "test-key"
VOLUNTEERS = 400


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def pizhou() -> Dataset:
    return generate_city("pizhou", volunteers=VOLUNTEERS, seed=7, day=DAY, secret_key=KEY)


@pytest.fixture(scope="module")
def kunshan() -> Dataset:
    return generate_city("kunshan", volunteers=VOLUNTEERS, seed=7, day=DAY, secret_key=KEY)


def _levels(dataset: Dataset) -> Counter[UnitLevel]:
    return Counter(row["level"] for row in dataset.rows("units"))  # type: ignore[misc]


def test_same_inputs_give_the_same_rows(pizhou: Dataset) -> None:
    again = generate_city("pizhou", volunteers=VOLUNTEERS, seed=7, day=DAY, secret_key=KEY)
    assert again.tables == pizhou.tables


def test_another_seed_gives_other_volunteers(pizhou: Dataset) -> None:
    other = generate_city("pizhou", volunteers=VOLUNTEERS, seed=8, day=DAY, secret_key=KEY)
    assert other.rows("volunteers") != pizhou.rows("volunteers")
    assert _levels(other) == _levels(pizhou)


def test_more_volunteers_leave_the_network_unchanged(pizhou: Dataset) -> None:
    bigger = generate_city("pizhou", volunteers=2 * VOLUNTEERS, seed=7, day=DAY, secret_key=KEY)
    for table in ("units", "teams", "service_items", "menu_offers", "service_item_providers"):
        assert bigger.rows(table) == pizhou.rows(table), table
    assert len(bigger.rows("volunteers")) == 2 * VOLUNTEERS


def test_pizhou_network_matches_the_bulletin(pizhou: Dataset) -> None:
    assert _levels(pizhou) == {UnitLevel.CENTER: 1, UnitLevel.INSTITUTE: 25, UnitLevel.STATION: 490}
    assert [row["name"] for row in pizhou.rows("departments")] == ["综合科", "宣传教育公益科", "科技文卫科"]
    city_teams = {str(row["name"]): row for row in pizhou.rows("teams") if row["synthetic"] is False}
    expected = {
        "理论名嘴": ServiceDomain.THEORY,
        "呵护成长": ServiceDomain.EDUCATION,
        "多彩生活": ServiceDomain.CULTURE,
        "希望田野": ServiceDomain.AGRICULTURE,
        "健康邳州": ServiceDomain.HEALTH,
        "温情邳州": ServiceDomain.WELFARE,
        "文明联盟": ServiceDomain.CIVILITY,
    }
    assert len(city_teams) == 7
    for short, domain in expected.items():
        (row,) = [r for name, r in city_teams.items() if short in name]
        assert row["domain"] == domain and row["kind"] == TeamKind.SPECIALIST
    institutes = {row["id"] for row in pizhou.rows("units") if row["level"] == UnitLevel.INSTITUTE}
    assert institutes <= {row["unit_id"] for row in pizhou.rows("teams")}  # every town has its teams


def test_kunshan_network_and_forces_match_the_bulletin(kunshan: Dataset) -> None:
    levels = _levels(kunshan)
    assert (levels[UnitLevel.CENTER], levels[UnitLevel.INSTITUTE]) == (1, 15)
    bases = kunshan.rows("practice_bases")
    assert len(bases) == 64
    assert {row["category"] for row in bases} == set(BaseCategory)
    assert {row["category"] for row in kunshan.rows("practice_points")} == set(PointCategory)
    teams = kunshan.rows("teams")
    kinds = Counter(row["kind"] for row in teams)
    assert (kinds[TeamKind.CORPS], kinds[TeamKind.DETACHMENT], kinds[TeamKind.SPECIALIST]) == (1, 15, 6)
    by_id = {row["id"]: row for row in teams}
    for row in teams:
        parent = by_id.get(row["parent_id"])
        expected_parent = {
            TeamKind.CORPS: None,
            TeamKind.DETACHMENT: TeamKind.CORPS,
            TeamKind.SPECIALIST: TeamKind.CORPS,
            TeamKind.TEAM: TeamKind.DETACHMENT,
        }[TeamKind(str(row["kind"]))]
        assert (parent["kind"] if parent else None) == expected_parent, row["name"]
    assert len({row["domain"] for row in teams if row["kind"] == TeamKind.SPECIALIST}) == 6
    names = {row["name"] for row in teams}
    assert {"“百姓名嘴”宣讲队", "新乡贤宣讲团"} <= names


@pytest.mark.parametrize(("city", "max_km"), [("pizhou", 45.0), ("kunshan", 40.0)])
def test_places_lie_around_the_real_city_and_invented_rows_are_marked(city: str, max_km: float) -> None:
    dataset = generate_city(city, volunteers=100, seed=1, day=DAY, secret_key=KEY)
    center = dataset.rows("units")[0]
    for row in dataset.rows("units"):
        assert _km(center["lat"], center["lon"], row["lat"], row["lon"]) < max_km  # type: ignore[arg-type]
        assert row["synthetic"] is (row["level"] == UnitLevel.STATION)
    for table in ("practice_bases", "practice_points", "service_items", "volunteers"):
        assert all(row["synthetic"] is True for row in dataset.rows(table)), table


def test_volunteers_are_plausible(pizhou: Dataset) -> None:
    units = {row["id"]: row for row in pizhou.rows("units")}
    volunteers = pizhou.rows("volunteers")
    assert len({row["volunteer_number"] for row in volunteers}) == VOLUNTEERS
    assert len({row["id_number_fingerprint"] for row in volunteers}) == VOLUNTEERS
    for row in volunteers:
        station = units[row["unit_id"]]
        assert station["level"] == UnitLevel.STATION
        assert _km(station["lat"], station["lon"], row["home_lat"], row["home_lon"]) <= 5.01  # type: ignore[arg-type]
        assert len(str(row["phone"])) == 11 and str(row["phone"]).startswith("1")
        assert len(str(row["id_number_tail"])) == 4
    pairs = [(r["volunteer_id"], r["skill_id"]) for r in pizhou.rows("volunteer_skills")]
    assert len(pairs) == len(set(pairs)) and {r["level"] for r in pizhou.rows("volunteer_skills")} <= {
        1,
        2,
        3,
        4,
        5,
    }
    assert {r["volunteer_id"] for r in pizhou.rows("volunteer_skills")} == {r["id"] for r in volunteers}
    assert all(0 <= w["start_minute"] < w["end_minute"] <= 1440 for w in pizhou.rows("availability_windows"))
    assert pizhou.rows("availability_exceptions"), "some volunteers have dated exceptions"
    assert any(r["insurance_valid_until"] is None or r["insurance_valid_until"] < DAY for r in volunteers)


def test_every_team_with_members_has_a_leader(pizhou: Dataset) -> None:
    roles: dict[object, list[MemberRole]] = defaultdict(list)
    for row in pizhou.rows("team_memberships"):
        roles[row["team_id"]].append(row["role"])  # type: ignore[arg-type]
    assert roles
    for team_roles in roles.values():
        assert team_roles[0] == MemberRole.LEADER
        assert team_roles.count(MemberRole.LEADER) <= 1 + len(team_roles) // 500


def test_generated_id_numbers_are_valid_and_unique() -> None:
    factory = IdNumberFactory("320382", DAY)
    taken: set[str] = set()
    rng = random.Random(3)
    numbers = [factory.make(rng, taken) for _ in range(3000)]
    assert len(set(numbers)) == 3000
    assert all(validate_id_number(n, today=DAY) == n and n.startswith("320382") for n in numbers)


def _effective_menus(dataset: Dataset) -> dict[object, set[object]]:
    offers: dict[object, set[object]] = defaultdict(set)
    for row in dataset.rows("menu_offers"):
        offers[row["unit_id"]].add(row["item_id"])
    menus = {}
    for unit in dataset.rows("units"):
        chain = [int(part) for part in str(unit["path"]).strip("/").split("/")]
        menus[unit["id"]] = set().union(*(offers[u] for u in chain))
    return menus


def test_a_day_of_orders(pizhou: Dataset) -> None:
    orders = pizhou.rows("orders")
    assert len(orders) == VOLUNTEERS // 50
    menus = _effective_menus(pizhou)
    items = {row["id"]: row for row in pizhou.rows("service_items")}
    needs: Counter[object] = Counter()
    for row in pizhou.rows("service_item_skills"):
        needs[row["item_id"]] += int(str(row["count"]))
    units = {row["id"]: row for row in pizhou.rows("units")}
    for order in orders:
        start, end = order["window_start"], order["window_end"]
        assert isinstance(start, datetime) and isinstance(end, datetime)
        assert datetime.combine(DAY, time(8)) <= start < end <= datetime.combine(DAY, time(22))
        assert end - start >= timedelta(minutes=items[order["item_id"]]["duration_minutes"])  # type: ignore[arg-type]
        assert order["item_id"] in menus[order["unit_id"]]
        assert order["headcount"] == needs[order["item_id"]]
        assert (order["orderer_unit_id"] is not None) == (order["channel"] == OrderChannel.STATION)
        station = units[order["unit_id"]]
        assert _km(station["lat"], station["lon"], order["lat"], order["lon"]) <= 3.01  # type: ignore[arg-type]


def test_bad_input_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="choose one of kunshan, pizhou"):
        generate_city("nanjing", secret_key=KEY)
    with pytest.raises(ValueError, match="volunteers=150001"):
        generate_city("pizhou", volunteers=150_001, secret_key=KEY)


def _row_keys(rows: list[Row]) -> set[frozenset[str]]:
    return {frozenset(row) for row in rows}


def test_rows_of_a_table_share_one_set_of_columns(pizhou: Dataset, kunshan: Dataset) -> None:
    # A bulk executemany needs the same keys in every row of a table.
    for dataset in (pizhou, kunshan):
        for name, rows in dataset.tables.items():
            assert len(_row_keys(rows)) <= 1, name


def test_kunshan_has_a_mall_at_its_center_and_institutes_and_pizhou_none() -> None:
    kunshan = generate_city("kunshan", volunteers=0, seed=1, secret_key="k")
    items = kunshan.rows("mall_items")
    units = {row["id"]: row for row in kunshan.rows("units")}
    center = kunshan.rows("units")[0]["id"]
    institutes = [u["id"] for u in units.values() if u["level"] == "INSTITUTE"]
    offered_by = {row["unit_id"] for row in items}
    assert offered_by == {center, *institutes}
    for row in items:
        assert row["price"] > 0 and row["stock"] >= 0
        pickup = units[row["pickup_unit_id"]]
        assert str(pickup["path"]).startswith(str(units[row["unit_id"]]["path"]))
    assert generate_city("pizhou", volunteers=0, seed=1, secret_key="k").rows("mall_items") == []


def test_kunshan_has_a_quarter_of_served_hours_and_their_points_and_pizhou_none(kunshan: Dataset,
                                                                                 pizhou: Dataset) -> None:
    records, orders = kunshan.rows("service_records"), {row["id"]: row for row in kunshan.rows("orders")}
    assert len(records) == 2 * VOLUNTEERS and len(kunshan.rows("assignments")) == len(records)
    first, last = quarter(DAY)
    volunteers = {row["id"]: row for row in kunshan.rows("volunteers")}
    for record in records:
        served = record["checked_in_at"].astimezone(LOCAL_TZ).date()  # type: ignore[attr-defined]
        assert first <= served <= last
        order = orders[record["order_id"]]
        assert order["status"] in ("COMPLETED", "RATED") and order["unit_id"] == volunteers[record["volunteer_id"]][
            "unit_id"]
    rated = {row["order_id"] for row in kunshan.rows("ratings")}
    assert {o["id"] for o in orders.values() if o["status"] == "RATED"} == rated
    # every transaction balances; each earns what the default rules give for its record, once
    legs: dict[object, int] = defaultdict(int)
    for entry in kunshan.rows("ledger_entries"):
        legs[entry["transaction_id"]] += int(entry["amount"])  # type: ignore[call-overload]
    assert legs and set(legs.values()) == {0}
    by_record = {r["id"]: r for r in records}
    keys = [t["idempotency_key"] for t in kunshan.rows("ledger_transactions")]
    assert len(keys) == len(set(keys)) == len(records)
    volunteer_accounts = {a["id"] for a in kunshan.rows("ledger_accounts") if a["kind"] == "VOLUNTEER"}
    earned = {e["transaction_id"]: int(e["amount"]) for e in kunshan.rows("ledger_entries")  # type: ignore[call-overload]
              if e["account_id"] in volunteer_accounts}
    codes = {row["id"]: str(row["code"]) for row in kunshan.rows("service_items")}
    for transaction in kunshan.rows("ledger_transactions"):
        record = by_record[transaction["service_record_id"]]
        minutes = int(record["credit_minutes"])  # type: ignore[call-overload]
        due = PointsSettings().for_service(minutes, codes[orders[record["order_id"]]["item_id"]])  # type: ignore[index]
        assert earned[transaction["id"]] == due > 0
    assert pizhou.rows("service_records") == [] and pizhou.rows("ledger_entries") == []
