"""Invented Chinese names for the synthetic parts of the examples: people, villages, communities.

Surnames follow their rough frequency in northern Jiangsu; given names are one or two characters
from common name characters. Village names combine a surname with a northern-Jiangsu place-name
suffix (庄, 楼, 集, 圩, ...), community names a pleasant word with 社区. None of them claims to be
a real person or place, and every row using them is marked synthetic.
"""

from __future__ import annotations

import random
from itertools import accumulate

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
# Weights: the first ten surnames cover about 40 % of people.
SURNAME_CUM = tuple(accumulate(8.0 if i < 10 else (3.0 if i < 30 else 1.0) for i in range(len(SURNAMES))))
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅文斌宇浩凯俊鹏辉晨欣怡佳"
    "雨婷子涵思琪博文嘉怡梓萱一诺浩然宇轩雅静海燕春兰秋菊德才永福家乐新民振华淑珍凤英晓东"
)
VILLAGE_SUFFIXES = ("庄", "楼", "集", "圩", "湖", "河", "营", "店", "口", "湾", "桥", "屯")
COMMUNITY_WORDS = (
    "幸福",
    "和平",
    "友谊",
    "阳光",
    "滨河",
    "锦绣",
    "运河",
    "新华",
    "文化",
    "康宁",
    "富民",
    "桂园",
    "花园",
    "东风",
    "建设",
    "育才",
    "朝阳",
    "怡景",
    "翠苑",
    "明珠",
    "长安",
    "安居",
    "福泽",
    "春晖",
)


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name: surname plus one or two given-name characters."""
    surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUM)[0]
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return surname + given


def place_names(rng: random.Random, count: int, urban: bool) -> list[str]:
    """`count` distinct village (村) or, for urban areas, community (社区) names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        if urban:
            name = rng.choice(COMMUNITY_WORDS) + rng.choice(("", "新村", "花园", "家园")) + "社区"
        else:
            name = rng.choice(SURNAMES[:40]) + rng.choice(VILLAGE_SUFFIXES) + "村"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def mobile_phone(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a real carrier prefix (the subscriber part invented)."""
    prefix = rng.choice(
        (
            "138",
            "139",
            "150",
            "151",
            "152",
            "157",
            "158",
            "159",
            "187",
            "188",
            "136",
            "177",
            "180",
            "181",
            "189",
            "133",
            "153",
            "173",
            "130",
            "131",
            "155",
            "156",
            "185",
            "186",
        )
    )
    return prefix + f"{rng.randrange(100_000_000):08d}"
