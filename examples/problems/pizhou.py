"""Synthetic Pizhou (邳州) geography, teams and service menu for generated matching problems.

SYNTHETIC DATA. The 25 institute-level units (所: towns, street offices and the development zone)
carry approximate coordinates placed around Pizhou (about 34.33 N 117.96 E, 2,088 km2) so that
generated days have a realistic spread; they are not surveyed positions, and the population
weights are invented. No real person, phone number or address appears anywhere.

The seven city teams are the named specialist teams of the Pizhou center (DOMAIN.md section 2);
each unit also has a town team. The service menu (志愿服务"菜单") lists what residents order and
which skills, headcount, duration and provider teams each item needs.
"""

from __future__ import annotations

from dataclasses import dataclass

#: (id suffix, Chinese name, lat, lon, relative population weight). Approximate, synthetic.
TOWNS: tuple[tuple[str, str, float, float, float], ...] = (
    ("yunhe", "运河街道", 34.335, 117.958, 6.0),
    ("donghu", "东湖街道", 34.312, 117.995, 4.0),
    ("daiwei", "戴圩街道", 34.280, 117.925, 3.0),
    ("paoche", "炮车街道", 34.372, 118.003, 3.0),
    ("devzone", "邳州经济开发区", 34.300, 118.035, 2.0),
    ("yitang", "议堂镇", 34.245, 117.870, 1.5),
    ("bayiji", "八义集镇", 34.190, 117.830, 1.5),
    ("tushan", "土山镇", 34.165, 118.030, 2.0),
    ("nianzhuang", "碾庄镇", 34.150, 118.140, 2.0),
    ("gangshang", "港上镇", 34.600, 118.150, 1.5),
    ("zouzhuang", "邹庄镇", 34.520, 118.100, 1.5),
    ("zhancheng", "占城镇", 34.250, 118.080, 1.5),
    ("xinhe", "新河镇", 34.430, 118.130, 1.5),
    ("balu", "八路镇", 34.470, 117.950, 1.5),
    ("tiefu", "铁富镇", 34.580, 118.050, 1.5),
    ("chahe", "岔河镇", 34.400, 117.850, 1.5),
    ("chenlou", "陈楼镇", 34.345, 117.740, 1.0),
    ("picheng", "邳城镇", 34.300, 117.780, 1.0),
    ("guanhu", "官湖镇", 34.480, 117.870, 2.0),
    ("sihu", "四户镇", 34.530, 117.810, 1.0),
    ("suyangshan", "宿羊山镇", 34.410, 118.060, 1.0),
    ("chefushan", "车辐山镇", 34.450, 117.720, 1.0),
    ("yanzibu", "燕子埠镇", 34.560, 117.730, 1.0),
    ("zhaodun", "赵墩镇", 34.240, 118.190, 1.5),
    ("daizhuang", "戴庄镇", 34.570, 117.950, 1.0),
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
