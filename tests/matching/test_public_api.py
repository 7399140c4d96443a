"""The public surface: `__all__` names everything public, and the package stays pure."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import matching

PACKAGE = Path(matching.__file__).parent
#: the rest of the house: the engine (scenarios included) imports none of it, nor the example data
FORBIDDEN = ("wenming", "schema", "resolvers", "jobs", "db", "examples")


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
    importlib.import_module("matching.resolve")
    importlib.import_module("matching.validate")
    # imported here on purpose: after the submodules, which must not shadow the functions
    from matching import resolve, validate

    assert callable(resolve) and callable(validate)


def _imported(path: Path) -> list[str]:
    """Every module an `import` or `from ... import` anywhere in the file names (function bodies
    and TYPE_CHECKING blocks included); relative imports resolve inside matching."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("matching" if node.level else node.module or "")
    return names


def test_matching_imports_nothing_from_the_rest_of_the_house() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert PACKAGE / "scenarios" / "dataset.py" in modules  # the walk goes into subpackages
    for path in modules:
        for name in _imported(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(PACKAGE)} imports {name}"


def test_the_purity_check_catches_a_nested_or_late_import(tmp_path: Path) -> None:
    """The check above can fail: an import of example data inside a function is found."""
    bad = tmp_path / "late.py"
    bad.write_text("def build():\n    from examples.problems.generate import generate\n    return generate\n",
                   encoding="utf-8")
    assert _imported(bad) == ["examples.problems.generate"]


def test_the_schemas_ship_with_the_package() -> None:
    for name in ("problem.schema.json", "result.schema.json"):
        schema = json.loads((PACKAGE / name).read_text(encoding="utf-8"))
        assert schema["$schema"].endswith("2020-12/schema")
