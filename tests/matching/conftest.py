"""Fixtures of the matching tests.

- `tiny_path`: a small hand-written problem file (tests/matching/data/tiny.json): two requests,
  four volunteers, weekly/dated/exception availability, a flexible window.
- `tiny`: that problem loaded.
- `fast`: SolveOptions for small problems (5 deterministic seconds, one worker, a fixed seed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matching import Problem, SolveOptions, load_problem
from tests.matching.helpers import proving

DATA = Path(__file__).parent / "data"


@pytest.fixture
def tiny_path() -> Path:
    return DATA / "tiny.json"


@pytest.fixture
def tiny(tiny_path: Path) -> Problem:
    return load_problem(tiny_path)


@pytest.fixture
def fast() -> SolveOptions:
    return proving(5)
