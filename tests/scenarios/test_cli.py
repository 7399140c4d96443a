"""`wenming scenario run | compare | sweep` end to end on a tiny base: outputs, reproducibility,
bad input (exit code 2, nothing written), the local pool and a real Dask LocalCluster."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from matching.scenarios import kpis
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
    assert kpis.without_timings(a) == kpis.without_timings(b)
    assert a["solve"]["status"] == "OPTIMAL" and 0 < a["staffing"]["overall"]["rate"] <= 1
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


def test_sweep_on_the_local_pool_matches_one_by_one(write_scenario, tmp_path: Path) -> None:
    file = write_scenario(TINY)
    args = ["sweep", str(file), "--param", "max_travel_km=5,15", "--param", "volunteers_scale=0.8,1", "-q"]
    assert main([*args, "--jobs", "2", "-o", str(tmp_path / "pool")]) == 0
    assert main([*args, "--jobs", "1", "-o", str(tmp_path / "seq")]) == 0
    pool = json.loads((tmp_path / "pool" / "kpis.json").read_text())
    seq = json.loads((tmp_path / "seq" / "kpis.json").read_text())
    assert [p["point"] for p in pool] == [{"max_travel_km": 5.0, "volunteers_scale": 0.8},
                                          {"max_travel_km": 5.0, "volunteers_scale": 1.0},
                                          {"max_travel_km": 15.0, "volunteers_scale": 0.8},
                                          {"max_travel_km": 15.0, "volunteers_scale": 1.0}]
    assert [kpis.without_timings(p["kpis"]) for p in pool] == [kpis.without_timings(p["kpis"]) for p in seq]
    rates = [p["kpis"]["staffing"]["overall"]["rate"] for p in pool]
    assert rates[0] <= rates[2] and rates[1] <= rates[3]  # a looser cap never staffs fewer
    assert (tmp_path / "pool" / "points" / "max_travel_km=5,volunteers_scale=0.8" / "kpis.csv").is_file()


def test_sweep_on_a_dask_local_cluster(write_scenario, tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster

    file = write_scenario(TINY)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        monkeypatch.setenv("WENMING_DASK_SCHEDULER", cluster.scheduler_address)
        assert main(["sweep", str(file), "--param", "max_travel_km=5,15", "-q", "-o", str(tmp_path / "d")]) == 0
    got = json.loads((tmp_path / "d" / "kpis.json").read_text())
    assert [p["point"]["max_travel_km"] for p in got] == [5.0, 15.0]
    assert all(p["kpis"]["solve"]["status"] == "OPTIMAL" for p in got)


def test_scenarios_import_nothing_outside_the_pure_layers() -> None:
    root = Path(__file__).parents[2] / "matching" / "scenarios"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] not in {"schema", "resolvers", "db", "wenming"}, (path.name, name)
