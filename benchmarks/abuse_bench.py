"""Abuse benchmark (issue 12, H3): do the most expensive queries the limits allow stall everyone else?

    python -m benchmarks.abuse_bench                        # Pizhou with 150,000 volunteers, 20 s a phase
    python -m benchmarks.abuse_bench --db /tmp/pizhou.db    # reuse a loaded SQLite file (api_bench's too)
    python -m benchmarks.abuse_bench --volunteers 300 --seconds 1 --quick   # the smoke test's size

The server runs as `wenming serve` does (uvicorn in its own process, SQLite file; rate limits
lifted, so the abuser is held back by nothing but the per-document limits). Phase 1, the
baseline: `--clients` clients (8) send a mix of the README tour's reads for `--seconds`, one
request after another, each timed. Phase 2: the same, plus one more client, in a process of its
own, sending the most expensive queries the limits allow, as fast as it can: for each template
below, the page sizes are raised until the query's cost (computed with the server's own cost
model) sits just under `WENMING_MAX_COST`, and the deepest one also goes to `WENMING_MAX_DEPTH`.
Printed: p50/p95 of the normal reads without and with the abuse, the p95 ratio (target at most
2x), the abuser's queries and their times, and the server's peak RSS (sampled from /proc every
50 ms, and the kernel's high-water mark).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from benchmarks.api_bench import free_port, gid, percentile, prepare_database, start_server
from wenming.accounts_cli import service_token
from wenming.graphql import schema
from wenming.limits import depth_and_aliases, query_cost
from wenming.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "examples" / "operations"
TARGET_RATIO = 2.0

#: The normal reads: the README tour's read operations (examples/operations), equally often.
NORMAL = ("tree_navigation", "station_effective_menu", "volunteer_search", "node_lookup", "orders_of_the_day",
          "skills_catalogue", "units_near", "specialist_teams", "practice_bases")

#: The abuser's templates; `$n` (and `$m`) are page sizes raised until the cost is just under the limit.
ABUSE = {
    # the H3 query: every unit's whole subtree with its counts and menus, once per unit of a page
    "descendants": """query($n: Int) { units(first: $n) { edges { node { descendants {
        name location { lat lon } counts { stations volunteers openOrders } menu { name } teams { name } } } } } }""",
    # the widest: volunteers with everything they hold, a page of the largest size
    "widest": """query($n: Int) { volunteers(first: $n) { totalCount edges { node { name phone
        skills { skill { name } level } teams { name unit { name teams { name } } } memberships { team { name } }
        unit { name parent { name } menu { name } teams { name unit { name } } } availability { weekly { weekday } } }
        } } }""",
    # the whole tree, each level with menus and required skills, as wide as the cost allows
    "tree": """query($n: Int) { units(first: $n) { edges { node { name effectiveMenu { name
        requiredSkills { skill { name } } } children { name counts { volunteers }
        children { name teamCount menu { name } } } } } } }""",
    # the deepest: up and down the tree to the depth limit, two levels of children on the way
    "deepest": "query($n: Int) { volunteers(first: $n) { edges { node { " + " { ".join(
        ["unit", "parent", "parent", "children", "parent", "parent", "children", "parent", "parent", "parent",
         "parent", "name"]) + " }" * 15,
}


def read_operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


def cost_and_depth(document: str, variables: dict[str, Any], max_page_size: int) -> tuple[int, int]:
    """The cost and depth the server computes for `document` (wenming/limits.py)."""
    doc = parse(document)
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    depth, _ = depth_and_aliases(operation, fragments)
    return query_cost(schema._schema, operation, fragments, variables, max_page_size), depth


def just_under(document: str, max_cost: int, max_page_size: int) -> dict[str, Any]:
    """The largest page size `n` (at most the maximum page size) whose cost stays within `max_cost`."""
    best = 0
    low, high = 1, max_page_size
    while low <= high:
        middle = (low + high) // 2
        if cost_and_depth(document, {"n": middle}, max_page_size)[0] <= max_cost:
            best, low = middle, middle + 1
        else:
            high = middle - 1
    if best == 0:
        raise SystemExit(f"no page size keeps this query under the cost limit:\n{document}")
    return {"n": best}


# ---------------------------------------------------------------------------------------------
# Data


def normal_requests(db_path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, document, variables) of the normal mix, with IDs read from the loaded data."""
    conn = sqlite3.connect(db_path)
    center = conn.execute("SELECT id FROM units WHERE level = 'CENTER' ORDER BY id LIMIT 1").fetchone()[0]
    doctor = conn.execute("SELECT id FROM skills ORDER BY (code = 'doctor') DESC, id LIMIT 1").fetchone()[0]
    day = str(conn.execute("SELECT min(window_start) FROM orders").fetchone()[0] or "2026-12-01")[:10]
    stations = [row[0] for row in conn.execute("SELECT id FROM units WHERE level = 'STATION' ORDER BY id LIMIT 50")]
    conn.close()
    variables: dict[str, dict[str, Any]] = {
        "volunteer_search": {"skill": gid("Skill", doctor), "unitSubtree": gid("Unit", center), "availableOn": day},
        "orders_of_the_day": {"date": day, "unitSubtree": gid("Unit", center)},
        "node_lookup": {"id": gid("Unit", random.Random(3).choice(stations))},
        "skills_catalogue": {"domain": "HEALTH"},
        "units_near": {"level": "STATION"},
        "specialist_teams": {"domain": "HEALTH", "unitSubtree": gid("Unit", center)},
        "practice_bases": {"category": "RED_HERITAGE"},
    }
    return [(name, read_operation(name), variables.get(name, {})) for name in NORMAL]


# ---------------------------------------------------------------------------------------------
# Measurement


class RssSampler:
    """Peak resident memory of a process, sampled from /proc every 50 ms while running."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def status_kb(self, key: str) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.status_kb("VmRSS"))
            self._stop.wait(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    peak_rss_mb: float = 0.0
    abuse: dict[str, Any] = field(default_factory=dict)

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) if self.latencies else float("nan")


async def run_normal(base_url: str, headers: dict[str, str], requests: list[tuple[str, str, dict[str, Any]]],
                     clients: int, seconds: float) -> Phase:
    phase = Phase()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=120) as client:
        stop_at = time.perf_counter() + seconds

        async def worker(offset: int) -> None:
            i = offset
            while time.perf_counter() < stop_at:
                _, document, variables = requests[i % len(requests)]
                i += 1
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": document, "variables": variables})
                phase.latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    phase.errors += 1

        await asyncio.gather(*(worker(k) for k in range(clients)))
    return phase


def abuse_loop(base_url: str, headers: dict[str, str], queries: list[tuple[str, str, dict[str, Any]]],
               ready: Any, stop: Any, out: Any) -> None:
    """The abuser (its own process): the queries in turn, back to back, from `ready` until `stop`."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in queries}
    sizes: dict[str, list[int]] = {name: [] for name, _, _ in queries}
    codes: dict[str, int] = {}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        client.get("/healthz")  # connected
        ready.set()
        i = 0
        while not stop.is_set():
            name, document, variables = queries[i % len(queries)]
            i += 1
            started = time.perf_counter()
            response = client.post("/graphql", json={"query": document, "variables": variables})
            times[name].append(time.perf_counter() - started)
            sizes[name].append(len(response.content))
            body = response.json() if response.status_code == 200 else {"errors": [{"extensions": {
                "code": f"HTTP {response.status_code}"}}]}
            for error in body.get("errors") or []:
                code = (error.get("extensions") or {}).get("code", "?")
                codes[code] = codes.get(code, 0) + 1
    out.put({"times": times, "sizes": sizes, "codes": codes})


def measure(base_url: str, headers: dict[str, str], server_pid: int, requests: list[tuple[str, str, dict[str, Any]]],
            abuse: list[tuple[str, str, dict[str, Any]]] | None, clients: int, seconds: float) -> Phase:
    """One phase: the normal clients for `seconds`, beside the abuser when `abuse` is given."""
    with RssSampler(server_pid) as rss:
        if abuse is None:
            phase = asyncio.run(run_normal(base_url, headers, requests, clients, seconds))
        else:
            context = multiprocessing.get_context("spawn")
            out, ready, stop = context.Queue(), context.Event(), context.Event()
            abuser = context.Process(target=abuse_loop, args=(base_url, headers, abuse, ready, stop, out))
            abuser.start()
            if not ready.wait(120):
                raise SystemExit("the abusing client did not start")
            phase = asyncio.run(run_normal(base_url, headers, requests, clients, seconds))
            stop.set()
            phase.abuse = out.get(timeout=180)
            abuser.join(timeout=30)
    phase.peak_rss_mb = rss.peak_kb / 1024
    return phase


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file: reused if it exists, else loaded")
    parser.add_argument("--clients", type=int, default=8, help="clients sending the normal reads")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each phase")
    parser.add_argument("--quick", action="store_true", help="smoke-test size: no warm-up")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)

    url, db_path = prepare_database(args.db, args.volunteers)
    volunteers = sqlite3.connect(db_path).execute("SELECT count(*) FROM volunteers").fetchone()[0]
    settings = replace(read_settings(), database_url=url)
    headers = {"Authorization": f"Bearer {service_token(settings)}"}
    limits = settings.limits
    requests = normal_requests(db_path)
    abuse = []
    for name, document in ABUSE.items():
        variables = just_under(document, limits.max_cost, settings.max_page_size)
        cost, depth = cost_and_depth(document, variables, settings.max_page_size)
        assert depth <= limits.max_depth, (name, depth)
        abuse.append((name, document, variables))
        print(f"abuse query {name:12} first={variables['n']:3}  cost {cost:6} of {limits.max_cost}, depth {depth}")

    port = free_port()
    server = start_server(url, port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
            for name, document, variables in requests + abuse:  # warm-up; every document is accepted
                body = client.post("/graphql", json={"query": document, "variables": variables}).json()
                codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
                assert "OUT_OF_RANGE" not in codes and (body.get("data") or codes), (name, body.get("errors"))
                if name in NORMAL:
                    assert not codes, (name, body["errors"])
        if not args.quick:
            measure(base_url, headers, server.pid, requests, None, args.clients, min(5.0, args.seconds))
        quiet = measure(base_url, headers, server.pid, requests, None, args.clients, args.seconds)
        loud = measure(base_url, headers, server.pid, requests, abuse, args.clients, args.seconds)
        high_water_mb = RssSampler(server.pid).status_kb("VmHWM") / 1024
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio = loud.p(0.95) / quiet.p(0.95)
    print()
    print(f"Pizhou, {volunteers:,} volunteers, SQLite; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    print(f"normal reads: {args.clients} clients, {args.seconds:g} s a phase   requests  errors  p50 ms  p95 ms")
    for label, phase in (("without abuse", quiet), ("with abuse", loud)):
        print(f"    {label:42} {len(phase.latencies):8}  {phase.errors:6}  {phase.p(0.5) * 1e3:6.1f}  "
              f"{phase.p(0.95) * 1e3:6.1f}")
    print(f"    p95 ratio with/without abuse: {ratio:.2f}x   (target <= {TARGET_RATIO:g}x: "
          f"{'PASS' if ratio <= TARGET_RATIO else 'MISS'})")
    print("abuser (one client, back to back):   queries  median s    max s  median KiB")
    for name, _, _ in abuse:
        times = loud.abuse["times"][name]
        sizes = loud.abuse["sizes"][name]
        if times:
            print(f"    {name:32} {len(times):8}  {statistics.median(times):8.2f} {max(times):8.2f}  "
                  f"{statistics.median(sizes) / 1024:10.0f}")
    print(f"    error codes: {loud.abuse['codes'] or 'none'}")
    print(f"server peak RSS: {quiet.peak_rss_mb:.0f} MB without abuse, {loud.peak_rss_mb:.0f} MB with; "
          f"high-water mark {high_water_mb:.0f} MB")
    figures = {"volunteers": volunteers, "clients": args.clients, "seconds": args.seconds,
               "quiet_p50": quiet.p(0.5), "quiet_p95": quiet.p(0.95), "loud_p50": loud.p(0.5),
               "loud_p95": loud.p(0.95), "ratio_p95": ratio, "quiet_requests": len(quiet.latencies),
               "loud_requests": len(loud.latencies), "errors": quiet.errors + loud.errors,
               "abuse_queries": sum(len(loud.abuse["times"][n]) for n, _, _ in abuse),
               "abuse_codes": loud.abuse["codes"], "peak_rss_mb": max(quiet.peak_rss_mb, loud.peak_rss_mb),
               "high_water_mb": high_water_mb}
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))
    if args.json is not None:
        args.json.write_text(json.dumps(figures), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
