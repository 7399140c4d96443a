"""`wenming worker`: a process that takes dispatch and scenario runs from the database and solves them.

With `WENMING_RUN_EXECUTOR=workers` the API processes only queue runs (rows written QUEUED and
held by nobody, jobs/queue.py); each worker takes the oldest waiting row of a kind while it has a
free slot for that kind (two dispatch runs and one scenario run at once, as an API process
would), claims it with a lease it renews, and solves it exactly as an inline API process does
(resolvers/dispatch/runs.py, resolvers/scenarios/runs.py), each solve in a child process with
the memory limit. Several workers may run against one database: `FOR UPDATE SKIP LOCKED` hands
each run to one of them.

A worker wakes at once when a run is queued or cancelled anywhere (the broker's NOTIFY bridge on
PostgreSQL; on SQLite it looks every `POLL_SECONDS`). A cancelled run stops here within a second
or so of the cancel: the wake-up makes the worker look at its run's row, which is no longer its
to work on. A worker that dies (SIGKILL, lost machine) stops renewing: once its lease expires the
next recovery (any API process or worker, once a lease) ends its runs FAILED with a reason.
SIGTERM or Ctrl-C stops taking runs and lets the ones in hand finish.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

from sqlalchemy import Engine

from db.session import make_engine
from examples.problems import scenario_base as generated_bases
from jobs.queue import RunQueue
from resolvers.dispatch import runs as dispatch_runs
from resolvers.dispatch.broker import BROKER
from resolvers.scenarios import runs as scenario_runs
from wenming.app import recover_runs
from wenming.logs import configure_logging
from wenming.settings import Settings, read_settings

logger = logging.getLogger("wenming.worker")

POLL_SECONDS = 1.0  # the longest a worker waits before it looks for queued runs again

#: the kinds of run a worker takes: its queue, the topic prefix of a run's wake-ups, how to start it
Starter = Callable[[Engine, int, Settings], None]
KINDS: tuple[tuple[RunQueue, str, Starter], ...] = (
    (dispatch_runs.QUEUE, "run:", dispatch_runs.start),
    (scenario_runs.QUEUE, "scenario:", scenario_runs.start),
)


def work(settings: Settings, stop: threading.Event, engine: Engine | None = None) -> None:
    """Take and solve runs until `stop` is set, then wait for the runs in hand to finish."""
    db = engine if engine is not None else make_engine(
        settings.database_url, hide_parameters=True, statement_timeout_ms=settings.db_statement_timeout_ms,
        connect_timeout_s=settings.db_connect_timeout_s, pool_timeout_s=settings.db_pool_timeout_s)
    # the runs taken here are solved here, whatever the API processes do
    inline = dataclasses.replace(settings, runs=dataclasses.replace(settings.runs, executor="inline"))
    lease = settings.runs.lease_seconds
    wake = threading.Event()
    generated_bases.register()  # analysts' `kind = "generated"` bases, as the API accepts them

    def arrived(topic: str) -> None:
        if topic == "runs":
            wake.set()
            return
        for queue, prefix, _ in KINDS:  # a run of ours cancelled elsewhere: look at its row now
            if topic.startswith(prefix) and topic[len(prefix):].isdigit():
                run_id = int(topic[len(prefix):])
                held = queue.held()
                if run_id in held:
                    queue.renew(held[run_id], [run_id])

    leave_bridge, stop_hook = BROKER.bridge(db), BROKER.on_remote(arrived)
    logger.info("worker started")
    swept = 0.0
    try:
        while not stop.is_set():
            if time.monotonic() - swept >= lease:
                recover_runs(db)
                swept = time.monotonic()
            took = False
            for queue, _, start in KINDS:
                if len(queue.held()) < queue.workers:
                    run_id = queue.take(db, lease)
                    if run_id is not None:
                        logger.info("took %s %d", queue.name, run_id)
                        start(db, run_id, inline)
                        took = True
            if not took:
                wake.wait(POLL_SECONDS)
                wake.clear()
    finally:
        stop_hook()
        for queue, _, _ in KINDS:
            queue.drain()
        leave_bridge()
        if engine is None:
            db.dispose()
        logger.info("worker stopped")


def main(settings: Settings | None = None) -> int:
    """`wenming worker`: work until SIGTERM or SIGINT."""
    settings = settings or read_settings()
    configure_logging(settings.log_level, settings.log_format)
    stop = threading.Event()

    def stopping(signum: int, _: FrameType | None) -> None:
        logger.info("worker stopping (%s): finishing the runs in hand", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    work(settings, stop)
    return 0
