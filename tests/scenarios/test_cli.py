"""`wenming scenario run | compare | sweep` end to end on a tiny base: outputs, reproducibility,
bad input (exit code 2, nothing written), the local pool and a real Dask LocalCluster.

Every solve here runs with `workers = 1` in one process (a sweep point too, on whichever pool or
Dask worker it lands), so the engine budgets it in CP-SAT deterministic time, not wall-clock
time: OPTIMAL and identical KPIs are asserted only for such runs, and each one is checked to be
proven OPTIMAL before its KPIs are compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching.scenarios import kinds, kpis
from matching.scenarios.cli import main
from tests.scenarios.conftest import TINY
from wenming.cli import main as wenming_main

CHANGES = '\n[[changes]]\ntype = "remove_volunteers"\ntown = "yunhe"\nshare = 0.3333\n'


def _kpis(folder: Path) -> dict:
    return json.loads((folder / "kpis.json").read_text(encoding="utf-8"))["kpis"]


def test_run_writes_report_and_kpis_and_reruns_identically(write_scenario, tmp_path: Path, capsys) -> None:
    file = write_scenario(TINY + CHANGES)
    assert wenming_main(["scenario", "run", str(file), "-o", str(tmp_path / "a"), "-q"]) == 0
    assert main(["run", str(file), "-o", str(tmp_path / "b"), "-q"]) == 0
    a, b = _kpis(tmp_path / "a"), _kpis(tmp_path / "b")
    assert a["solve"]["status"] == b["solve"]["status"] == "OPTIMAL"
    for name in ("kpis.json", "kpis.csv"):   # the same bytes: no wall-clock figure in them
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert "seconds" not in a["solve"]
    assert json.loads((tmp_path / "a" / "run.json").read_text(encoding="utf-8"))["kpis"]["solve"]["seconds"] > 0
    assert 0 < a["staffing"]["overall"]["rate"] <= 1
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 4
    assert not any(ref in html for ref in ("<script", "<link", "<img", 'src="', 'href="http', "url(http"))
    csv_text = (tmp_path / "a" / "kpis.csv").read_text(encoding="utf-8")
    assert "staffing,by_institute.yunhe,rate," in csv_text
    assert "report:" in capsys.readouterr().out


def test_another_seed_changes_the_outcome(write_scenario, tmp_path: Path) -> None:
    """The reproducibility test above must be able to fail: a different seed removes other people."""
    assert main(["run", str(write_scenario(TINY + CHANGES)), "-o", str(tmp_path / "a"), "-q"]) == 0
    other = write_scenario(TINY.replace("seed = 2", "seed = 9") + CHANGES, "t.toml")
    assert main(["run", str(other), "-o", str(tmp_path / "b"), "-q"]) == 0
    assert json.loads((tmp_path / "a" / "kpis.json").read_text())["fingerprint"] != \
        json.loads((tmp_path / "b" / "kpis.json").read_text())["fingerprint"]


@pytest.mark.parametrize("text, message", [
    (TINY + "[report]\ntitel = \"x\"\n", "s.toml: line 14: report.titel: unknown key"),
    (TINY + '[[changes]]\ntype = "remove_volunteers"\ntown = "atlantis"\nshare = 0.5\n', "changes[0].town"),
    ('[base]\nkind = "problem"\npath = "nowhere.json"\n', "the base problem cannot be used: cannot read"),
    ('[base]\nkind = "problem"\npath = "bad.json"\n', "the base problem cannot be used: malformed JSON at line 1"),
])
def test_bad_input_exits_2_names_the_place_and_writes_nothing(write_scenario, tmp_path: Path, capsys,
                                                              text: str, message: str) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    file = write_scenario(text)
    assert main(["run", str(file), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and "wenming scenario run" in err
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "s.toml"]


def test_sweep_parameter_errors_exit_2(write_scenario, tmp_path: Path, capsys) -> None:
    file = write_scenario(TINY)
    assert main(["sweep", str(file), "--param", "max_travel_km=", "-o", str(tmp_path / "o")]) == 2
    assert "--param max_travel_km: has no values" in capsys.readouterr().err
    assert main(["sweep", str(file), "--param", "speed=3,4", "-o", str(tmp_path / "o")]) == 2
    assert "unknown sweep parameter" in capsys.readouterr().err
    assert main(["sweep", str(file), "-o", str(tmp_path / "o")]) == 2
    assert "nothing to sweep" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_problem_json_base_and_compare_with_a_run_folder(write_scenario, tmp_path: Path) -> None:
    tiny = Path(__file__).parents[2] / "examples" / "problems" / "tiny.json"
    file = write_scenario(f'name = "from-json"\n[base]\nkind = "problem"\npath = "{tiny}"\n[engine]\ntime_limit = 5\n')
    assert main(["run", str(file), "-o", str(tmp_path / "run"), "-q"]) == 0
    other = write_scenario(TINY, "tiny.toml")
    assert main(["compare", str(tmp_path / "run"), str(other), "-o", str(tmp_path / "cmp"), "-q"]) == 0
    html = (tmp_path / "cmp" / "report.html").read_text(encoding="utf-8")
    assert "from-json − from-json" not in html and "tiny − from-json" in html
    assert (tmp_path / "cmp" / "runs" / "2" / "kpis.json").is_file()


def test_compare_of_two_runs_of_one_file_prints_zero_differences(write_scenario, tmp_path: Path, capsys) -> None:
    # reproducible runs: the side-by-side table in the terminal shows no difference but the clock's
    file = write_scenario(TINY + CHANGES)
    assert main(["run", str(file), "-o", str(tmp_path / "a"), "-q"]) == 0
    assert main(["compare", str(tmp_path / "a"), str(file), "-o", str(tmp_path / "cmp"), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "headline, side by side" in printed
    rows = [line for line in printed.splitlines() if line.startswith("│") and "KPI" not in line]
    assert len(rows) >= 10
    for line in rows:
        cells = [c.strip() for c in line.strip("│").split("│")]
        assert cells[-1] == "0" or cells[-1].endswith("(clock)"), line
    assert any("gap" in line and "0.00 %" in line for line in rows)


def test_sweep_on_the_local_pool_matches_one_by_one(write_scenario, tmp_path: Path) -> None:
    file = write_scenario(TINY)
    args = ["sweep", str(file), "--param", "max_travel_km=5,15", "--param", "volunteers_scale=0.8,1", "-q"]
    assert main([*args, "--jobs", "2", "-o", str(tmp_path / "pool")]) == 0
    assert main([*args, "--jobs", "1", "-o", str(tmp_path / "seq")]) == 0
    pool = json.loads((tmp_path / "pool" / "kpis.json").read_text())
    seq = json.loads((tmp_path / "seq" / "kpis.json").read_text())
    assert {p["kpis"]["solve"]["status"] for p in pool + seq} == {"OPTIMAL"}
    assert [p["point"] for p in pool] == [{"max_travel_km": 5.0, "volunteers_scale": 0.8},
                                          {"max_travel_km": 5.0, "volunteers_scale": 1.0},
                                          {"max_travel_km": 15.0, "volunteers_scale": 0.8},
                                          {"max_travel_km": 15.0, "volunteers_scale": 1.0}]
    assert [kpis.without_timings(p["kpis"]) for p in pool] == [kpis.without_timings(p["kpis"]) for p in seq]
    rates = [p["kpis"]["staffing"]["overall"]["rate"] for p in pool]
    assert rates[0] <= rates[2] and rates[1] <= rates[3]  # a looser cap never staffs fewer
    assert (tmp_path / "pool" / "points" / "max_travel_km=5,volunteers_scale=0.8" / "kpis.csv").is_file()


def test_sweep_on_a_dask_local_cluster(write_scenario, tmp_path: Path, monkeypatch) -> None:
    """The workers are fresh processes that registered no base kind: the generated base's builder
    travels with the scenario. Each point solves in its worker with one CP-SAT worker, so the
    KPIs equal those of the same points one by one."""
    from distributed import LocalCluster  # optional dependency (the `distributed` extra)

    file = write_scenario(TINY)
    args = ["sweep", str(file), "--param", "max_travel_km=5,15", "-q"]
    assert main([*args, "--jobs", "1", "-o", str(tmp_path / "seq")]) == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        monkeypatch.setenv("WENMING_DASK_SCHEDULER", cluster.scheduler_address)
        assert main([*args, "-o", str(tmp_path / "d")]) == 0
    got = json.loads((tmp_path / "d" / "kpis.json").read_text())
    seq = json.loads((tmp_path / "seq" / "kpis.json").read_text())
    assert [p["point"]["max_travel_km"] for p in got] == [5.0, 15.0]
    assert {p["kpis"]["solve"]["status"] for p in got + seq} == {"OPTIMAL"}
    assert [kpis.without_timings(p["kpis"]) for p in got] == [kpis.without_timings(p["kpis"]) for p in seq]


def test_a_base_kind_nobody_registered_exits_2_naming_file_line_and_key(write_scenario, tmp_path: Path,
                                                                        capsys, monkeypatch) -> None:
    """`matching` builds only problem JSON bases itself; without the examples' registration a
    generated base is refused, on the line of `kind`, before anything is written."""
    monkeypatch.setattr(kinds, "_KINDS", {})
    file = write_scenario(TINY)
    assert main(["run", str(file), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f'{file}: line 6: base.kind: a "generated" base cannot be read here: no builder is registered' in err
    assert not (tmp_path / "out").exists()


def test_a_registered_kind_checks_its_values_when_the_file_is_read(write_scenario, tmp_path: Path, capsys) -> None:
    file = write_scenario(TINY.replace("volunteers = 300", 'preset = "huge"'))
    assert main(["run", str(file), "-o", str(tmp_path / "out")]) == 2
    assert f"{file}: line 7: base.preset: unknown preset; expected one of small, medium, county, week" in \
        capsys.readouterr().err
