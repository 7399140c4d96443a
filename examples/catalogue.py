"""The skill catalogue and the service menu (志愿服务"菜单") shared by both example cities.

The one catalogue of the examples: the database example loads it (examples/menu.py, people.py,
orders.py) and the problem generator draws its volunteers and orders from it
(examples/problems/pizhou.py), so a loaded city and a generated day know the same skills and
services. A service item names the skills it needs with a headcount and a minimum level (义诊, a free clinic:
one doctor at level 3 or above and two helpers) and the level of the tree that offers it: items
offered by the center appear on every unit's effective menu, items offered by institutes or
stations only on those units and their descendants. Seasonal items (summer care, spring couplets)
are ordered only in their months. All items are invented examples
(`synthetic=True`) in the spirit of the bulletin's menu-and-order practice. Where a domain has no
team of its own, the team of a neighbouring domain provides its services (`FALLBACK_DOMAIN`).
"""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import ServiceDomain as D
from db.enums import UnitLevel


@dataclass(frozen=True)
class SkillSpec:
    code: str
    name: str
    domain: D | None
    weight: float  # relative frequency among volunteers
    certified: bool  # a professional qualification with an expiry date


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    domain: D
    description: str
    duration_minutes: int
    needs: tuple[tuple[str, int, int], ...]  # (skill code, count, min level)
    offered_at: UnitLevel
    demand: float  # relative frequency among orders
    months: tuple[int, ...] = ()  # the months it is ordered in (a seasonal service); empty: all year
    insurance: bool = False  # volunteers need valid accident insurance (outdoors, physical work, care)
    partial_share: float = 0.0  # share of orders that accept fewer volunteers than asked for


SKILLS: tuple[SkillSpec, ...] = (
    SkillSpec("helper", "志愿助手", None, 40.0, False),
    SkillSpec("driver", "驾驶员", None, 6.0, True),
    SkillSpec("photographer", "摄影师", D.LITERATURE_ARTS, 3.0, False),
    SkillSpec("doctor", "医生", D.HEALTH, 4.0, True),
    SkillSpec("nurse", "护士", D.HEALTH, 5.0, True),
    SkillSpec("counselor", "心理咨询师", D.HEALTH, 2.0, True),
    SkillSpec("lecturer", "宣讲员", D.THEORY, 6.0, False),
    SkillSpec("tutor", "辅导老师", D.EDUCATION, 8.0, True),
    SkillSpec("lawyer", "律师", D.LAW, 2.0, True),
    SkillSpec("mediator", "人民调解员", D.LAW, 3.0, True),
    SkillSpec("agronomist", "农技员", D.AGRICULTURE, 4.0, True),
    SkillSpec("veterinarian", "兽医", D.AGRICULTURE, 1.5, True),
    SkillSpec("performer", "文艺演员", D.CULTURE, 6.0, False),
    SkillSpec("musician", "乐手", D.LITERATURE_ARTS, 3.0, False),
    SkillSpec("calligrapher", "书法家", D.LITERATURE_ARTS, 2.0, False),
    SkillSpec("coach", "健身教练", D.SPORTS, 3.0, True),
    SkillSpec("science_communicator", "科普员", D.SCIENCE, 3.0, False),
    SkillSpec("social_worker", "社会工作者", D.WELFARE, 3.0, True),
    SkillSpec("caregiver", "助老护理员", D.WELFARE, 5.0, True),
    SkillSpec("hairdresser", "理发师", D.WELFARE, 2.0, False),
    SkillSpec("sign_language", "手语翻译", D.WELFARE, 0.5, True),
    SkillSpec("charity_organiser", "公益活动组织员", D.CHARITY, 2.0, False),
    SkillSpec("civility_guide", "文明劝导员", D.CIVILITY, 6.0, False),
)

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        "free_clinic",
        "义诊",
        D.HEALTH,
        "常见病问诊、测血压血糖、用药咨询",
        180,
        (("doctor", 1, 3), ("helper", 2, 1)),
        UnitLevel.CENTER,
        6.0,
        insurance=True,
    ),
    ItemSpec(
        "health_lecture",
        "健康知识讲座",
        D.HEALTH,
        "慢病防治与健康生活方式讲座",
        90,
        (("doctor", 1, 2),),
        UnitLevel.CENTER,
        3.0,
    ),
    ItemSpec(
        "health_screening",
        "血压血糖筛查",
        D.HEALTH,
        "社区老人血压、血糖免费筛查",
        120,
        (("nurse", 2, 2),),
        UnitLevel.INSTITUTE,
        5.0,
        partial_share=0.3,
    ),
    ItemSpec(
        "counselling",
        "心理疏导",
        D.HEALTH,
        "一对一心理疏导与情绪支持",
        60,
        (("counselor", 1, 3),),
        UnitLevel.CENTER,
        1.5,
    ),
    ItemSpec(
        "policy_lecture",
        "政策理论宣讲",
        D.THEORY,
        "党的政策与惠民政策宣讲",
        90,
        (("lecturer", 1, 3),),
        UnitLevel.CENTER,
        5.0,
    ),
    ItemSpec(
        "bench_class",
        "板凳课堂",
        D.THEORY,
        "小规模、互动式、接地气的村头宣讲",
        60,
        (("lecturer", 1, 2), ("helper", 1, 1)),
        UnitLevel.STATION,
        4.0,
        partial_share=0.3,
    ),
    ItemSpec(
        "homework_help",
        "课业辅导",
        D.EDUCATION,
        "留守儿童课后作业辅导",
        120,
        (("tutor", 2, 2),),
        UnitLevel.STATION,
        6.0,
        partial_share=0.4,
    ),
    ItemSpec(
        "summer_care",
        "暑期爱心托管",
        D.EDUCATION,
        "假期看护、阅读与兴趣活动",
        240,
        (("tutor", 2, 2), ("helper", 2, 1)),
        UnitLevel.INSTITUTE,
        2.0,
        months=(7, 8),  # the summer holidays
        insurance=True,
        partial_share=0.4,
    ),
    ItemSpec(
        "legal_advice",
        "法律咨询",
        D.LAW,
        "婚姻家庭、劳动、土地承包等法律咨询",
        120,
        (("lawyer", 1, 2),),
        UnitLevel.CENTER,
        3.0,
    ),
    ItemSpec(
        "mediation",
        "矛盾纠纷调解",
        D.LAW,
        "邻里与家庭矛盾调解",
        120,
        (("mediator", 1, 3), ("lawyer", 1, 2)),
        UnitLevel.INSTITUTE,
        2.0,
    ),
    ItemSpec(
        "crop_guidance",
        "农技指导",
        D.AGRICULTURE,
        "田间病虫害防治与种植技术指导",
        180,
        (("agronomist", 1, 3),),
        UnitLevel.INSTITUTE,
        4.0,
        insurance=True,
    ),
    ItemSpec(
        "livestock_care",
        "畜禽防疫",
        D.AGRICULTURE,
        "畜禽免疫与养殖技术服务",
        120,
        (("veterinarian", 1, 2),),
        UnitLevel.INSTITUTE,
        1.5,
        insurance=True,
    ),
    ItemSpec(
        "culture_show",
        "文艺演出进村",
        D.CULTURE,
        "送戏下乡、广场文艺演出",
        180,
        (("performer", 4, 2), ("musician", 2, 2), ("driver", 1, 2)),
        UnitLevel.CENTER,
        2.5,
        insurance=True,
        partial_share=0.5,
    ),
    ItemSpec(
        "spring_couplets",
        "写春联送祝福",
        D.LITERATURE_ARTS,
        "书法志愿者现场书写春联",
        120,
        (("calligrapher", 2, 3), ("photographer", 1, 1)),
        UnitLevel.CENTER,
        1.5,
        months=(12, 1, 2),  # before the Spring Festival
        partial_share=0.5,
    ),
    ItemSpec(
        "fitness_class",
        "广场健身指导",
        D.SPORTS,
        "广场舞与全民健身指导",
        60,
        (("coach", 1, 2),),
        UnitLevel.STATION,
        3.0,
    ),
    ItemSpec(
        "science_show",
        "科普进社区",
        D.SCIENCE,
        "防灾减灾、防诈骗等科普活动",
        90,
        (("science_communicator", 2, 2),),
        UnitLevel.CENTER,
        2.5,
        partial_share=0.3,
    ),
    ItemSpec(
        "elderly_visit",
        "关爱空巢老人",
        D.WELFARE,
        "上门探访、代购代办、陪伴聊天",
        120,
        (("caregiver", 1, 2), ("helper", 1, 1)),
        UnitLevel.STATION,
        7.0,
        insurance=True,
        partial_share=0.6,
    ),
    ItemSpec(
        "free_haircut",
        "爱心义剪",
        D.WELFARE,
        "为老人、残疾人免费理发",
        120,
        (("hairdresser", 2, 2), ("helper", 1, 1)),
        UnitLevel.INSTITUTE,
        3.0,
        partial_share=0.3,
    ),
    ItemSpec(
        "disability_support",
        "助残服务",
        D.WELFARE,
        "手语翻译与助残陪护",
        120,
        (("sign_language", 1, 2), ("social_worker", 1, 2)),
        UnitLevel.CENTER,
        1.0,
        insurance=True,
    ),
    ItemSpec(
        "charity_drive",
        "爱心募捐",
        D.CHARITY,
        "衣物、图书与善款募集",
        180,
        (("charity_organiser", 1, 2), ("helper", 3, 1)),
        UnitLevel.CENTER,
        1.5,
        partial_share=0.6,
    ),
    ItemSpec(
        "traffic_civility",
        "文明交通劝导",
        D.CIVILITY,
        "路口文明交通劝导",
        120,
        (("civility_guide", 4, 1),),
        UnitLevel.INSTITUTE,
        4.0,
        insurance=True,
        partial_share=0.7,
    ),
    ItemSpec(
        "village_cleanup",
        "人居环境整治",
        D.CIVILITY,
        "村庄、小区环境清洁与垃圾分类宣传",
        120,
        (("helper", 6, 1),),
        UnitLevel.STATION,
        5.0,
        insurance=True,
        partial_share=0.8,
    ),
)

# Where a domain has no team of its own, the team of a neighbouring domain provides (Pizhou's
# seven teams cover twelve domains this way).
FALLBACK_DOMAIN: dict[D, D] = {
    D.LITERATURE_ARTS: D.CULTURE,
    D.SPORTS: D.CULTURE,
    D.SCIENCE: D.AGRICULTURE,
    D.LAW: D.CIVILITY,
    D.CHARITY: D.WELFARE,
}

SKILL_CODES = tuple(skill.code for skill in SKILLS)
SKILLS_BY_CODE = {skill.code: skill for skill in SKILLS}


def check_catalogue() -> None:
    """Raise ValueError if an item needs a skill the catalogue lacks (guards edits of this file)."""
    for item in ITEMS:
        for code, count, level in item.needs:
            if code not in SKILLS_BY_CODE:
                raise ValueError(f"service item {item.code!r} needs unknown skill {code!r}")
            if count < 1 or not 1 <= level <= 5:
                raise ValueError(f"service item {item.code!r}: bad count or level for {code!r}")
        if not 0.0 <= item.partial_share <= 1.0:
            raise ValueError(f"service item {item.code!r}: partial_share must be between 0 and 1")
