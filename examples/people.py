"""Rows of synthetic volunteers and everything attached to them.

Each volunteer registers at a station and lives near it; carries a valid, invented 18-character
resident ID number of the city's region (stored only as fingerprint and tail, like real
registrations), a mobile number, one to three skills with levels (professional skills carry a
certification expiry, some already lapsed), expert-pool domains for the highly skilled, a weekly
availability pattern (evenings after work, weekends, retirees' mornings and afternoons, staff
on volunteer duty during office hours on a few weekdays (在职党员), or scattered windows),
sometimes a dated exception, insurance (mostly valid), and team memberships: the town team, the
specialist teams of their skills' domains (or, for a domain without a team of its own, of the
domain whose team provides its services, examples.catalogue.FALLBACK_DOMAIN: a lawyer joins Pizhou's
文明联盟), and for holders of general skills (helper, driver), who assist every kind of service,
the town's specialist team or a city-wide one. The first member of a team leads it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from db.enums import MemberRole, ServiceDomain, TeamKind, VolunteerStatus
from db.identity import check_char, id_number_fingerprint
from examples.catalogue import FALLBACK_DOMAIN, SKILLS
from examples.cities import City
from examples.forces import TeamInfo
from examples.menu import Catalogue
from examples.names import mobile_phone, person_name
from examples.network import Network
from examples.rows import Ids, Tables, scatter

# Cumulative weights, computed once: random.choices would otherwise redo it on every call.
LEVELS = (1, 2, 3, 4, 5)
LEVEL_CUM = tuple(accumulate((15, 30, 30, 17, 8)))
SKILL_CUM = tuple(accumulate(skill.weight for skill in SKILLS))
SKILL_COUNTS, SKILL_COUNT_CUM = (1, 2, 3), tuple(accumulate((50, 35, 15)))
STATUSES = (VolunteerStatus.ACTIVE, VolunteerStatus.SUSPENDED, VolunteerStatus.LEFT)
STATUS_CUM = tuple(accumulate((95, 3, 2)))
PATTERNS = ("evenings", "weekends", "retired", "on_duty", "scattered")
PATTERN_CUM = tuple(accumulate((27, 25, 30, 6, 12)))
MEMBERS_PER_EXTRA_LEADER = 500
DOMAIN_TEAM_SHARE, CITY_TEAM_SHARE = 0.6, 0.3  # how often a skill's team is joined: in town, city-wide
GENERAL_LOCAL_SHARE, GENERAL_CITY_SHARE = 0.5, 0.3  # the same for holders of a general skill


@dataclass(frozen=True)
class IdNumberFactory:
    """Valid, unique synthetic resident ID numbers of one region, never repeated within a dataset."""

    region_code: str
    day: date

    def make(self, rng: random.Random, taken: set[str]) -> str:
        while True:
            age_days = rng.randrange(18 * 365, 75 * 365)
            born = self.day - timedelta(days=age_days)
            body = f"{self.region_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
            number = body + check_char(body)
            if number not in taken:
                taken.add(number)
                return number


def _windows(rng: random.Random) -> list[tuple[int, int, int]]:
    """(weekday, start_minute, end_minute) of a weekly availability pattern."""
    pattern = rng.choices(PATTERNS, cum_weights=PATTERN_CUM)[0]
    if pattern == "evenings":
        days = sorted(rng.sample(range(5), rng.randint(2, 5)))
        return [(d, 18 * 60 + 30, 21 * 60) for d in days]
    if pattern == "weekends":
        slots = [(8 * 60 + 30, 12 * 60), (14 * 60, 17 * 60 + 30)]
        chosen = rng.sample(slots, rng.randint(1, 2))
        return [(d, s, e) for d in (5, 6) for s, e in sorted(chosen)]
    if pattern == "retired":
        days = sorted(rng.sample(range(6), rng.randint(3, 6)))
        morning = rng.choice((7 * 60 + 30, 8 * 60, 8 * 60 + 30))
        return [(d, s, e) for d in days for s, e in ((morning, 11 * 60 + 30), (14 * 60, 17 * 60 + 30))]
    if pattern == "on_duty":
        days = sorted(rng.sample(range(5), rng.randint(1, 3)))
        return [(d, 8 * 60 + 30, 17 * 60 + 30) for d in days]
    result = set()
    for _ in range(rng.randint(2, 4)):
        start = rng.randrange(14, 37) * 30  # 07:00 .. 18:00
        result.add((rng.randrange(7), start, min(start + rng.choice((120, 180, 240)), 22 * 60)))
    return sorted(result)


def build_volunteers(
    city: City,
    rng: random.Random,
    ids: Ids,
    tables: Tables,
    network: Network,
    teams: list[TeamInfo],
    catalogue: Catalogue,
    count: int,
    day: date,
    secret_key: str,
) -> None:
    """Add `count` volunteers with skills, domains, availability and memberships to `tables`."""
    stations = network.stations or network.institutes
    station_weights = [rng.uniform(0.5, 1.5) for _ in stations]
    homes = rng.choices(stations, weights=station_weights, k=count)
    institute_of = {s.id: inst for inst in network.institutes for s in inst.children}
    local_teams: dict[int, list[TeamInfo]] = defaultdict(list)
    city_specialists: dict[ServiceDomain, list[TeamInfo]] = defaultdict(list)
    for team in teams:
        if team.institute is not None:
            local_teams[team.institute.id].append(team)
        elif team.kind == TeamKind.SPECIALIST and team.domain is not None:
            city_specialists[team.domain].append(team)
    skill_ids = [catalogue.skill_ids[skill.code] for skill in SKILLS]
    id_numbers = IdNumberFactory(city.region_code, day)
    taken: set[str] = set()
    members: dict[int, int] = defaultdict(int)
    base_created = datetime.combine(day, time(9, 0), tzinfo=UTC)
    first_number = ids.peek("volunteers")
    for n, station in enumerate(homes):
        vid = ids.take("volunteers")
        number = id_numbers.make(rng, taken)
        lat, lon = scatter(rng, station.lat, station.lon, 1.2, 5.0)
        insurance_roll = rng.random()
        insurance = (
            day + timedelta(days=rng.randint(30, 365))
            if insurance_roll < 0.8
            else day - timedelta(days=rng.randint(1, 200))
            if insurance_roll < 0.92
            else None
        )
        limited = rng.random() < 0.4
        tables["volunteers"].append(
            {
                "id": vid,
                "volunteer_number": f"{city.code}{first_number + n:08d}",
                "name": person_name(rng),
                "phone": mobile_phone(rng),
                "id_number_fingerprint": id_number_fingerprint(number, secret_key),
                "id_number_tail": number[-4:],
                "home_lat": lat,
                "home_lon": lon,
                "unit_id": station.id,
                "insurance_valid_until": insurance,
                "status": rng.choices(STATUSES, cum_weights=STATUS_CUM)[0],
                "max_travel_km": rng.choice((3.0, 5.0, 8.0, 10.0, 15.0, 20.0, 30.0))
                if rng.random() < 0.5
                else None,
                "max_tasks_per_day": rng.randint(1, 3) if limited else None,
                "max_minutes_per_day": rng.choice((120, 180, 240, 300, 360, 480)) if limited else None,
                "synthetic": True,
                "created_at": base_created - timedelta(days=rng.randint(1, 2000)),
                "version": 1,
            }
        )
        domains, general = _skills(rng, ids, tables, vid, skill_ids, day)
        for weekday, start, end in _windows(rng):
            tables["availability_windows"].append(
                {
                    "id": ids.take("availability_windows"),
                    "volunteer_id": vid,
                    "weekday": weekday,
                    "start_minute": start,
                    "end_minute": end,
                }
            )
        if rng.random() < 0.08:
            _exception(rng, ids, tables, vid, day)
        institute = institute_of.get(station.id, station)
        _memberships(
            rng, ids, tables, vid, domains, general, local_teams[institute.id], city_specialists, members
        )


def _skills(
    rng: random.Random, ids: Ids, tables: Tables, vid: int, skill_ids: list[int], day: date
) -> tuple[set[ServiceDomain], bool]:
    """Add the volunteer's skills; return their domains and whether they hold a general skill."""
    k = rng.choices(SKILL_COUNTS, cum_weights=SKILL_COUNT_CUM)[0]
    chosen = set(rng.choices(range(len(SKILLS)), cum_weights=SKILL_CUM, k=k))
    domains: set[ServiceDomain] = set()
    experts: set[ServiceDomain] = set()
    for index in sorted(chosen):
        spec = SKILLS[index]
        level = rng.choices(LEVELS, cum_weights=LEVEL_CUM)[0]
        if spec.certified:
            level = max(level, 2)
        tables["volunteer_skills"].append(
            {
                "id": ids.take("volunteer_skills"),
                "volunteer_id": vid,
                "skill_id": skill_ids[index],
                "level": level,
                "certified_until": day + timedelta(days=rng.randint(-120, 1100)) if spec.certified else None,
            }
        )
        if spec.domain is not None:
            domains.add(spec.domain)
            if level >= 4 and rng.random() < 0.7:
                experts.add(spec.domain)
    for domain in sorted(experts):
        tables["volunteer_domains"].append(
            {"id": ids.take("volunteer_domains"), "volunteer_id": vid, "domain": domain}
        )
    return domains, any(SKILLS[index].domain is None for index in chosen)


def _exception(rng: random.Random, ids: Ids, tables: Tables, vid: int, day: date) -> None:
    start_day = day + timedelta(days=rng.randint(-3, 14))
    if rng.random() < 0.6:  # away for one to three days
        start = datetime.combine(start_day, time(0, 0))
        end, available, note = (
            start + timedelta(days=rng.randint(1, 3)),
            False,
            rng.choice(("出差", "探亲", "住院")),
        )
    else:  # an extra window on one date
        start = datetime.combine(start_day, time(rng.randint(8, 16), 0))
        end, available, note = start + timedelta(hours=rng.randint(2, 4)), True, "临时可服务"
    tables["availability_exceptions"].append(
        {
            "id": ids.take("availability_exceptions"),
            "volunteer_id": vid,
            "start": start,
            "end": end,
            "available": available,
            "note": note,
        }
    )


def _memberships(
    rng: random.Random,
    ids: Ids,
    tables: Tables,
    vid: int,
    domains: set[ServiceDomain],
    general_skill: bool,
    local: list[TeamInfo],
    city_wide: dict[ServiceDomain, list[TeamInfo]],
    members: dict[int, int],
) -> None:
    joined: list[int] = []
    general = [t for t in local if t.domain is None]
    if general and rng.random() < 0.5:
        joined.append(rng.choice(general).id)
    for domain in sorted(domains):
        served = {domain} if domain in city_wide else {domain, FALLBACK_DOMAIN.get(domain, domain)}
        joined += [t.id for t in local if t.domain in served and rng.random() < DOMAIN_TEAM_SHARE]
        joined += [
            t.id for d in sorted(served) for t in city_wide.get(d, ()) if rng.random() < CITY_TEAM_SHARE
        ]
    if general_skill:
        specialist = [t for t in local if t.domain is not None]
        if specialist and rng.random() < GENERAL_LOCAL_SHARE:
            joined.append(rng.choice(specialist).id)
        city_teams = [t for d in sorted(city_wide) for t in city_wide[d]]
        if city_teams and rng.random() < GENERAL_CITY_SHARE:
            joined.append(rng.choice(city_teams).id)
    for team_id in dict.fromkeys(joined):
        seen = members[team_id]
        members[team_id] = seen + 1
        role = MemberRole.LEADER if seen % MEMBERS_PER_EXTRA_LEADER == 0 else MemberRole.MEMBER
        tables["team_memberships"].append(
            {"id": ids.take("team_memberships"), "volunteer_id": vid, "team_id": team_id, "role": role}
        )
