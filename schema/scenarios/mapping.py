"""Rows of scenario runs -> GraphQL objects (schema/scenarios/types.py)."""

from __future__ import annotations

from typing import Any

from strawberry.scalars import JSON

import schema.scenarios.types as t
from db import models
from matching.scenarios.compare import Difference, headline
from resolvers.core.globalid import encode
from schema.dispatch.types import RunProgress


def kpis(doc: dict[str, Any] | None) -> Any:
    if doc is None:
        return None
    return t.ScenarioKpis(**headline(doc), all=JSON(doc))


def scenario_run(row: models.ScenarioRun) -> Any:
    record = row.record or {}
    return t.ScenarioRun(
        id=encode("ScenarioRun", row.id), pk=row.id, name=row.name, state=row.state, reason=row.reason,
        progress=RunProgress(phase=row.phase, parts_done=row.parts_done, parts_total=row.parts_total,
                             best_objective=None),
        example=row.example, source=row.source, fingerprint=row.fingerprint or None,
        changes=list(record.get("log", [])), kpis=kpis(row.kpis), created_by=row.created_by,
        created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at)


def difference(d: Difference) -> Any:
    return t.KpiDifference(key=d.key, label=d.label, a=d.a, b=d.b, difference=d.difference, better=d.better)



