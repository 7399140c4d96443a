"""Smoke tests of the benchmark machinery: memory measurement, the per-run child, the GAP script, the
abuse benchmark, the assessment benchmark, the replica and province benchmarks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks import assessment_bench, bench_run, gap_bench
from benchmarks.gapio import DEFAULT_BENCH_DIR
from benchmarks.measure import run_measured

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "problems"

CHILD = textwrap.dedent("""
    import subprocess, sys, time
    block = bytearray(160 * 2**20)  # touched below so it is resident
    for i in range(0, len(block), 4096):
        block[i] = 1
    helper = subprocess.Popen([sys.executable, "-c",
        "b = bytearray(120 * 2**20)\\nfor i in range(0, len(b), 4096): b[i] = 1\\n"
        "print('ready', flush=True)\\nimport time; time.sleep(0.5)"], stdout=subprocess.PIPE, text=True)
    helper.stdout.readline()  # the helper holds its memory now
    time.sleep(0.3)  # several samples of the whole tree
    print("SOLVED", flush=True)
    helper.stdout.close()
    helper.wait()
    late = bytearray(400 * 2**20)
    for i in range(0, len(late), 4096):
        late[i] = 1
""")


def test_peak_memory_sums_the_process_tree_until_solved() -> None:
    measured = run_measured([sys.executable, "-c", CHILD])
    assert measured.returncode == 0
    assert 160 + 120 <= measured.tree_peak_mb < 160 + 120 + 400, measured
    assert measured.max_single_mb >= 400  # the kernel's figure covers the whole life of the child


def test_a_run_past_the_memory_cap_is_killed_and_says_so() -> None:
    hog = ("import sys, time\nb = bytearray(300 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1\n"
           "time.sleep(30)\nsys.stderr.write('survived')\n")
    measured = run_measured([sys.executable, "-c", hog], max_tree_mb=150)
    assert measured.killed is not None and "passed the cap of 150 MB" in measured.killed
    # stopped by the sampler's SIGKILL, not finished: it never got past its sleep
    assert measured.returncode == -signal.SIGKILL and "survived" not in measured.stderr


def test_bench_run_writes_result_and_metrics_for_greedy(tmp_path: Path) -> None:
    result, metrics = tmp_path / "r.json", tmp_path / "m.json"
    assert bench_run.main(["greedy", str(EXAMPLES / "tiny.json"), str(result), str(metrics)]) == 0
    data = json.loads(metrics.read_text())
    assert (data["staffed"], data["demanded"], data["violations"]) == (5, 5, 0)
    assert data["max_tasks"] == 2 and data["objective"]["staffing"] == 17
    assert json.loads(result.read_text())["format"] == "wenming.matching/result"


def test_gap_instance_list_covers_sixty_plus_types_abc() -> None:
    names = gap_bench.instances(DEFAULT_BENCH_DIR, "abc")
    assert len(names) == 60 + 18 and len(set(names)) == len(names)
    plain = gap_bench.plain_cpsat(DEFAULT_BENCH_DIR)
    assert plain["chu1997/c20200"].startswith("2392 FEASIBLE")
    assert plain["cattrysse1994/gap1-0"].startswith("261 ")


def test_gap_bench_reproduces_gap1_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gap.json"
    assert gap_bench.main(["--only", "gap1-0", "--types", "", "--workers", "1", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [(r["instance"], r["cost"], r["reproduced"], r["violations"]) for r in rows] == [
        ("cattrysse1994/gap1-0", 261.0, True, 0)]
    assert "reproduced 1/1 published optima" in capsys.readouterr().out


def test_abuse_bench_runs_both_phases_against_a_real_server(tmp_path: Path) -> None:
    """The abuse benchmark in its quick mode: a small city, one second a phase, 2 normal clients."""
    out = tmp_path / "abuse.json"
    command = [sys.executable, "-m", "benchmarks.abuse_bench", "--volunteers", "300", "--seconds", "1", "--clients",
               "2", "--quick", "--db", str(tmp_path / "city.db"), "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["quiet_requests"] > 0 and figures["loud_requests"] > 0 and figures["errors"] == 0
    assert figures["abuse_queries"] > 0 and "OUT_OF_RANGE" not in figures["abuse_codes"]  # under every limit
    assert figures["ratio_p95"] > 0 and figures["peak_rss_mb"] > 50
    assert "p95 ratio with/without abuse" in done.stdout and "server peak RSS" in done.stdout


def test_assessment_bench_counts_the_same_statements_for_both_trees(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The assessment benchmark at a tiny size, on SQLite: both trees, the baseline, the verdict."""
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    assert assessment_bench.main(["--url", url, "--volunteers", "300", "--small-volunteers", "100", "--days", "5",
                                  "--orders-per-day", "10"]) == 0
    out = capsys.readouterr().out
    assert "516 units" in out and "76 units" in out and "per-unit baseline" in out
    assert "independent of the number of units" in out
def test_import_bench_runs_every_phase_on_both_backends(tmp_path: Path) -> None:
    """The import benchmark with a tiny roster: dry run, apply, re-import and the loader, SQLite and PostgreSQL."""
    out = tmp_path / "import.json"
    admin = os.environ.get("WENMING_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    command = [sys.executable, "-m", "benchmarks.import_bench", "--volunteers", "40", "--backends",
               "sqlite,postgresql", "--postgres-url", admin, "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = {f["backend"]: f for f in json.loads(out.read_text())}
    assert set(figures) == {"sqlite", "postgresql"}
    for backend in figures.values():
        assert backend["dry_run"]["created"] == 40 and not backend["dry_run"]["applied"]
        assert backend["apply"]["created"] == 40 and backend["apply"]["applied"] and backend["apply"]["errors"] == 0
        assert backend["reimport"]["unchanged"] == 40 and backend["reimport"]["created"] == 0
        assert backend["loader"]["rows"] == 40 and backend["apply"]["peak_rss_mb"] > 50
        assert backend["export"]["rows"] == 40
    assert "loader / import apply" in done.stdout and "target (>= 5,000 rows/s apply" in done.stdout


def test_replica_bench_runs_one_and_two_api_processes_on_postgresql(tmp_path: Path) -> None:
    """The replica benchmark at a tiny size: real `wenming serve` processes on a scratch PostgreSQL database."""
    out = tmp_path / "replica.json"
    admin = os.environ.get("WENMING_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    command = [sys.executable, "-m", "benchmarks.replica_bench", "--postgres-url", admin, "--volunteers", "100",
               "--seconds", "1", "--clients", "2", "--events", "3", "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["one"]["requests"] > 0 and figures["two"]["requests"] > 0
    assert figures["one"]["errors"] == 0 and figures["two"]["errors"] == 0
    assert figures["events"] == 3 and figures["B_max"] > 0 and figures["A_max"] > 0  # every event reached both
    assert "ratio 2 / 1 processes" in done.stdout and "subscriber on B (NOTIFY)" in done.stdout


def test_province_bench_solves_the_same_counties_on_a_local_cluster(tmp_path: Path) -> None:
    """The province benchmark with tiny counties: one by one here and as one job on a LocalCluster."""
    out = tmp_path / "province.json"
    command = [sys.executable, "-m", "benchmarks.province_bench", "--volunteers", "200", "--requests", "15",
               "--counts", "1,2", "--time-limit", "2", "--workers", "1", "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert [r["counties"] for r in figures["rows"]] == [1, 2]
    assert all(r["same_staffing"] and r["assigned"] > 0 for r in figures["rows"])
    assert all(len(r["worker_peak_mb"]) == 1 and r["worker_peak_mb"][0] > 50 for r in figures["rows"])
    assert "speed-up" in done.stdout and "peak MB per worker" in done.stdout
