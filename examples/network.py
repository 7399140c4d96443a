"""Rows of a city's practice network: center, institutes, stations, departments, bases and points.

Real names (the city, its towns and street offices, Pizhou's departments) are `synthetic=False`;
stations, bases and points are invented and `synthetic=True`. Stations are scattered around their
town inside a disc of the average town's area, so distances look like the real city's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from db.enums import BaseCategory, PointCategory, UnitLevel
from db.tree import child_path
from examples.cities import City, Town
from examples.names import mobile_phone, person_name, place_names
from examples.rows import Ids, Row, Tables, scatter, town_radius_km

PROVINCE_PREFIX = {"pizhou": "江苏省徐州市", "kunshan": "江苏省苏州市"}
CENTER_FEATURES = {
    "pizhou": "“养成新习惯、塑造新民风、共建共享新邳州”精神文明建设“三新”品牌",
    "kunshan": "“市民大讲堂”“市民修身立德”“同城伙伴”等七个品牌项目",
}
BASE_TEMPLATES: dict[BaseCategory, tuple[str, ...]] = {
    BaseCategory.RED_HERITAGE: ("{t}红色记忆馆", "{t}革命传统教育基地", "{t}党史学习教育馆"),
    BaseCategory.SPIRIT_OF_ERA: ("{t}时代楷模展示馆", "{t}劳模工匠馆", "{t}新时代发展成就馆"),
    BaseCategory.FAMOUS_SAGES: ("{t}先贤文化馆", "{t}乡贤馆", "{t}名人故居"),
    BaseCategory.TALENT_INNOVATION: ("{t}人才科创中心", "{t}创客空间", "{t}科技孵化基地"),
    BaseCategory.GREEN_ECOLOGY: ("{t}湿地生态园", "{t}生态公园", "{t}水环境教育基地"),
    BaseCategory.BEAUTIFUL_COUNTRYSIDE: ("{t}美丽乡村示范点", "{t}特色田园乡村", "{t}农耕文化园"),
    BaseCategory.LIFE_HEALTH: ("{t}生命健康体验馆", "{t}应急救护培训基地", "{t}心理健康服务站"),
    BaseCategory.CULTURAL_HERITAGE: ("{t}非遗传习所", "{t}昆曲传习基地", "{t}民俗文化馆"),
    BaseCategory.RULE_OF_LAW: ("{t}法治文化公园", "{t}青少年法治教育基地", "{t}廉政文化馆"),
    BaseCategory.SCIENCE_EDUCATION: ("{t}科普馆", "{t}青少年科技活动中心", "{t}气象科普园"),
}
POINT_TEMPLATES: dict[PointCategory, str] = {
    PointCategory.NATURAL_VILLAGE: "{v}自然村实践点",
    PointCategory.RESIDENTIAL_COMPOUND: "{v}居民小区实践点",
    PointCategory.ENTERPRISE: "{t}企业实践点",
    PointCategory.WORKER_DORMITORY: "{t}职工集宿区实践点",
    PointCategory.VOLUNTEER_STATION: "{t}志愿服务站",
    PointCategory.INTEGRITY_STREET: "{t}诚信示范街区",
    PointCategory.SELF_SERVICE_LIBRARY: "{t}24小时自助图书馆",
    PointCategory.CONSTRUCTION_SITE: "{t}建筑工地实践点",
}


@dataclass
class Place:
    """A generated unit, kept for the later stages (teams, volunteers, orders)."""

    id: int
    path: str
    name: str
    lat: float
    lon: float
    town: Town | None
    children: list[Place] = field(default_factory=list)


@dataclass
class Network:
    center: Place
    institutes: list[Place]
    stations: list[Place]


def _unit(
    ids: Ids,
    city: City,
    level: UnitLevel,
    name: str,
    lat: float,
    lon: float,
    parent: Place | None,
    *,
    code: str,
    address: str,
    synthetic: bool,
    feature: str,
    haves: tuple[bool, ...],
    contact: tuple[str, str],
    created_at: datetime,
) -> tuple[Row, Place]:
    unit_id = ids.take("units")
    path = child_path(parent.path if parent else None, unit_id)
    row: Row = {
        "id": unit_id,
        "code": code,
        "name": name,
        "level": level,
        "parent_id": parent.id if parent else None,
        "path": path,
        "depth": path.count("/") - 2,
        "lat": lat,
        "lon": lon,
        "address": address,
        "contact_name": contact[0],
        "contact_phone": contact[1],
        "has_site": haves[0],
        "has_staff": haves[1],
        "has_rules": haves[2],
        "has_platform": haves[3],
        "has_feature": haves[4],
        "feature_note": feature,
        "synthetic": synthetic,
        "created_at": created_at,
    }
    return row, Place(unit_id, path, name, lat, lon, None)


def build_network(city: City, rng: random.Random, ids: Ids, tables: Tables, created_at: datetime) -> Network:
    """Add the city's units, departments, bases and points to `tables`; return the tree."""
    prefix = PROVINCE_PREFIX[city.key] + city.name
    all_haves = (True,) * 5
    row, center = _unit(
        ids,
        city,
        UnitLevel.CENTER,
        f"{city.name}新时代文明实践中心",
        city.lat,
        city.lon,
        None,
        code=f"{city.code}-C",
        address=prefix,
        synthetic=False,
        feature=CENTER_FEATURES[city.key],
        haves=all_haves,
        contact=("", ""),
        created_at=created_at,
    )
    tables["units"].append(row)
    for name, description in city.departments:
        tables["departments"].append(
            {"id": ids.take("departments"), "unit_id": center.id, "name": name, "description": description}
        )
    institutes: list[Place] = []
    for number, town in enumerate(city.towns, start=1):
        row, place = _unit(
            ids,
            city,
            UnitLevel.INSTITUTE,
            f"{town.name}新时代文明实践所",
            town.lat,
            town.lon,
            center,
            code=f"{city.code}-I{number:02d}",
            address=prefix + town.name,
            synthetic=False,
            feature="",
            haves=all_haves,
            contact=("", ""),
            created_at=created_at,
        )
        place.town = town
        tables["units"].append(row)
        institutes.append(place)
    center.children = institutes
    stations = _build_stations(city, rng, ids, tables, institutes, prefix, created_at)
    _build_bases(city, rng, ids, tables, center, institutes, prefix)
    _build_points(city, rng, ids, tables, institutes, prefix)
    return Network(center, institutes, stations)


def _build_stations(
    city: City,
    rng: random.Random,
    ids: Ids,
    tables: Tables,
    institutes: list[Place],
    prefix: str,
    created_at: datetime,
) -> list[Place]:
    radius = town_radius_km(city.area_km2, len(city.towns))
    per_town, extra = divmod(city.stations, len(institutes))
    stations: list[Place] = []
    for index, institute in enumerate(institutes):
        town = institute.town
        assert town is not None
        count = per_town + (1 if index < extra else 0)
        for place_name in place_names(rng, count, town.urban):
            lat, lon = scatter(rng, town.lat, town.lon, radius / 2, radius)
            haves = tuple(rng.random() < p for p in (0.98, 0.95, 0.9, 0.85, 0.6))
            feature = (
                rng.choice(
                    (
                        "百佳特色活动：板凳课堂",
                        "百佳特色活动：孝老爱亲饭桌",
                        "百佳特色活动：农家书屋",
                        "百佳特色活动：文明家庭评选",
                        "",
                    )
                )
                if haves[4]
                else ""
            )
            row, place = _unit(
                ids,
                city,
                UnitLevel.STATION,
                f"{town.name}{place_name}新时代文明实践站",
                lat,
                lon,
                institute,
                code=f"{city.code}-S{len(stations) + 1:04d}",
                address=prefix + town.name + place_name,
                synthetic=True,
                feature=feature,
                haves=haves,
                contact=(person_name(rng), mobile_phone(rng)),
                created_at=created_at,
            )
            place.town = town
            tables["units"].append(row)
            institute.children.append(place)
            stations.append(place)
    return stations


def _build_bases(
    city: City,
    rng: random.Random,
    ids: Ids,
    tables: Tables,
    center: Place,
    institutes: list[Place],
    prefix: str,
) -> None:
    categories = list(BaseCategory)
    # Spread the bases over all ten categories, as evenly as the total allows.
    per_category, extra = divmod(city.bases, len(categories))
    number = 0
    for index, category in enumerate(categories):
        for k in range(per_category + (1 if index < extra else 0)):
            number += 1
            owner = institutes[(number * 7) % len(institutes)]
            town = owner.town
            assert town is not None
            template = BASE_TEMPLATES[category][k % len(BASE_TEMPLATES[category])]
            lat, lon = scatter(rng, owner.lat, owner.lon, 1.5, 4.0)
            tables["practice_bases"].append(
                {
                    "id": ids.take("practice_bases"),
                    "unit_id": owner.id,
                    "code": f"{city.code}-B{number:02d}",
                    "name": template.format(t=town.name),
                    "category": category,
                    "lat": lat,
                    "lon": lon,
                    "address": prefix + town.name,
                    "synthetic": True,
                }
            )


def _build_points(
    city: City, rng: random.Random, ids: Ids, tables: Tables, institutes: list[Place], prefix: str
) -> None:
    categories = list(PointCategory)
    number = 0
    for institute in institutes:
        town = institute.town
        assert town is not None
        for _ in range(city.points_per_institute):
            category = categories[number % len(categories)]
            number += 1
            village = institute.children[number % len(institute.children)].name if institute.children else ""
            village = village.removeprefix(town.name).removesuffix("新时代文明实践站")
            lat, lon = scatter(rng, institute.lat, institute.lon, 1.5, 4.0)
            tables["practice_points"].append(
                {
                    "id": ids.take("practice_points"),
                    "unit_id": institute.id,
                    "code": f"{city.code}-P{number:03d}",
                    "name": town.name + POINT_TEMPLATES[category].format(t="", v=village),
                    "category": category,
                    "lat": lat,
                    "lon": lon,
                    "address": prefix + town.name,
                    "synthetic": True,
                }
            )
