"""Rows of the skill catalogue and the service menu: items, their skills, providers and offers.

The catalogue (skills, service items with their required skills) is shared by the cities: when a
database already holds it (the other city was loaded first), the existing ids are reused and no
catalogue rows are produced. Providers and menu offers are per city.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from db.enums import ServiceDomain, TeamKind, UnitLevel
from examples.catalogue import FALLBACK_DOMAIN, ITEMS, SKILLS, ItemSpec, check_catalogue
from examples.forces import TeamInfo
from examples.network import Network
from examples.rows import Ids, Tables


@dataclass(frozen=True)
class Catalogue:
    """Ids of the skills and service items, by code."""

    skill_ids: dict[str, int]
    item_ids: dict[str, int]


def build_catalogue(
    ids: Ids, tables: Tables, existing: Mapping[str, Mapping[str, int]] | None = None
) -> Catalogue:
    """Skills and items with their required skills; reuse `existing` {"skills"|"service_items": {code: id}}."""
    check_catalogue()
    existing = existing or {}
    skill_ids = dict(existing.get("skills", {}))
    for skill in SKILLS:
        if skill.code not in skill_ids:
            skill_ids[skill.code] = ids.take("skills")
            tables["skills"].append(
                {"id": skill_ids[skill.code], "code": skill.code, "name": skill.name, "domain": skill.domain,
                 "requires_certificate": False}
            )
    item_ids = dict(existing.get("service_items", {}))
    for item in ITEMS:
        if item.code in item_ids:
            continue
        item_ids[item.code] = ids.take("service_items")
        tables["service_items"].append(
            {
                "id": item_ids[item.code],
                "code": item.code,
                "name": item.name,
                "domain": item.domain,
                "description": item.description,
                "duration_minutes": item.duration_minutes,
                "synthetic": True,
            }
        )
        for skill_code, count, min_level in item.needs:
            tables["service_item_skills"].append(
                {
                    "id": ids.take("service_item_skills"),
                    "item_id": item_ids[item.code],
                    "skill_id": skill_ids[skill_code],
                    "count": count,
                    "min_level": min_level,
                }
            )
    return Catalogue(skill_ids, item_ids)


def _providers(item: ItemSpec, teams: list[TeamInfo]) -> list[int]:
    specialist = [t for t in teams if t.domain is not None and t.kind != TeamKind.CORPS]
    for domain in (item.domain, FALLBACK_DOMAIN.get(item.domain)):
        found = [t.id for t in specialist if t.domain == domain]
        if found:
            return found
    return [t.id for t in teams if t.kind == TeamKind.CORPS][:1]


def build_menu(
    rng: random.Random,
    ids: Ids,
    tables: Tables,
    catalogue: Catalogue,
    network: Network,
    teams: list[TeamInfo],
) -> dict[int, list[str]]:
    """Providers and menu offers; returns the effective menu (item codes) of every station by id."""
    for item in ITEMS:
        for team_id in _providers(item, teams):
            tables["service_item_providers"].append(
                {
                    "id": ids.take("service_item_providers"),
                    "item_id": catalogue.item_ids[item.code],
                    "team_id": team_id,
                }
            )

    def offer(unit_id: int, item: ItemSpec) -> None:
        tables["menu_offers"].append(
            {"id": ids.take("menu_offers"), "unit_id": unit_id, "item_id": catalogue.item_ids[item.code]}
        )

    center_items = [item for item in ITEMS if item.offered_at == UnitLevel.CENTER]
    for item in center_items:
        offer(network.center.id, item)
    effective: dict[int, list[str]] = {}
    for institute in network.institutes:
        urban = bool(institute.town and institute.town.urban)
        institute_items = [
            item
            for item in ITEMS
            if item.offered_at == UnitLevel.INSTITUTE
            and not (urban and item.domain == ServiceDomain.AGRICULTURE)
        ]
        for item in institute_items:
            offer(institute.id, item)
        for station in institute.children:
            # Every station offers most, not all, of the station-level items: menus differ.
            station_items = [
                item for item in ITEMS if item.offered_at == UnitLevel.STATION and rng.random() < 0.8
            ]
            for item in station_items:
                offer(station.id, item)
            effective[station.id] = [item.code for item in center_items + institute_items + station_items]
    return effective
