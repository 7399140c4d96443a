"""API replicas on one PostgreSQL database: node(id) requests per second with one and with two
API processes, and the latency of an outbox event from a write on process A to a subscriber on
process B. Not part of the test run.

    python -m benchmarks.replica_bench                          # Pizhou, 20,000 volunteers, 15 s a phase
    python -m benchmarks.replica_bench --volunteers 2000 --seconds 5 --events 50
    python -m benchmarks.replica_bench --postgres-url postgresql://postgres@db:5432/postgres

A scratch database is created on the PostgreSQL server of `--postgres-url`, migrated and loaded
with Pizhou (`examples.load.load_city`), and dropped at the end. The API processes are real
`wenming serve` subprocesses on loopback ports, each one process (not `--workers 2` on one port:
two ports let the latency phase choose which process a client talks to), the rate limits lifted
so that they are not what is measured. Requests are made by a platform admin (`service_token`).

(1) node(id): `--clients` concurrent httpx clients (asyncio, in this process) send node(id) for
random volunteers for `--seconds`, first against process A alone, then spread round-robin over A
and B (client i talks to process i mod 2). Printed: requests/s, p50, p95 and the ratio 2 / 1.
The clients run on the same machine as the servers, so on a small machine they take CPU the
servers would otherwise get: the ratio is a lower bound of what a second process brings.

(2) outbox latency: `--events` orders are submitted (through A, untimed), then reviewed one at a
time through A (`orderReview`: SUBMITTED -> REVIEWED writes an ORDER_STATUS_CHANGED outbox event
in the same transaction). Two `notifications` subscribers (graphql-transport-ws) are connected
meanwhile, one to A (the baseline: the in-process wake-up) and one to B (woken by PostgreSQL
NOTIFY, then reading the outbox). The latency of an event is the time from sending the mutation to
its arrival at the subscriber; both subscribers see the same events. Printed: p50, p95 and max of
each, and the mutation's own round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, make_url, text
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from wenming.accounts_cli import service_token
from wenming.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Volunteer { name phone unit { name } } } }"
SUBMIT = """mutation Submit($input: OrderSubmitInput!) {
  orderSubmit(input: $input) { order { id code } userErrors { field message code } } }"""
REVIEW = """mutation Review($input: OrderReviewInput!) {
  orderReview(input: $input) { order { id status } userErrors { field message code } } }"""
NOTIFICATIONS = "subscription { notifications { cursor kind order payload } }"
SERVE_TIMEOUT = 60  # seconds for a server to answer /healthz


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


# ---------------------------------------------------------------------------------------------
# The database and the servers


@contextmanager
def scratch_database(postgres_url: str, volunteers: int) -> Iterator[str]:
    """A migrated PostgreSQL database loaded with Pizhou, dropped afterwards."""
    from examples.load import load_city

    admin = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"wenming_replica_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        started = time.perf_counter()
        load_city(url, "pizhou", volunteers=volunteers, seed=1, progress=False)
        print(f"loaded Pizhou with {volunteers:,} volunteers into {name} in {time.perf_counter() - started:.1f} s",
              flush=True)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def wenming_serve(url: str, log: Path) -> Iterator[tuple[str, int]]:
    """A `wenming serve` process on `url`: yield (base URL, pid); stop it afterwards."""
    env = {**os.environ, "WENMING_DATABASE_URL": url, "WENMING_LOG_LEVEL": "WARNING",
           "WENMING_RATE_PER_ADDRESS": "100000000", "WENMING_RATE_PER_ACCOUNT": "100000000"}
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "wenming", "serve", "--host", "127.0.0.1", "--port",
                                    str(port)], env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while True:
            if process.poll() is not None:
                raise SystemExit(f"wenming serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"wenming serve did not answer /healthz within {SERVE_TIMEOUT} s")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------
# (1) node(id)


async def node_phase(bases: list[str], headers: dict[str, str], ids: tuple[int, int], clients: int,
                     seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    rng = random.Random(7)
    per_base = -(-clients // len(bases))
    limits = httpx.Limits(max_connections=per_base, max_keepalive_connections=per_base)
    sessions = [httpx.AsyncClient(base_url=b, headers=headers, limits=limits, timeout=30) for b in bases]
    try:
        for session in sessions:  # warm-up: connections, the servers' first queries
            for _ in range(5):
                (await session.post("/graphql", json={"query": NODE, "variables": {"id": gid("Volunteer", ids[0])}}
                                    )).raise_for_status()
        stop_at = time.perf_counter() + seconds

        async def client(session: httpx.AsyncClient) -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                variables = {"id": gid("Volunteer", rng.randint(*ids))}
                started = time.perf_counter()
                response = await session.post("/graphql", json={"query": NODE, "variables": variables})
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(client(sessions[i % len(sessions)]) for i in range(clients)))
        elapsed = time.perf_counter() - began
    finally:
        for session in sessions:
            await session.aclose()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95)}


# ---------------------------------------------------------------------------------------------
# (2) outbox latency


class Subscriber(threading.Thread):
    """A `notifications` subscription on the open websocket `ws`; puts (order id, arrival time)
    on `arrivals`."""

    def __init__(self, ws: ClientConnection, token: str) -> None:
        super().__init__(daemon=True)
        self.arrivals: queue.Queue[tuple[str, float]] = queue.Queue()
        self.ws = ws
        self.ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        if json.loads(self.ws.recv(timeout=10)) != {"type": "connection_ack"}:
            raise SystemExit("the subscription was not acknowledged")
        self.ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))

    def run(self) -> None:
        try:
            for raw in self.ws:
                arrived = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "next":
                    if "errors" in message["payload"]:
                        raise SystemExit(f"subscription error: {message['payload']['errors']}")
                    event = message["payload"]["data"]["notifications"]
                    if event["kind"] == "ORDER_STATUS_CHANGED":
                        self.arrivals.put((event["order"], arrived))
        except Exception:  # closed at the end of the phase
            return

    def wait_for(self, order: str, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while True:
            seen, arrived = self.arrivals.get(timeout=max(0.01, deadline - time.monotonic()))
            if seen == order:
                return arrived


def station_and_item(url: str) -> tuple[int, int, float, float]:
    """A station offering an item itself (so its effective menu has it), with its location."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text(
                "SELECT u.id, m.item_id, u.lat, u.lon FROM menu_offers m JOIN units u ON u.id = m.unit_id "
                "WHERE u.level = 'STATION' AND u.lat IS NOT NULL ORDER BY u.id, m.item_id LIMIT 1")).one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1]), float(row[2]), float(row[3])


def latency_phase(url: str, a: str, b: str, token: str, events: int) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}
    unit, item, lat, lon = station_and_item(url)
    day = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    with httpx.Client(base_url=a, headers=headers, timeout=30) as api:
        def call(document: str, variables: dict[str, Any], field: str) -> dict[str, Any]:
            body = api.post("/graphql", json={"query": document, "variables": variables}).json()
            outcome = body.get("data", {}) and body["data"][field]
            if not outcome or outcome["userErrors"]:
                raise SystemExit(f"{field} failed: {body}")
            return dict(outcome["order"])

        orders = [call(SUBMIT, {"input": {
            "item": gid("ServiceItem", item), "unit": gid("Unit", unit), "residentName": "李大爷",
            "location": {"lat": lat, "lon": lon}, "windowStart": f"{day}T09:00:00", "windowEnd": f"{day}T11:00:00",
            "channel": "HOTLINE", "note": f"replica bench {k}"}}, "orderSubmit")["id"] for k in range(events + 5)]
        protocol = [Subprotocol("graphql-transport-ws")]
        with connect(f"{a.replace('http://', 'ws://')}/graphql", subprotocols=protocol) as ws_a, \
                connect(f"{b.replace('http://', 'ws://')}/graphql", subprotocols=protocol) as ws_b:
            on_a, on_b = Subscriber(ws_a, token), Subscriber(ws_b, token)
            on_a.start()
            on_b.start()
            figures: dict[str, list[float]] = {"A": [], "B": [], "mutation": []}
            for k, order in enumerate(orders):
                sent = time.perf_counter()
                call(REVIEW, {"input": {"order": order}}, "orderReview")
                answered = time.perf_counter()
                arrived_a, arrived_b = on_a.wait_for(order, 30), on_b.wait_for(order, 30)
                if k >= 5:  # the first few warm the subscriptions and connections up
                    figures["A"].append(arrived_a - sent)
                    figures["B"].append(arrived_b - sent)
                    figures["mutation"].append(answered - sent)
    return figures


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", default=os.environ.get("WENMING_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server's maintenance database: the scratch database is created there")
    parser.add_argument("--volunteers", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16, help="concurrent node(id) clients")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each node(id) phase")
    parser.add_argument("--events", type=int, default=200, help="outbox events timed")
    parser.add_argument("--json", default=None, help="write the figures to this file")
    args = parser.parse_args(argv)
    if not (1 <= args.volunteers <= 200_000 and 1 <= args.clients <= 256 and 0 < args.seconds <= 600
            and 1 <= args.events <= 5_000):
        parser.error("--volunteers 1..200,000, --clients 1..256, --seconds up to 600, --events 1..5,000")

    logs = Path(tempfile.mkdtemp(prefix="wenming-replica-bench-"))
    with scratch_database(args.postgres_url, args.volunteers) as url, ExitStack() as stack:
        token = service_token(replace(read_settings(), database_url=url))
        headers = {"Authorization": f"Bearer {token}"}
        engine = create_engine(url)
        with engine.connect() as conn:
            low, high = conn.execute(text("SELECT min(id), max(id) FROM volunteers")).one()
        engine.dispose()
        a, _ = stack.enter_context(wenming_serve(url, logs / "a.log"))
        one = asyncio.run(node_phase([a], headers, (low, high), args.clients, args.seconds))
        b, _ = stack.enter_context(wenming_serve(url, logs / "b.log"))
        two = asyncio.run(node_phase([a, b], headers, (low, high), args.clients, args.seconds))
        latency = latency_phase(url, a, b, token, args.events)

    ms = {k: [v * 1e3 for v in values] for k, values in latency.items()}
    print()
    print(f"Pizhou, {args.volunteers:,} volunteers, PostgreSQL; {os.cpu_count()} CPUs (clients and servers on "
          f"the same machine); load average {os.getloadavg()[0]:.1f}")
    print(f"(1) node(id), {args.clients} clients, {args.seconds:g} s a phase   requests/s  p50 ms  p95 ms  errors")
    for label, row in (("1 process (A)", one), ("2 processes (A, B)", two)):
        print(f"    {label:<40}{row['rps']:10.0f}  {row['p50'] * 1e3:6.1f}  {row['p95'] * 1e3:6.1f}  "
              f"{row['errors']:6.0f}")
    print(f"    ratio 2 / 1 processes: {two['rps'] / one['rps']:.2f}x")
    print(f"(2) outbox write on A (orderReview) -> notifications subscriber, {len(ms['B'])} events"
          f"      p50 ms  p95 ms  max ms")
    for label, key in (("subscriber on A (baseline)", "A"), ("subscriber on B (NOTIFY)", "B"),
                       ("the mutation's round trip", "mutation")):
        values = ms[key]
        print(f"    {label:<68}{statistics.median(values):6.1f}  {percentile(values, 0.95):6.1f}  {max(values):6.1f}")
    print(f"    p95 ratio B / A: {percentile(ms['B'], 0.95) / percentile(ms['A'], 0.95):.2f}x")
    figures = {"volunteers": args.volunteers, "clients": args.clients, "seconds": args.seconds,
               "one": one, "two": two, "ratio": two["rps"] / one["rps"],
               **{f"{k}_{q}": (statistics.median(v) if q == "p50" else percentile(v, 0.95) if q == "p95" else max(v))
                  for k, v in ms.items() for q in ("p50", "p95", "max")}, "events": len(ms["B"])}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
