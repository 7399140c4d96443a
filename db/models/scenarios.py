"""Scenario runs for analysts: a what-if scenario (TOML text) solved in the background.

`ScenarioRun` follows `DispatchRun`: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED, with
phase and parts for progress, held by the process that claimed it while it renews its lease, and
a run left QUEUED or RUNNING by a stopped server is marked FAILED once its lease expired
(resolvers/scenarios/runs.py `recover`). The scenario's text is kept as given, so
a run can be read back and rerun; `kpis` is the KPI document of matching/scenarios/kpis.py and
`record` everything the HTML report and comparisons need (matching/scenarios/runner.RunRecord).
Both hold aggregates and ids of the snapshot only, never names or phones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, UTCDateTime, enum_column, name_type, text_type, utcnow
from db.models.dispatch import RunState


class ScenarioRun(Base):
    """One background run of a what-if scenario."""

    __tablename__ = "scenario_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(name_type())
    source: Mapped[str] = mapped_column(Text)  # the scenario's TOML text
    example: Mapped[str | None] = mapped_column(String(64))  # examples/scenarios/<example>.toml, if taken from one
    state: Mapped[RunState] = mapped_column(enum_column(RunState), default=RunState.QUEUED, index=True)
    reason: Mapped[str] = mapped_column(text_type(), default="")
    phase: Mapped[str] = mapped_column(String(64), default="queued")
    parts_done: Mapped[int] = mapped_column(Integer, default=0)
    parts_total: Mapped[int] = mapped_column(Integer, default=0)
    fingerprint: Mapped[str] = mapped_column(String(32), default="")
    kpis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(name_type(), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the server process holding the run (host:pid:nonce) while it renews its lease (jobs/queue.py)
    claimed_by: Mapped[str | None] = mapped_column(name_type())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
