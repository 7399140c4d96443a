"""The public surface: `__all__` names everything public, and the package stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import matching

PACKAGE = Path(matching.__file__).parent


def test_all_lists_the_public_names_sorted_and_each_resolves() -> None:
    expected = {"Problem", "Volunteer", "Request", "Settings", "SkillLevel", "SkillNeed", "TimeSpec",
                "Availability", "Limits", "Override", "load_problem", "dump_problem", "load_result",
                "result_to_json", "solve", "SolveOptions", "validate", "Violation", "Result", "Status",
                "Objective", "Assignment", "Explanation", "OpenRequest", "ProblemError", "resolve",
                "Changes", "apply_changes", "Moved", "Progress"}
    assert expected <= set(matching.__all__)
    assert matching.__all__ == sorted(matching.__all__)
    for name in matching.__all__:
        assert getattr(matching, name) is not None, name


def test_functions_that_share_a_submodule_name_stay_functions() -> None:
    import importlib

    importlib.import_module("matching.resolve")
    importlib.import_module("matching.validate")
    from matching import resolve, validate

    assert callable(resolve) and callable(validate)


def test_matching_imports_nothing_from_the_rest_of_the_house() -> None:
    forbidden = ("schema", "resolvers", "db", "wenming")
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_the_schemas_ship_with_the_package() -> None:
    import json

    for name in ("problem.schema.json", "result.schema.json"):
        schema = json.loads((PACKAGE / name).read_text(encoding="utf-8"))
        assert schema["$schema"].endswith("2020-12/schema")
