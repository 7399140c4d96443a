"""GraphQL types of analysts' scenario runs (resolvers/scenarios/runs.py): the run with progress,
its headline KPIs as typed fields plus the full KPI document, and a comparison of two runs."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from db import models
from resolvers.core.context import Info
from resolvers.scenarios import runs as scenario_runs
from schema.dispatch.types import RunProgress, RunState


@strawberry.type(description="The headline KPIs of a run (definitions in matching/scenarios/kpis.py) and "
                             "`all`, the whole KPI document (by priority, domain, institute, station, ...).")
class ScenarioKpis:
    staffing_rate: float | None = strawberry.field(description="Staffed / demanded headcount.")
    demanded: int
    staffed: int | None
    fully_staffed_requests: float | None = strawberry.field(description="Share of requests fully staffed.")
    requests: int
    open_requests: int = strawberry.field(description="Requests with at least one unfilled slot.")
    volunteers: int
    travel_km_p50: float | None
    travel_km_p90: float | None
    travel_km_max: float | None
    volunteers_used: int
    share_used: float | None = strawberry.field(description="Volunteers used / volunteers in the problem.")
    max_tasks: int = strawberry.field(description="Most tasks given to one volunteer.")
    workload_gini: float | None = strawberry.field(description="Gini of tasks among the volunteers used.")
    cohesion_rate: float | None = strawberry.field(description="Pairs on one request sharing a team / all pairs.")
    solve_status: str
    gap: float | None = strawberry.field(description="Proven relative gap (0 when OPTIMAL).")
    solve_seconds: float
    all: JSON = strawberry.field(description="Every KPI, as written to kpis.json.")


@strawberry.type(description="A what-if scenario solved in the background for analysts.")
class ScenarioRun:
    id: strawberry.ID
    pk: strawberry.Private[int]
    name: str
    state: RunState
    reason: str = strawberry.field(description="Why it failed or was cancelled (a bad name gives its line and key).")
    progress: RunProgress
    example: str | None = strawberry.field(description="The example scenario it was started from, if any.")
    source: str = strawberry.field(description="The scenario's TOML text.")
    fingerprint: str | None = strawberry.field(description="Of the problem solved: equal for equal problems.")
    changes: list[str] = strawberry.field(description="What each change of the scenario did.")
    kpis: ScenarioKpis | None = strawberry.field(description="Once SUCCEEDED.")
    created_by: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @strawberry.field(description="The self-contained HTML report (map and charts) of a SUCCEEDED run.")
    def report_html(self, info: Info) -> str | None:
        row = info.context.session.get(models.ScenarioRun, self.pk)
        return None if row is None else scenario_runs.report_html(row)


@strawberry.type(description="One headline KPI in runs A and B.")
class KpiDifference:
    key: str
    label: str
    a: JSON | None
    b: JSON | None
    difference: float | None = strawberry.field(description="B - A when both are numbers.")
    better: bool | None = strawberry.field(description="Whether B is better than A; null when equal or neutral.")


@strawberry.type(description="Two SUCCEEDED runs side by side, as `wenming scenario compare` shows them.")
class ScenarioComparison:
    a: ScenarioRun
    b: ScenarioRun
    differences: list[KpiDifference]


@strawberry.type(description="A scenario of examples/scenarios/ that `scenarioRunStart` can start by name.")
class ScenarioExample:
    name: str
    description: str
