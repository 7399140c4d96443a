"""What-if scenarios for analysts: a base dataset plus changes, solved by the matching engine,
measured by KPIs (`kpis.py`, each defined once) and shown in self-contained HTML reports.

    from matching.scenarios import load_scenario, run, run_report
    rec = run(load_scenario("examples/scenarios/surge-lei-feng-day.toml"))
    print(rec.kpis["staffing"]["overall"])

Pure like the rest of `matching`: nothing from schema/, resolvers/, db/ or wenming/. The CLI is
`wenming scenario run | compare | sweep` (see `cli.py`); the file format is in `spec.py`.
"""

from __future__ import annotations

from matching.scenarios.dataset import Dataset, build_base, describe, materialise, register_base_kind
from matching.scenarios.errors import BaseUnusable, ScenarioError
from matching.scenarios.runner import RunRecord, prepare, run
from matching.scenarios.spec import Scenario, load_scenario, parse_scenario

__all__ = ["BaseUnusable", "Dataset", "RunRecord", "Scenario", "ScenarioError", "build_base", "describe",
           "load_scenario", "materialise", "parse_scenario", "prepare", "register_base_kind", "run"]
