"""External check: OR-Library GAP instances gap1..gap12 reach their published optima.

Each file's first instance (`cattrysse1994/gapN-0`) goes through the JSON problem format via
`benchmarks.gapio` (agents = volunteers with a period minutes cap, jobs = one-volunteer requests,
costs and resources as per-pair overrides; see ../shared/bench/gap/README.md). With every job
staffable the lexicographic optimum is the GAP minimum, so the engine must staff every job, prove
optimality, and report `travel_m == optimum * 1000`, with a result the independent checker accepts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.gapio import (
    DEFAULT_BENCH_DIR,
    GapFormatError,
    gap_problem,
    published_optima,
    read_gap,
    require_bench_dir,
)
from matching import solve
from matching.jsonio import load_problem
from matching.result import Status
from matching.validate import validate
from tests.matching.helpers import proving

INSTANCES = [f"cattrysse1994/gap{n}-0" for n in range(1, 13)]


@pytest.fixture(scope="module")
def bench() -> Path:
    """The shared GAP folder; a missing one fails (with where it was expected), never skips."""
    return require_bench_dir(DEFAULT_BENCH_DIR)


def test_converter_keeps_costs_resources_and_capacities(bench: Path) -> None:
    instance = read_gap(bench / "cattrysse1994" / "gap1-0")
    problem = load_problem(gap_problem(instance))
    assert (len(problem.volunteers), len(problem.requests)) == (5, 15)
    # The file's first cost row starts 17 21 22, its first resource row 8 15 14, capacities 36 34 ...
    first = {(o.volunteer, o.request): o for o in problem.settings.overrides}
    assert [first["A0", f"J{j}"].distance_km for j in range(3)] == [17, 21, 22]
    assert [first["A0", f"J{j}"].travel_minutes for j in range(3)] == [8, 15, 14]
    assert [v.limits.minutes_per_period for v in problem.volunteers] == [36, 34, 38, 27, 33]


@pytest.mark.parametrize("path", INSTANCES)
def test_engine_reaches_the_published_gap_minimum(bench: Path, path: str) -> None:
    optimum = published_optima(bench)[path]
    problem = load_problem(gap_problem(read_gap(bench / path, name=path)))
    result = solve(problem, proving(60, seed=5))
    assert result.status == Status.OPTIMAL, result.message
    assert len(result.assignments) == len(problem.requests)          # every job staffed
    assert result.objective.travel_m == optimum * 1000
    assert validate(problem, result) == []


def test_missing_bench_folder_fails_saying_where_it_was_expected(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="GAP benchmark data not found at .*nowhere"):
        require_bench_dir(tmp_path / "nowhere")


def test_truncated_instance_file_is_rejected_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "gapX-0"
    broken.write_text("2 3\n1 2 3\n4 5 6\n")
    expected = r"gapX-0: header says 2 agents x 3 jobs, so 16 integers, found 8"
    with pytest.raises(GapFormatError, match=expected):
        read_gap(broken)
