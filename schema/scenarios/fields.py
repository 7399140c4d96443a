"""Scenario runs for analysts in the API: start (background), cancel, list, read KPIs, compare.

Fields declare and delegate: the work is in resolvers/scenarios/runs.py. Who may call them:
analysts and platform admins (resolvers/access/policy.py).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from resolvers.core.context import Info
from resolvers.scenarios import runs as scenario_runs
from schema.core.common import UserError
from schema.core.relay import Connection
from schema.scenarios import mapping as scenario_mapping
from schema.scenarios.types import ScenarioComparison, ScenarioExample, ScenarioRun


@strawberry.input(description="A scenario as TOML text (the format of `wenming scenario run`, see "
                              "matching/scenarios/README.md) or the name of an example; give exactly one. "
                              'Bases: "generated", or "database" (this server\'s database, no `url`).')
class ScenarioRunStartInput:
    toml: str | None = None
    example: str | None = strawberry.field(default=None, description="A name listed by `scenarioExamples`.")
    name: str | None = strawberry.field(default=None, description="Default: the scenario's `name`.")


@strawberry.input
class ScenarioRunInput:
    run: strawberry.ID


@strawberry.type
class ScenarioRunPayload:
    run: ScenarioRun | None
    user_errors: list[UserError]


@strawberry.type
class ScenarioQueries:
    @strawberry.field(description="A scenario run by ID: poll it for state, progress and KPIs.")
    def scenario_run(self, info: Info, id: strawberry.ID) -> ScenarioRun | None:
        return scenario_runs.scenario_run(info, id)

    @strawberry.field(description="Scenario runs, newest first.")
    def scenario_runs(self, info: Info, first: int | None = None, after: str | None = None
                      ) -> Connection[ScenarioRun]:
        return scenario_runs.scenario_runs(info, first, after)

    @strawberry.field(description="Two SUCCEEDED runs: the headline KPIs of B against A.")
    def scenario_run_compare(self, info: Info, a: strawberry.ID, b: strawberry.ID) -> ScenarioComparison:
        run_a, run_b, diffs = scenario_runs.compare(info, a, b)
        return ScenarioComparison(a=run_a, b=run_b, differences=[scenario_mapping.difference(d) for d in diffs])

    @strawberry.field(description="The example scenarios `scenarioRunStart` accepts by name.")
    def scenario_examples(self) -> list[ScenarioExample]:
        return [ScenarioExample(name=n, description=d) for n, d in scenario_runs.example_list()]


@strawberry.type
class ScenarioMutations:
    @strawberry.mutation(description="Check a scenario and start it in the background; returns at once.")
    def scenario_run_start(self, info: Info, input: ScenarioRunStartInput) -> ScenarioRunPayload:
        out = scenario_runs.scenario_run_start(info, input)
        return ScenarioRunPayload(run=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Stop a QUEUED or RUNNING scenario run.")
    def scenario_run_cancel(self, info: Info, input: ScenarioRunInput) -> ScenarioRunPayload:
        out = scenario_runs.scenario_run_cancel(info, input)
        return ScenarioRunPayload(run=out.value, user_errors=out.errors)


@strawberry.type
class ScenarioSubscriptions:
    @strawberry.subscription(description="The scenario run now, then at each change of state or progress, until it "
                                         "ends (its KPIs are on the last).")
    async def scenario_run_progress(self, info: Info, run: strawberry.ID) -> AsyncGenerator[ScenarioRun, None]:
        async for value in scenario_runs.run_progress(info, run):
            yield value
