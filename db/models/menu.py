"""The service menu (志愿服务"菜单") and orders (点单).

A service item says what a service needs (skills with headcount and minimum level, duration) and
which teams provide it; a menu offer puts an item on a unit's menu. A unit's effective menu is
what it offers plus what its ancestors offer (db/queries.py). An order asks for one item at a
place and local time window; `idempotency_key` makes a retried submission return the first order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import OrderChannel, OrderStatus, ServiceDomain
from db.models.base import Base, UTCDateTime, code_type, enum_column, name_type, text_type, utcnow


class ServiceItem(Base):
    """An item of the service menu, e.g. 义诊 (free clinic)."""

    __tablename__ = "service_items"
    __table_args__ = (CheckConstraint("duration_minutes > 0", name="duration_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    domain: Mapped[ServiceDomain] = mapped_column(enum_column(ServiceDomain), index=True)
    description: Mapped[str] = mapped_column(text_type(), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(default=False)


class ServiceItemSkill(Base):
    """A skill a service item needs: `count` people at `min_level` or above."""

    __tablename__ = "service_item_skills"
    __table_args__ = (
        UniqueConstraint("item_id", "skill_id"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("min_level >= 1 AND min_level <= 5", name="min_level_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    min_level: Mapped[int] = mapped_column(Integer, default=1)


class ServiceItemProvider(Base):
    """A team that provides a service item."""

    __tablename__ = "service_item_providers"
    __table_args__ = (UniqueConstraint("item_id", "team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)


class MenuOffer(Base):
    """A unit offers a service item on its menu (and so on the menus of its descendants)."""

    __tablename__ = "menu_offers"
    __table_args__ = (UniqueConstraint("unit_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"), index=True)


class Order(Base):
    """An order (点单) for a service item, by a unit or a resident; times are local wall clock."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
        CheckConstraint("window_end > window_start", name="window_end_after_start"),
        CheckConstraint("headcount >= 1", name="headcount_positive"),
        CheckConstraint("priority >= 1 AND priority <= 5", name="priority_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    orderer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    resident_name: Mapped[str | None] = mapped_column(name_type())
    resident_phone: Mapped[str | None] = mapped_column(String(32))  # sensitive: never logged
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(text_type(), default="")
    window_start: Mapped[datetime] = mapped_column(DateTime, index=True)
    window_end: Mapped[datetime] = mapped_column(DateTime)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    channel: Mapped[OrderChannel] = mapped_column(enum_column(OrderChannel))
    note: Mapped[str] = mapped_column(text_type(), default="")
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.SUBMITTED, index=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    #: the running project (志愿服务项目) this order is an activity of
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (typed by SQLAlchemy)
