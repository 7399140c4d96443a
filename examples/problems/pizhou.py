"""Synthetic Pizhou (邳州) for generated matching problems: towns, city teams and service menu.

Everything here is derived from the database example, so a generated day and a loaded city share
one geography and one catalogue: the 25 institute-level units (所: towns and street offices) with
their approximate coordinates (examples/cities.py, around 34.33 N 117.96 E, 2,088 km2), and the
skills and service items of examples/catalogue.py. Only the problem ids and the towns' population
weights are added here (the weights are invented); no real person, phone number or address
appears anywhere. SYNTHETIC DATA.

Ids: a town by an ASCII suffix (`yunhe`), its town team `T-town-yunhe`; the seven city teams of
the Pizhou center (DOMAIN.md section 2) by the domain they serve, in lower case as scenario KPIs
name domains (`T-health` for 健康邳州, `T-civility` for 文明联盟). A service item is provided by
the city team of its domain, or of the domain that serves it (catalogue.FALLBACK_DOMAIN: legal
advice by 文明联盟), as in the database example.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import ServiceDomain
from examples.catalogue import FALLBACK_DOMAIN, ITEMS, SKILLS
from examples.cities import PIZHOU

#: Per town (by its name in examples/cities.py): an ASCII id suffix and a relative population
#: weight (invented).
_TOWN_KEYS: dict[str, tuple[str, float]] = {
    "运河街道": ("yunhe", 6.0),
    "东湖街道": ("donghu", 4.0),
    "戴圩街道": ("daiwei", 3.0),
    "炮车街道": ("paoche", 3.0),
    "议堂镇": ("yitang", 1.5),
    "八义集镇": ("bayiji", 1.5),
    "土山镇": ("tushan", 2.0),
    "碾庄镇": ("nianzhuang", 2.0),
    "港上镇": ("gangshang", 1.5),
    "邹庄镇": ("zouzhuang", 1.5),
    "占城镇": ("zhancheng", 1.5),
    "新河镇": ("xinhe", 1.5),
    "八路镇": ("balu", 1.5),
    "铁富镇": ("tiefu", 1.5),
    "岔河镇": ("chahe", 1.5),
    "陈楼镇": ("chenlou", 1.0),
    "邳城镇": ("picheng", 1.0),
    "官湖镇": ("guanhu", 2.0),
    "四户镇": ("sihu", 1.0),
    "宿羊山镇": ("suyangshan", 1.0),
    "车辐山镇": ("chefushan", 1.0),
    "燕子埠镇": ("yanzibu", 1.0),
    "赵墩镇": ("zhaodun", 1.5),
    "戴庄镇": ("daizhuang", 1.0),
    "邢楼镇": ("xinglou", 1.0),
}

#: (id suffix, Chinese name, lat, lon, weight) of the 25 Pizhou institutes.
TOWNS: tuple[tuple[str, str, float, float, float], ...] = tuple(
    (_TOWN_KEYS[t.name][0], t.name, t.lat, t.lon, _TOWN_KEYS[t.name][1]) for t in PIZHOU.towns
)


def domain_key(domain: ServiceDomain) -> str:
    """A domain as scenarios name it: `health` for HEALTH (as a database base does)."""
    return domain.value.lower()


#: The domains the seven city teams serve, in the order of examples/cities.py.
_TEAM_DOMAINS: tuple[ServiceDomain, ...] = tuple(t.domain for t in PIZHOU.city_teams if t.domain is not None)

#: The seven city specialist teams of the Pizhou center: id -> Chinese name.
CITY_TEAMS: dict[str, str] = {
    f"T-{domain_key(t.domain)}": t.name for t in PIZHOU.city_teams if t.domain is not None
}


def city_team(domain: ServiceDomain) -> str:
    """Id of the city team providing the services of `domain` (its own, else its fallback's)."""
    served = domain if domain in _TEAM_DOMAINS else FALLBACK_DOMAIN[domain]
    return f"T-{domain_key(served)}"


def town_team(suffix: str) -> str:
    """Id of the town team of the unit with this suffix (e.g. `T-town-yunhe`)."""
    return f"T-town-{suffix}"


#: Every skill of the catalogue: its share among volunteers' primary skills and the city team a
#: holder usually joins (None for a general skill, helper or driver, which assists every service).
SKILL_SHARES: dict[str, tuple[float, str | None]] = {
    s.code: (s.weight / sum(k.weight for k in SKILLS), None if s.domain is None else city_team(s.domain))
    for s in SKILLS
}

#: Skills whose holders carry a certification that can expire.
CERTIFIED = frozenset(s.code for s in SKILLS if s.certified)

#: skill -> the domain (lower case) of the services it serves; general skills have none.
SKILL_DOMAINS: dict[str, str] = {s.code: domain_key(s.domain) for s in SKILLS if s.domain is not None}


@dataclass(frozen=True)
class MenuItem:
    """One item of the service menu, as the generator orders it (from catalogue.ITEMS)."""

    key: str
    name: str
    demand: float  # relative frequency among orders
    slots: tuple[tuple[str, int, int], ...]  # (skill, count, min_level)
    duration: int  # minutes
    teams: tuple[str, ...]  # provider city teams
    insurance: bool
    partial: float  # probability that an order accepts partial staffing
    months: tuple[int, ...]  # the months it is ordered in; empty: all year


MENU: tuple[MenuItem, ...] = tuple(
    MenuItem(item.code, item.name, item.demand, item.needs, item.duration_minutes, (city_team(item.domain),),
             item.insurance, item.partial_share, item.months)
    for item in ITEMS
)
