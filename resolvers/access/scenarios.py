"""Access to analysts' what-if scenario runs: analysts and platform admins only, every run."""

from __future__ import annotations

from sqlalchemy import false, true

from db import models
from db.models import Role
from resolvers.access.rules import ANALYSTS, Domain, Readable, fields

DOMAIN = Domain(
    name="scenarios",
    roots={
        **fields("Query", ("scenarioRun", "scenarioRuns", "scenarioRunCompare", "scenarioExamples"), ANALYSTS),
        **fields("Mutation", ("scenarioRunStart", "scenarioRunCancel"), ANALYSTS),
        **fields("Subscription", ("scenarioRunProgress",), ANALYSTS),
    },
    scopes={root: {Role.ANALYST: "all runs"} for root in ("Mutation.scenarioRunStart", "Mutation.scenarioRunCancel")},
    # both roles read unrestricted (rules.UNRESTRICTED_VIEW); nobody else reads a run
    reads={models.ScenarioRun: lambda s, t: false()},
    writes={models.ScenarioRun: Readable(lambda s, t: true())},  # the root gate admits analysts only
)
