"""Prometheus metrics at `/metrics` (prometheus-client), for a scraper holding the bearer token
`WENMING_METRICS_TOKEN` (unset: the route answers 404; any other token: 401).

| metric                                   | kind      | labels            | what                                  |
|------------------------------------------|-----------|-------------------|---------------------------------------|
| wenming_graphql_operation_seconds        | histogram | operation, type   | time of each GraphQL operation here   |
| wenming_runs                             | gauge     | kind, state       | dispatch and scenario runs by state   |
| wenming_run_queue_depth                  | gauge     | kind              | runs QUEUED                           |
| wenming_run_seconds                      | summary   | kind              | start to finish of the finished runs  |
| wenming_subscriptions                    | gauge     |                   | live subscriptions open here          |

Operation times are this process's; the run figures are read from the database at each scrape,
so every process reports the same (the whole deployment's). The operation label is the client's
`operationName` when it is a plain name, for at most `MAX_OPERATION_NAMES` names per process
(then "other"), "anonymous" without one: a client cannot grow the metrics without bound.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from strawberry.extensions import SchemaExtension

from db.queries import run_statistics
from resolvers.dispatch.live import open_subscriptions

#: distinct operation names one process labels before the rest count as "other"
MAX_OPERATION_NAMES = 200
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

OPERATION_SECONDS = Histogram(
    "wenming_graphql_operation_seconds", "Time of each GraphQL operation in this process",
    ["operation", "type"], registry=None,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))

_names: set[str] = set()
_names_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """The label of an operation name: itself while few names are known, else "other"."""
    if not name:
        return "anonymous"
    if not _PLAIN_NAME.fullmatch(name):
        return "other"
    with _names_lock:
        if name in _names:
            return name
        if len(_names) < MAX_OPERATION_NAMES:
            _names.add(name)
            return name
    return "other"


class OperationMetrics(SchemaExtension):
    """Times each operation (queries, mutations and subscriptions alike) by name and type."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ec = self.execution_context
        kind = ec.operation_type.value if ec.operation_type is not None else "invalid"
        OPERATION_SECONDS.labels(operation_label(ec.operation_name), kind).observe(time.perf_counter() - started)


class _RunCollector(Collector):
    """The run figures, read from the database at each scrape."""

    def __init__(self, open_session: Callable[[], Session]) -> None:
        self.open_session = open_session

    def collect(self) -> Iterator[Metric]:
        with self.open_session() as session:
            stats = run_statistics(session)
        runs = GaugeMetricFamily("wenming_runs", "Dispatch and scenario runs by state", labels=["kind", "state"])
        queued = GaugeMetricFamily("wenming_run_queue_depth", "Runs waiting to be solved", labels=["kind"])
        took = SummaryMetricFamily("wenming_run_seconds", "Start to finish of the finished runs", labels=["kind"])
        finished: dict[str, tuple[int, float]] = {"dispatch": (0, 0.0), "scenario": (0, 0.0)}
        depth = {"dispatch": 0, "scenario": 0}
        for kind, state, count, seconds in stats:
            runs.add_metric([kind, state], count)
            if state == "QUEUED":
                depth[kind] = count
            if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                n, total = finished[kind]
                finished[kind] = (n + count, total + seconds)
        for kind in depth:
            queued.add_metric([kind], depth[kind])
            took.add_metric([kind], count_value=finished[kind][0], sum_value=finished[kind][1])
        subscriptions = GaugeMetricFamily("wenming_subscriptions", "Live subscriptions open in this process",
                                          value=open_subscriptions())
        yield from (runs, queued, took, subscriptions)


def metrics_route(token: str, open_session: Callable[[], Session]) -> Callable[[Request], Any]:
    """The `/metrics` endpoint of one app."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OPERATION_SECONDS)
    registry.register(_RunCollector(open_session))
    expected = f"Bearer {token}".encode()

    async def metrics(request: Request) -> Response:
        if not token:
            return PlainTextResponse("not found", status_code=404)
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("the metrics need the scraper's bearer token", status_code=401,
                                     headers={"WWW-Authenticate": "Bearer"})
        body = await asyncio.to_thread(generate_latest, registry)  # the run figures read the database
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
