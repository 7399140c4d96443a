"""The practice network (阵地): units of the center -> institute -> station tree, a center's
departments (科室), practice bases (实践基地) and practice points (实践点).

`Unit.path` is a materialised path such as "/1/7/42/" (ids of the ancestors and the unit itself):
a subtree is `path LIKE '/1/7/%'`. Only db/tree.py writes `path`, `depth` and `parent_id`, so the
level rules (an institute under a center, a station under an institute) hold everywhere.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.enums import BaseCategory, PointCategory, UnitLevel
from db.models.base import Base, UTCDateTime, code_type, enum_column, name_type, text_type, utcnow

PATH_LENGTH = 255


class Unit(Base):
    """A practice unit: center 中心, institute 所 or station 站."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
        CheckConstraint("depth >= 0", name="depth_non_negative"),
        Index("ix_units_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    level: Mapped[UnitLevel] = mapped_column(enum_column(UnitLevel), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(PATH_LENGTH))
    depth: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(text_type(), default="")
    contact_name: Mapped[str] = mapped_column(name_type(), default="")
    #: 负责人: who answers for the unit (named on the record certificates it issues)
    person_in_charge: Mapped[str] = mapped_column(name_type(), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")  # sensitive: never logged
    has_site: Mapped[bool] = mapped_column(default=False)  # 有阵地
    has_staff: Mapped[bool] = mapped_column(default=False)  # 有人员
    has_rules: Mapped[bool] = mapped_column(default=False)  # 有制度
    has_platform: Mapped[bool] = mapped_column(default=False)  # 有平台
    has_feature: Mapped[bool] = mapped_column(default=False)  # 有特色
    feature_note: Mapped[str] = mapped_column(text_type(), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.id")

    def __repr__(self) -> str:
        return f"Unit(id={self.id!r}, code={self.code!r}, level={self.level!s}, path={self.path!r})"


class Department(Base):
    """A functional department (科室) of a center, e.g. 综合科."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(name_type())
    description: Mapped[str] = mapped_column(text_type(), default="")


class PracticeBase(Base):
    """A practice base (实践基地) attached to a unit, in one of 10 categories."""

    __tablename__ = "practice_bases"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    category: Mapped[BaseCategory] = mapped_column(enum_column(BaseCategory), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(text_type(), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)


class PracticePoint(Base):
    """A practice point (实践点) attached to a unit, in one of 8 categories."""

    __tablename__ = "practice_points"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(code_type(), unique=True)
    name: Mapped[str] = mapped_column(name_type())
    category: Mapped[PointCategory] = mapped_column(enum_column(PointCategory), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(text_type(), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
