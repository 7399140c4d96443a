"""GraphQL over HTTP compliance: graphql-http's server audit (npm) against `wenming serve`.

Runs when node and npm are on the PATH; with WENMING_REQUIRE_NODE=1 (CI) their absence is a
failure. The package is installed once into WENMING_NODE_CACHE (default
~/.cache/wenming/graphql-http), pinned. Every item of the audit has to pass: the MUSTs, and the
SHOULDs of the application/graphql-response+json media type (which the audit reports as warnings).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.auth.serving import wenming_serve

PACKAGES = ["graphql-http@1.23.1", "graphql@16.9.0"]
SCRIPT = Path(__file__).with_name("node") / "graphql_http_audit.mjs"


def _node_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("WENMING_REQUIRE_NODE") == "1":
            pytest.fail("node and npm are required (WENMING_REQUIRE_NODE=1)", pytrace=False)
        pytest.skip("node/npm not installed; set WENMING_REQUIRE_NODE=1 to make this an error")
    return node, npm


def _audit_dir(npm: str) -> Path:
    cache = Path(os.environ.get("WENMING_NODE_CACHE", Path.home() / ".cache" / "wenming" / "graphql-http"))
    if not (cache / "node_modules" / "graphql-http").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), *PACKAGES],
                       check=True, capture_output=True, timeout=300)
    shutil.copy(SCRIPT, cache / SCRIPT.name)  # ES modules resolve packages next to the script
    return cache


def test_graphql_http_audit_passes_every_must_and_should(tmp_path: Path) -> None:
    node, npm = _node_tools()
    directory = _audit_dir(npm)
    with wenming_serve(tmp_path) as (url, _):
        run = subprocess.run([node, str(directory / SCRIPT.name), url], check=False, capture_output=True, text=True,
                             timeout=120)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) > 30  # the audit ran its items
    errors = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] == "error"]
    assert errors == []
    warnings = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] == "warn"]
    assert warnings == []  # the SHOULDs
