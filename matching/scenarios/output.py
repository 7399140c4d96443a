"""Write a run's output folder all at once: files go to a temporary folder beside the target,
which is renamed into place at the end, so a failed or interrupted run leaves nothing half
written (an existing folder of the same name is replaced only after the new one is complete)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from matching.scenarios.kpis import without_timings
from matching.scenarios.report import kpis_csv
from matching.scenarios.runner import RunRecord


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def record_files(rec: RunRecord, prefix: str = "") -> dict[str, str]:
    """kpis.json and kpis.csv (KPIs, change log, fingerprint: byte-identical on every rerun of
    the same file, so without the wall-clock seconds), run.json (the whole record, seconds
    included, for `compare`)."""
    head = {"name": rec.name, "point": rec.point, "fingerprint": rec.fingerprint, "changes": rec.log}
    files = {f"{prefix}kpis.json": to_json({**head, "kpis": without_timings(rec.kpis)}),
             f"{prefix}kpis.csv": kpis_csv([dataclasses.replace(rec, kpis=without_timings(rec.kpis))]),
             f"{prefix}run.json": to_json(dataclasses.asdict(dataclasses.replace(rec, result_json=None)))}
    if rec.result_json is not None:
        files[f"{prefix}result.json"] = to_json(rec.result_json)
    return files


def load_record(folder: Path) -> RunRecord:
    """A record written by `record_files` (for comparing earlier runs without solving again)."""
    doc = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    for key in ("towns", "stations", "requests", "lines"):
        doc[key] = [tuple(x) for x in doc[key]]
    return RunRecord(**doc)


def write_folder(target: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative name -> text) as the folder `target`, atomically."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / "x")
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
