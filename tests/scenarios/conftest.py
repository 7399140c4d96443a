"""Shared helpers for scenario tests: a tiny generated base (300 volunteers, 60 requests) that
solves to optimality in about a second, and a writer for scenario files in tmp_path.

The composition root registers the base kinds `matching.scenarios` cannot build itself: here,
as in the `wenming` command, `kind = "generated"` comes from the examples' problem generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from examples.problems import scenario_base

TINY = """
name = "tiny"
seed = 2

[base]
kind = "generated"
volunteers = 300
requests = 60

[engine]
time_limit = 20
workers = 1
"""


@pytest.fixture(scope="session", autouse=True)
def generated_bases() -> None:
    """`kind = "generated"` scenarios build with the examples' generator (before any test reads one)."""
    scenario_base.register()


@pytest.fixture
def write_scenario(tmp_path: Path):
    """write_scenario(text, name="s.toml") -> the path of a scenario file in tmp_path."""

    def write(text: str, name: str = "s.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
