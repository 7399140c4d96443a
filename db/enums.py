"""Enumerations of the data model, stored as strings (their member names) in the database.

Each member's value equals its name so that a row read with plain SQL shows the same text as the
Python enum; the Chinese term from DOMAIN.md is given beside each member for traceability.
"""

from __future__ import annotations

from enum import StrEnum


class UnitLevel(StrEnum):
    """Level of a practice unit in the center -> institute -> station tree."""

    CENTER = "CENTER"  # 新时代文明实践中心
    INSTITUTE = "INSTITUTE"  # 新时代文明实践所
    STATION = "STATION"  # 新时代文明实践站


class BaseCategory(StrEnum):
    """The 10 categories of practice bases (实践基地); the bulletin names the first 7."""

    RED_HERITAGE = "RED_HERITAGE"  # 红色印记
    SPIRIT_OF_ERA = "SPIRIT_OF_ERA"  # 时代精神
    FAMOUS_SAGES = "FAMOUS_SAGES"  # 名人先贤
    TALENT_INNOVATION = "TALENT_INNOVATION"  # 人才科创
    GREEN_ECOLOGY = "GREEN_ECOLOGY"  # 绿色生态
    BEAUTIFUL_COUNTRYSIDE = "BEAUTIFUL_COUNTRYSIDE"  # 美丽乡村
    LIFE_HEALTH = "LIFE_HEALTH"  # 生命健康
    CULTURAL_HERITAGE = "CULTURAL_HERITAGE"  # 文化传承 (synthetic category)
    RULE_OF_LAW = "RULE_OF_LAW"  # 法治教育 (synthetic category)
    SCIENCE_EDUCATION = "SCIENCE_EDUCATION"  # 科普教育 (synthetic category)


class PointCategory(StrEnum):
    """The 8 categories of practice points (实践点)."""

    NATURAL_VILLAGE = "NATURAL_VILLAGE"  # 自然村
    RESIDENTIAL_COMPOUND = "RESIDENTIAL_COMPOUND"  # 居民小区
    ENTERPRISE = "ENTERPRISE"  # 企业
    WORKER_DORMITORY = "WORKER_DORMITORY"  # 职工集宿区
    VOLUNTEER_STATION = "VOLUNTEER_STATION"  # 志愿服务站
    INTEGRITY_STREET = "INTEGRITY_STREET"  # 诚信示范街区
    SELF_SERVICE_LIBRARY = "SELF_SERVICE_LIBRARY"  # 24小时自助图书馆
    CONSTRUCTION_SITE = "CONSTRUCTION_SITE"  # 建筑工地


class ServiceDomain(StrEnum):
    """Service domains: the 8 expert-pool domains (专家库) plus the Pizhou team domains."""

    THEORY = "THEORY"  # 理论宣讲
    LITERATURE_ARTS = "LITERATURE_ARTS"  # 文学艺术
    SCIENCE = "SCIENCE"  # 科学普及
    EDUCATION = "EDUCATION"  # 教育服务
    CHARITY = "CHARITY"  # 社会慈善
    LAW = "LAW"  # 法律普及
    SPORTS = "SPORTS"  # 体育健身
    HEALTH = "HEALTH"  # 医疗卫生
    CULTURE = "CULTURE"  # 多彩生活
    AGRICULTURE = "AGRICULTURE"  # 希望田野
    WELFARE = "WELFARE"  # 温情邳州
    CIVILITY = "CIVILITY"  # 文明联盟


class TeamKind(StrEnum):
    """Kinds of volunteer teams: Kunshan's corps -> detachment -> team, plus specialist teams."""

    CORPS = "CORPS"  # 总队
    DETACHMENT = "DETACHMENT"  # 支队
    TEAM = "TEAM"  # 队
    SPECIALIST = "SPECIALIST"  # 专业分队


class MemberRole(StrEnum):
    """Role of a volunteer in a team."""

    LEADER = "LEADER"  # 队长
    MEMBER = "MEMBER"  # 队员


class VolunteerStatus(StrEnum):
    """Registration status of a volunteer."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    LEFT = "LEFT"


class OrderChannel(StrEnum):
    """Where an order (点单) came from."""

    APP = "APP"
    HOTLINE = "HOTLINE"
    WALK_IN = "WALK_IN"
    STATION = "STATION"


class OrderStatus(StrEnum):
    """Lifecycle of an order: 点单 -> 派单 -> 接单 -> 评单. Only SUBMITTED is produced for now."""

    SUBMITTED = "SUBMITTED"
    REVIEWED = "REVIEWED"
    REJECTED = "REJECTED"
    DISPATCHED = "DISPATCHED"
    CONFIRMED = "CONFIRMED"
    IN_SERVICE = "IN_SERVICE"
    COMPLETED = "COMPLETED"
    RATED = "RATED"
    CANCELLED = "CANCELLED"


class RequestState(StrEnum):
    """A volunteer's proposal (a time claim, a change request): staff approve or decline it (with a
    reason); the volunteer may withdraw it while it is pending. Never deleted."""

    PENDING = "PENDING"  # 待审核
    APPROVED = "APPROVED"  # 已批准
    DECLINED = "DECLINED"  # 已驳回
    WITHDRAWN = "WITHDRAWN"  # 已撤回
