"""What-if scenarios for analysts: a base dataset plus changes, solved by the matching engine,
measured by KPIs (`kpis.py`, each defined once) and shown in self-contained HTML reports.

    from examples.problems import scenario_base
    from matching.scenarios import load_scenario, run

    scenario_base.register()  # `kind = "generated"`: the examples' Pizhou generator
    rec = run(load_scenario("examples/scenarios/surge-lei-feng-day.toml"))
    print(rec.kpis["staffing"]["overall"])

Pure like the rest of `matching`: nothing from wenming/, schema/, resolvers/, jobs/, db/ or
examples/. Base kinds other than a problem JSON are registered by the caller (`kinds.py`); the
CLI is `wenming scenario run | compare | sweep` (see `cli.py`); the file format is in `spec.py`.
"""

from __future__ import annotations

from matching.scenarios.dataset import Dataset, build_base, describe, materialise, register_base_kind
from matching.scenarios.errors import BaseUnusable, ScenarioError
from matching.scenarios.geography import Geography, Place
from matching.scenarios.runner import RunRecord, prepare, run
from matching.scenarios.spec import Scenario, load_scenario, parse_scenario

__all__ = ["BaseUnusable", "Dataset", "Geography", "Place", "RunRecord", "Scenario", "ScenarioError", "build_base",
           "describe", "load_scenario", "materialise", "parse_scenario", "prepare", "register_base_kind", "run"]
