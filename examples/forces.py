"""Rows of a city's volunteer teams (志愿服务队伍).

Kunshan ("1+3+6"): one corps (总队) at the center, a detachment (支队) per institute, teams (队) at
stations plus the three local teams the bulletin names, and six specialist teams (专业分队) under
the corps. Pizhou: the seven named city teams at the center, each serving one domain, and at every
institute a general town team and a specialist town team (invented, synthetic).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from db.enums import ServiceDomain, TeamKind
from examples.cities import KUNSHAN_SPECIALIST_DOMAINS, City
from examples.network import Network, Place
from examples.rows import Ids, Tables

DOMAIN_LABELS: dict[ServiceDomain, str] = {
    ServiceDomain.THEORY: "理论宣讲",
    ServiceDomain.LITERATURE_ARTS: "文学艺术",
    ServiceDomain.SCIENCE: "科学普及",
    ServiceDomain.EDUCATION: "教育服务",
    ServiceDomain.CHARITY: "社会慈善",
    ServiceDomain.LAW: "法律普及",
    ServiceDomain.SPORTS: "体育健身",
    ServiceDomain.HEALTH: "医疗卫生",
    ServiceDomain.CULTURE: "多彩生活",
    ServiceDomain.AGRICULTURE: "希望田野",
    ServiceDomain.WELFARE: "温情邳州",
    ServiceDomain.CIVILITY: "文明联盟",
}


@dataclass
class TeamInfo:
    """A generated team, kept to place members and providers."""

    id: int
    kind: TeamKind
    domain: ServiceDomain | None
    unit: Place
    institute: Place | None  # the institute whose volunteers may join; None: city-wide


def _team(
    ids: Ids,
    tables: Tables,
    city: City,
    *,
    name: str,
    kind: TeamKind,
    unit: Place,
    institute: Place | None,
    parent: int | None = None,
    domain: ServiceDomain | None = None,
    description: str = "",
    synthetic: bool = True,
) -> TeamInfo:
    team_id = ids.take("teams")
    tables["teams"].append(
        {
            "id": team_id,
            "code": f"{city.code}-T{len(tables['teams']) + 1:04d}",
            "name": name,
            "kind": kind,
            "parent_id": parent,
            "unit_id": unit.id,
            "domain": domain,
            "description": description,
            "synthetic": synthetic,
        }
    )
    return TeamInfo(team_id, kind, domain, unit, institute)


def build_teams(city: City, rng: random.Random, ids: Ids, tables: Tables, network: Network) -> list[TeamInfo]:
    """Add the city's teams to `tables` and return them."""
    return (
        _kunshan(city, rng, ids, tables, network) if city.corps else _pizhou(city, rng, ids, tables, network)
    )


def _pizhou(city: City, rng: random.Random, ids: Ids, tables: Tables, network: Network) -> list[TeamInfo]:
    teams = [
        _team(
            ids,
            tables,
            city,
            name=named.description,
            kind=TeamKind.SPECIALIST,
            unit=network.center,
            institute=None,
            domain=named.domain,
            description=f"市级中心七支志愿服务队伍之一：{named.name}",
            synthetic=False,
        )
        for named in city.city_teams
    ]
    domains = [named.domain for named in city.city_teams if named.domain is not None]
    for index, institute in enumerate(network.institutes):
        town = institute.town.name if institute.town else institute.name
        teams.append(
            _team(
                ids,
                tables,
                city,
                name=f"{town}新时代文明实践志愿服务队",
                kind=TeamKind.TEAM,
                unit=institute,
                institute=institute,
                description="镇（街道）综合志愿服务队",
            )
        )
        domain = domains[index % len(domains)]
        teams.append(
            _team(
                ids,
                tables,
                city,
                name=f"{town}{DOMAIN_LABELS[domain]}志愿服务分队",
                kind=TeamKind.SPECIALIST,
                unit=institute,
                institute=institute,
                domain=domain,
                description="镇（街道）专业志愿服务分队",
            )
        )
    return teams


def _kunshan(city: City, rng: random.Random, ids: Ids, tables: Tables, network: Network) -> list[TeamInfo]:
    corps = _team(
        ids,
        tables,
        city,
        name=f"{city.name}新时代志愿服务总队",
        kind=TeamKind.CORPS,
        unit=network.center,
        institute=None,
        description="“1+3+6”志愿服务体系的总队",
        synthetic=False,
    )
    teams = [corps]
    for domain in KUNSHAN_SPECIALIST_DOMAINS:
        teams.append(
            _team(
                ids,
                tables,
                city,
                name=f"{DOMAIN_LABELS[domain]}专业志愿服务分队",
                kind=TeamKind.SPECIALIST,
                unit=network.center,
                institute=None,
                parent=corps.id,
                domain=domain,
                description="六支专业志愿服务分队之一",
            )
        )
    named_by_town = {named.town: named for named in city.local_teams}
    for institute in network.institutes:
        town = institute.town.name if institute.town else institute.name
        detachment = _team(
            ids,
            tables,
            city,
            name=f"{town}新时代志愿服务支队",
            kind=TeamKind.DETACHMENT,
            unit=institute,
            institute=institute,
            parent=corps.id,
        )
        teams.append(detachment)
        named = named_by_town.get(town)
        if named is not None:
            teams.append(
                _team(
                    ids,
                    tables,
                    city,
                    name=named.name,
                    kind=TeamKind.TEAM,
                    unit=institute,
                    institute=institute,
                    parent=detachment.id,
                    domain=named.domain,
                    description=named.description,
                    synthetic=False,
                )
            )
        for station in rng.sample(institute.children, k=min(2, len(institute.children))):
            village = station.name.removeprefix(town).removesuffix("新时代文明实践站")
            teams.append(
                _team(
                    ids,
                    tables,
                    city,
                    name=f"{village}志愿服务队",
                    kind=TeamKind.TEAM,
                    unit=station,
                    institute=institute,
                    parent=detachment.id,
                )
            )
    return teams
