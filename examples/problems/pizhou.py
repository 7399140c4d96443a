"""Synthetic Pizhou (邳州) geography, teams and service menu for generated matching problems.

SYNTHETIC DATA. The 25 institute-level units (所: towns and street offices) are those of the
database example, with its approximate coordinates around Pizhou (about 34.33 N 117.96 E,
2,088 km2; examples/cities.py), so a generated day and a loaded city share one geography; they are
not surveyed positions, and the population weights are invented. No real person, phone number or address appears anywhere.

The seven city teams are the named specialist teams of the Pizhou center (DOMAIN.md section 2);
each unit also has a town team. The service menu (志愿服务"菜单") lists what residents order and
which skills, headcount, duration and provider teams each item needs.
"""

from __future__ import annotations

from dataclasses import dataclass

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

#: (id suffix, Chinese name, lat, lon, weight) of the 25 Pizhou institutes: names and positions are
#: those of the database example (examples/cities.py), so both datasets share one geography.
TOWNS: tuple[tuple[str, str, float, float, float], ...] = tuple(
    (_TOWN_KEYS[t.name][0], t.name, t.lat, t.lon, _TOWN_KEYS[t.name][1]) for t in PIZHOU.towns
)

#: The seven city specialist teams of the Pizhou center: id -> Chinese name.
CITY_TEAMS: dict[str, str] = {
    "T-theory": "理论名嘴",
    "T-education": "呵护成长",
    "T-culture": "多彩生活",
    "T-agri": "希望田野",
    "T-health": "健康邳州",
    "T-welfare": "温情邳州",
    "T-alliance": "文明联盟",
}


def town_team(suffix: str) -> str:
    """Id of the town team of the unit with this suffix (e.g. `T-town-yunhe`)."""
    return f"T-town-{suffix}"


#: Primary skill share among volunteers, and the city team a holder usually joins.
SKILLS: dict[str, tuple[float, str]] = {
    "helper": (0.40, "T-alliance"),
    "lecturer": (0.08, "T-theory"),
    "tutor": (0.10, "T-education"),
    "doctor": (0.04, "T-health"),
    "nurse": (0.05, "T-health"),
    "lawyer": (0.02, "T-welfare"),
    "agronomist": (0.05, "T-agri"),
    "performer": (0.08, "T-culture"),
    "coach": (0.04, "T-culture"),
    "barber": (0.05, "T-welfare"),
    "counselor": (0.04, "T-welfare"),
    "science": (0.05, "T-agri"),
}

#: Skills whose holders carry a certification that can expire.
CERTIFIED = frozenset({"doctor", "nurse", "lawyer", "counselor", "coach"})


@dataclass(frozen=True)
class MenuItem:
    """One item of the service menu: what it needs, how long it lasts, who may provide it."""

    key: str
    name: str
    share: float  # share of orders
    slots: tuple[tuple[str, int, int], ...]  # (skill, count, min_level)
    duration: int  # minutes
    teams: tuple[str, ...]  # provider city teams; empty = anyone may serve
    insurance: bool
    partial: float  # probability that an order accepts partial staffing


MENU: tuple[MenuItem, ...] = (
    MenuItem("clinic", "义诊", 0.08, (("doctor", 1, 2), ("helper", 2, 1)), 180, ("T-health",), True, 0.0),
    MenuItem("health_talk", "健康讲座", 0.06, (("nurse", 1, 2),), 90, ("T-health",), False, 0.0),
    MenuItem("lecture", "理论宣讲", 0.14, (("lecturer", 1, 2),), 90, ("T-theory",), False, 0.0),
    MenuItem("tutoring", "课业辅导", 0.12, (("tutor", 2, 1),), 120, ("T-education",), False, 0.4),
    MenuItem("legal_aid", "法律咨询", 0.05, (("lawyer", 1, 2),), 120, ("T-welfare", "T-alliance"), False,
             0.0),
    MenuItem("farm_tech", "农技指导", 0.08, (("agronomist", 1, 2), ("helper", 1, 1)), 150, ("T-agri",), True,
             0.0),
    MenuItem("culture_show", "文艺演出", 0.07, (("performer", 3, 1),), 120, ("T-culture",), True, 0.5),
    MenuItem("fitness", "健身指导", 0.05, (("coach", 1, 2),), 60, ("T-culture",), False, 0.0),
    MenuItem("elder_visit", "关爱老人", 0.12, (("helper", 2, 1),), 90, (), True, 0.6),
    MenuItem("haircut", "义务理发", 0.06, (("barber", 1, 1), ("helper", 1, 1)), 120, ("T-welfare",), False,
             0.3),
    MenuItem("counselling", "心理疏导", 0.04, (("counselor", 1, 3),), 60, ("T-welfare",), False, 0.0),
    MenuItem("science", "科普活动", 0.05, (("science", 1, 1), ("helper", 1, 1)), 90, ("T-agri",), False, 0.3),
    MenuItem("cleanup", "环境整治", 0.08, (("helper", 4, 1),), 120, (), True, 0.8),
)
