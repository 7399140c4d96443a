"""Wenming matching: assign volunteers to requested services by skill, distance and availability.

A pure library (imports nothing from schema/, resolvers/, db/ or wenming/): a `Problem` in,
a `Result` out. The contract (JSON format, hard rules, lexicographic objective) is README.md.

    from matching import load_problem, solve, validate, SolveOptions
    problem = load_problem("examples/problems/pizhou-small.json")
    result = solve(problem, SolveOptions(time_limit=10, workers=1, seed=7))
    assert validate(problem, result) == []

The solver modules (OR-Tools) are imported on first use of `solve` or `resolve`. Names that are
also submodules (`validate`, `resolve`) are bound eagerly here, so importing the submodule never
shadows the function.
"""

from __future__ import annotations

import importlib
from typing import Any

from matching.errors import MatchingError, ProblemError, ResultError
from matching.jsonio import dump_problem, load_problem, load_result, result_to_json
from matching.options import SolveOptions
from matching.problem import (
    Availability,
    Cover,
    Limits,
    Override,
    Problem,
    Request,
    Settings,
    SkillLevel,
    SkillNeed,
    TimeSpec,
    Volunteer,
    WeeklyWindow,
    available_intervals,
    day_of,
    format_minute,
    parse_minute,
)
from matching.progress import Progress
from matching.resolve import Changes, apply_changes, resolve
from matching.result import (
    Assignment,
    Explanation,
    Missing,
    Moved,
    NearMiss,
    Objective,
    OpenRequest,
    Reason,
    Result,
    RunnerUp,
    SkillMatch,
    Status,
)
from matching.validate import Violation, validate

__all__ = [
    "Assignment", "Availability", "Changes", "Cover", "Explanation", "Limits", "MatchingError", "Missing", "Moved",
    "NearMiss", "Objective", "OpenRequest", "Override", "Problem", "ProblemError", "Progress", "Reason", "Request",
    "Result", "ResultError", "RunnerUp", "Settings", "SkillLevel", "SkillMatch", "SkillNeed", "SolveOptions",
    "Status", "TimeSpec", "Violation", "Volunteer", "WeeklyWindow", "apply_changes", "available_intervals",
    "day_of", "dump_problem", "format_minute", "load_problem", "load_result", "parse_minute", "resolve",
    "result_to_json", "solve", "validate",
]

_LAZY = {
    "solve": ("matching.engine", "solve"),
}


def __getattr__(name: str) -> Any:
    """Import the solver and the checker only when first used (OR-Tools is a heavy import)."""
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'matching' has no attribute {name!r}")
