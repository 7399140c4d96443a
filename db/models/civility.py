"""The civility index (修身立德 self-assessment): questionnaires, and households' responses at stations.

A `CivilityQuestionnaire` is a unit's for a period (both days included): its stations' households
answer it once each. Its `CivilityItem`s are the questions, each with a weight (whole percent;
the weights sum to 100) and the highest score (1..10). A `CivilityResponse` is one household's,
entered at its station; the household is kept only as a keyed fingerprint of the code the station
gives it (a house number is an exact home), so one household answers once per questionnaire.
`CivilityAnswer` is one item's score. A response's index is the sum over items of weight x
score / highest score (0..100); nobody reads a single response through the API, only indexes of
stations and units with their response counts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, name_type, text_type, utcnow


class CivilityQuestionnaire(Base):
    """A self-assessment questionnaire (修身立德测评问卷) of a unit for a period."""

    __tablename__ = "civility_questionnaires"
    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="valid_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(name_type())
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    created_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CivilityItem(Base):
    """One question of a questionnaire, its weight (percent) and highest score."""

    __tablename__ = "civility_items"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "position"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("max_score >= 1 AND max_score <= 10", name="max_score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("civility_questionnaires.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(text_type())
    weight: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)


class CivilityResponse(Base):
    """One household's response at its station, entered by the station's staff."""

    __tablename__ = "civility_responses"
    __table_args__ = (UniqueConstraint("questionnaire_id", "household_fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("civility_questionnaires.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    household_fingerprint: Mapped[str] = mapped_column(String(64))
    submitted_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CivilityAnswer(Base):
    """One item's score in a response."""

    __tablename__ = "civility_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("score >= 0", name="score_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("civility_responses.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("civility_items.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
