"""Static facts about the two cities of the Jiangsu bulletin (苏简 2018 第26期), Kunshan and Pizhou.

What comes from the bulletin (/work/shared/seed, DOMAIN.md): the counts (Kunshan 1 center, 15
institutes, 64 bases in 10 categories, points in 8 categories, 1+3+6 forces; Pizhou 1 center with
3 named departments, 25 institutes, 490 stations, 7 named city teams), the named local teams, and
the town/district/street names, which are the real administrative divisions of each city.
Coordinates are approximate town positions (WGS-84), good to a few kilometres. Everything else
(station names, bases, points, specialist team names, contacts) is invented by the generator and
marked `synthetic=True`.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import ServiceDomain


@dataclass(frozen=True)
class Town:
    """A town, district or street office: the area of one institute (所)."""

    name: str
    lat: float
    lon: float
    urban: bool = False  # a street office or urban district: its stations are communities (社区)


@dataclass(frozen=True)
class NamedTeam:
    """A team the bulletin names, with the domain it serves."""

    name: str
    domain: ServiceDomain | None
    description: str
    town: str | None = None  # None: a city-level team at the center


@dataclass(frozen=True)
class City:
    """One county-level city and what the example dataset builds for it."""

    key: str  # "pizhou" | "kunshan"
    code: str  # prefix of every code in the dataset
    name: str
    region_code: str  # first six digits of resident ID numbers registered here
    lat: float
    lon: float
    area_km2: float
    towns: tuple[Town, ...]
    stations: int  # total stations (站) across the institutes
    departments: tuple[tuple[str, str], ...]
    city_teams: tuple[NamedTeam, ...]
    local_teams: tuple[NamedTeam, ...]
    bases: int  # practice bases (实践基地)
    points_per_institute: int  # practice points (实践点)
    corps: bool  # Kunshan's corps -> detachment -> team structure (1+3+6)


PIZHOU = City(
    key="pizhou",
    code="PZ",
    name="邳州市",
    region_code="320382",
    lat=34.33,
    lon=117.96,
    area_km2=2088.0,
    towns=(
        Town("运河街道", 34.330, 117.960, urban=True),
        Town("东湖街道", 34.318, 118.003, urban=True),
        Town("戴圩街道", 34.283, 117.930, urban=True),
        Town("炮车街道", 34.365, 117.992, urban=True),
        Town("邳城镇", 34.330, 117.830),
        Town("官湖镇", 34.440, 118.030),
        Town("四户镇", 34.500, 118.080),
        Town("宿羊山镇", 34.420, 117.780),
        Town("八义集镇", 34.270, 117.650),
        Town("土山镇", 34.200, 117.750),
        Town("碾庄镇", 34.170, 117.870),
        Town("港上镇", 34.560, 118.130),
        Town("邹庄镇", 34.520, 118.180),
        Town("占城镇", 34.230, 117.970),
        Town("新河镇", 34.140, 118.020),
        Town("八路镇", 34.180, 118.060),
        Town("铁富镇", 34.560, 118.050),
        Town("岔河镇", 34.470, 117.900),
        Town("陈楼镇", 34.350, 117.730),
        Town("邢楼镇", 34.470, 117.750),
        Town("戴庄镇", 34.520, 117.970),
        Town("车辐山镇", 34.380, 117.620),
        Town("燕子埠镇", 34.450, 117.580),
        Town("赵墩镇", 34.280, 117.800),
        Town("议堂镇", 34.220, 117.900),
    ),
    stations=490,
    departments=(
        ("综合科", "综合协调、制度建设与考核（Pizhou center, named in the bulletin）"),
        ("宣传教育公益科", "理论宣讲、宣传教育与公益志愿服务"),
        ("科技文卫科", "科技、文化、卫生志愿服务"),
    ),
    city_teams=(
        NamedTeam("理论名嘴", ServiceDomain.THEORY, "“理论名嘴”理论宣讲志愿服务队"),
        NamedTeam("呵护成长", ServiceDomain.EDUCATION, "“呵护成长”教育志愿服务队"),
        NamedTeam("多彩生活", ServiceDomain.CULTURE, "“多彩生活”文化志愿服务队"),
        NamedTeam("希望田野", ServiceDomain.AGRICULTURE, "“希望田野”科技志愿服务队"),
        NamedTeam("健康邳州", ServiceDomain.HEALTH, "“健康邳州”全民健康志愿服务队"),
        NamedTeam("温情邳州", ServiceDomain.WELFARE, "“温情邳州”社会公益志愿服务队"),
        NamedTeam("文明联盟", ServiceDomain.CIVILITY, "“文明联盟”文明单位志愿服务队"),
    ),
    local_teams=(),
    bases=0,
    points_per_institute=0,
    corps=False,
)

KUNSHAN = City(
    key="kunshan",
    code="KS",
    name="昆山市",
    region_code="320583",
    lat=31.38,
    lon=120.98,
    area_km2=932.0,
    towns=(
        Town("昆山开发区", 31.360, 120.990, urban=True),
        Town("昆山高新区", 31.400, 120.950, urban=True),
        Town("花桥经济开发区", 31.310, 121.100, urban=True),
        Town("旅游度假区", 31.430, 120.860),
        Town("亭林城市管理办事处", 31.383, 120.975, urban=True),
        Town("青阳城市管理办事处", 31.400, 120.975, urban=True),
        Town("城北城市管理办事处", 31.420, 120.960, urban=True),
        Town("巴城镇", 31.450, 120.880),
        Town("周市镇", 31.460, 121.000),
        Town("陆家镇", 31.320, 121.050),
        Town("张浦镇", 31.270, 120.950),
        Town("千灯镇", 31.260, 121.010),
        Town("淀山湖镇", 31.170, 120.980),
        Town("锦溪镇", 31.180, 120.900),
        Town("周庄镇", 31.120, 120.850),
    ),
    stations=60,  # the bulletin gives no count: four synthetic stations per institute
    departments=(),
    city_teams=(),
    local_teams=(
        NamedTeam(
            "“百姓名嘴”宣讲队",
            ServiceDomain.THEORY,
            "34人，由离退休干部、老支部书记、道德模范、意见领袖和大学生村官组成",
            town="昆山高新区",
        ),
        NamedTeam(
            "“YOU爱之家”志愿服务队",
            ServiceDomain.WELFARE,
            "全市首家乡镇志愿者协会和志愿服务中心的志愿服务品牌",
            town="陆家镇",
        ),
        NamedTeam(
            "新乡贤宣讲团",
            ServiceDomain.THEORY,
            "小规模、互动式、接地气的“板凳课堂”",
            town="锦溪镇",
        ),
    ),
    bases=64,
    points_per_institute=2,
    corps=True,
)

# Kunshan's six specialist teams (6支专业志愿服务分队): the bulletin gives the number, not the names.
KUNSHAN_SPECIALIST_DOMAINS = (
    ServiceDomain.THEORY,
    ServiceDomain.LITERATURE_ARTS,
    ServiceDomain.SCIENCE,
    ServiceDomain.LAW,
    ServiceDomain.SPORTS,
    ServiceDomain.HEALTH,
)

CITIES: dict[str, City] = {PIZHOU.key: PIZHOU, KUNSHAN.key: KUNSHAN}


def get_city(key: str) -> City:
    """The city for `key` ("pizhou" or "kunshan"), or ValueError listing the choices."""
    try:
        return CITIES[key.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown city {key!r}: choose one of {', '.join(sorted(CITIES))}") from None
