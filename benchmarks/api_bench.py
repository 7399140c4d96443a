"""API benchmarks: (b) the whole-tree query served over HTTP vs the graphql-core floor, and
(c) node(id) lookups per second with concurrent clients. Not part of the test run.

    python -m benchmarks.api_bench                       # Pizhou with 150,000 volunteers
    python -m benchmarks.api_bench --volunteers 20000 --runs 30 --seconds 10
    python -m benchmarks.api_bench --db /tmp/pizhou.db   # reuse a loaded SQLite file

(b) `examples/operations/whole_tree.graphql` (center -> institutes -> stations with their menus
and team counts) is posted to a uvicorn server running the app exactly as `wenming serve` does
(a separate process, SQLite file, the same event loop). Beside it, in this process, graphql-core executes the same
document against the schema built from schema.graphql over the same data held in plain Python
dicts, with its default resolvers: the floor that any Python GraphQL server pays for this
response. The two are measured alternately so both see the same machine load, their results are
checked to be equal, and the ratio of the medians is printed (target: <= 2.5x). On a shared
machine wall-clock ratios move with the load of other processes, so the CPU time per request of
the server process (from /proc) and of the floor are printed too: their ratio does not.

(c) `node(id)` for random volunteers, from `--clients` concurrent httpx clients against the same
server, for `--seconds`: requests per second and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from graphql import build_schema, execute, parse

from wenming.accounts_cli import service_token
from wenming.server import EVENT_LOOP
from wenming.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
WHOLE_TREE = (ROOT / "examples" / "operations" / "whole_tree.graphql").read_text(encoding="utf-8")
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Volunteer { name phone unit { name } } } }"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


# ---------------------------------------------------------------------------------------------
# Data


def prepare_database(path: Path | None, volunteers: int) -> tuple[str, Path]:
    if path is not None and path.exists():
        print(f"using the loaded database {path}")
        return f"sqlite:///{path}", path
    from examples.load import load_city

    target = path or Path(tempfile.mkdtemp(prefix="wenming-bench-")) / "pizhou.db"
    url = f"sqlite:///{target}"
    started = time.perf_counter()
    load_city(url, "pizhou", volunteers=volunteers, seed=1, progress=True)
    print(f"loaded Pizhou with {volunteers:,} volunteers into {target} in {time.perf_counter() - started:.1f} s")
    return url, target


def floor_root(db_path: Path) -> dict[str, Any]:
    """The data of the whole-tree query as plain dicts, shaped like the GraphQL response."""
    conn = sqlite3.connect(db_path)
    units: dict[int, dict[str, Any]] = {}
    centers = []
    rows = conn.execute("SELECT id, code, name, lat, lon, parent_id, level FROM units ORDER BY id")
    for pk, code, name, lat, lon, parent, level in rows:
        unit = {"id": gid("Unit", pk), "code": code, "name": name, "location": {"lat": lat, "lon": lon},
                "teamCount": 0, "menu": [], "children": []}
        units[pk] = unit
        if parent is None and level == "CENTER":
            centers.append(unit)
        elif parent is not None:
            units[parent]["children"].append(unit)
    for pk, count in conn.execute("SELECT unit_id, count(*) FROM teams GROUP BY unit_id"):
        units[pk]["teamCount"] = count
    items: dict[int, dict[str, Any]] = {}
    menus: dict[int, list[dict[str, Any]]] = defaultdict(list)
    offers = conn.execute(
        "SELECT m.unit_id, i.id, i.name, i.domain FROM menu_offers m JOIN service_items i ON i.id = m.item_id "
        "ORDER BY i.id"
    )
    for unit_pk, item_pk, name, domain in offers:
        item = items.setdefault(item_pk, {"id": gid("ServiceItem", item_pk), "name": name, "domain": domain})
        menus[unit_pk].append(item)
    for pk, menu in menus.items():
        units[pk]["menu"] = menu
    conn.close()
    return {"units": {"edges": [{"node": center} for center in centers]}}


# ---------------------------------------------------------------------------------------------
# Server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    # The benchmark is one account on one address: lift the rate limits so they are not what is measured.
    env = {**os.environ, "WENMING_DATABASE_URL": url, "WENMING_LOG_LEVEL": "WARNING", "WENMING_ENV": "development",
           "WENMING_RATE_PER_ADDRESS": "100000000", "WENMING_RATE_PER_ACCOUNT": "100000000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "wenming.app:create_app_from_env", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--ws", "websockets-sansio", "--loop", EVENT_LOOP],
        env=env, cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not answer /healthz within 30 s")


# ---------------------------------------------------------------------------------------------
# (b) whole tree


def bench_whole_tree(base_url: str, headers: dict[str, str], db_path: Path, runs: int) -> dict[str, float]:
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    document = parse(WHOLE_TREE)
    root = floor_root(db_path)
    # The floor's data live for the whole run: keep them out of the cyclic collector's way so that
    # the floor is as fast as graphql-core can be (about 10 % faster than without).
    gc.collect()
    gc.freeze()
    served, floor, floor_cpu = [], [], []
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        for _ in range(3):  # warm-up: imports, caches, connection pool
            response = client.post("/graphql", json={"query": WHOLE_TREE})
            execute(schema, document, root_value=root)
        body = response.json()
        expected = execute(schema, document, root_value=root)
        assert "errors" not in body and not expected.errors, (body.get("errors"), expected.errors)
        assert body["data"] == expected.data, "the floor does not compute the same response as the server"
        stations = sum(len(i["children"]) for c in body["data"]["units"]["edges"] for i in c["node"]["children"])
        print(f"whole tree: {stations} stations, {len(response.content) / 1024:.0f} KiB of JSON")
        for _ in range(runs):
            started = time.perf_counter()
            client.post("/graphql", json={"query": WHOLE_TREE}).raise_for_status()
            served.append(time.perf_counter() - started)
            started, cpu_started = time.perf_counter(), time.process_time()
            execute(schema, document, root_value=root)
            floor.append(time.perf_counter() - started)
            floor_cpu.append(time.process_time() - cpu_started)
    return {
        "served_p50": statistics.median(served), "served_p99": percentile(served, 0.99),
        "floor_p50": statistics.median(floor), "floor_p99": percentile(floor, 0.99),
        "floor_cpu": statistics.fmean(floor_cpu),
    }


# ---------------------------------------------------------------------------------------------
# (c) node(id) throughput


async def bench_node(base_url: str, headers: dict[str, str], volunteers: int, clients: int,
                     seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:
        stop_at = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                variables = {"id": gid("Volunteer", rng.randint(1, volunteers))}
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": NODE, "variables": variables})
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99)}


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file: reused if it exists, else loaded")
    parser.add_argument("--runs", type=int, default=50, help="whole-tree runs (each: one served, one floor)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients for node(id)")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of the node(id) run")
    args = parser.parse_args(argv)

    url, db_path = prepare_database(args.db, args.volunteers)
    volunteers = sqlite3.connect(db_path).execute("SELECT count(*) FROM volunteers").fetchone()[0]
    headers = {"Authorization": f"Bearer {service_token(replace(read_settings(), database_url=url))}"}
    port = free_port()
    server = start_server(url, port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        cpu_before = cpu_seconds(server.pid)
        tree = bench_whole_tree(base_url, headers, db_path, args.runs)
        cpu_tree = cpu_seconds(server.pid)
        node = asyncio.run(bench_node(base_url, headers, volunteers, args.clients, args.seconds))
        cpu_node = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio50 = tree["served_p50"] / tree["floor_p50"]
    ratio99 = tree["served_p99"] / tree["floor_p99"]
    print()
    print(f"Pizhou, {volunteers:,} volunteers, SQLite; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    print(f"(b) whole tree, {args.runs} runs     p50 ms    p99 ms")
    print(f"    served over HTTP         {tree['served_p50'] * 1e3:8.1f}  {tree['served_p99'] * 1e3:8.1f}")
    print(f"    graphql-core over dicts  {tree['floor_p50'] * 1e3:8.1f}  {tree['floor_p99'] * 1e3:8.1f}")
    print(f"    ratio                    {ratio50:8.2f}x {ratio99:8.2f}x   (target <= 2.5x)")
    print(f"(c) node(id), {args.clients} clients, {args.seconds:.0f} s: {node['rps']:.0f} requests/s, "
          f"p50 {node['p50'] * 1e3:.1f} ms, p99 {node['p99'] * 1e3:.1f} ms, {node['errors']} errors "
          f"of {node['requests']:.0f}")
    if cpu_before is not None and cpu_tree is not None and cpu_node is not None:
        # Server CPU per request does not depend on how busy the machine is: it bounds the rate one
        # core can serve, whatever the client and other processes take.
        tree_ms = (cpu_tree - cpu_before) / (args.runs + 3) * 1e3  # + the warm-up requests
        node_ms = (cpu_node - cpu_tree) / node["requests"] * 1e3
        floor_ms = tree["floor_cpu"] * 1e3
        print(f"CPU per whole tree: server {tree_ms:.0f} ms (HTTP, JSON and all), floor {floor_ms:.0f} ms: "
              f"{tree_ms / floor_ms:.2f}x -- the load-independent ratio")
        print(f"server CPU per node(id): {node_ms:.2f} ms (= {1000 / node_ms:.0f} requests/s per core)")
    print(json.dumps({"volunteers": volunteers, **{k: round(v, 5) for k, v in tree.items()},
                      "ratio_p50": round(ratio50, 3), "ratio_p99": round(ratio99, 3),
                      "node_rps": round(node["rps"], 1), "node_p50": round(node["p50"], 5),
                      "node_p99": round(node["p99"], 5)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
