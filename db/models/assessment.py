"""Quarterly assessment (季度考核): published rankings of a quarter, kept as snapshots.

The indicators and scores are computed from the data whenever they are asked for
(resolvers/assessment/); publishing a quarter's ranking (通报排名) stores what it was at that
moment: one publication per scope unit and quarter, with the weights and normalisation used, who
published it and when, and one row per unit with its score, rank and explanation. Publications
are never changed or deleted: they are the record a unit's trend over quarters is read from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import UnitLevel
from db.models.base import Base, UTCDateTime, enum_column, utcnow


class AssessmentPublication(Base):
    """A published quarterly ranking (通报排名) of a scope unit's subtree."""

    __tablename__ = "assessment_publications"
    __table_args__ = (UniqueConstraint("scope_unit_id", "quarter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(8))
    normalisation: Mapped[str] = mapped_column(String(16))
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssessmentScore(Base):
    """One unit's published score and rank within its level, with its explanation."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("publication_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("assessment_publications.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[UnitLevel] = mapped_column(enum_column(UnitLevel))
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    ranked: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[list[Any]] = mapped_column(JSON)
