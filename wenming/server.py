"""`wenming serve [--demo]`: run the API with uvicorn.

`--demo` recreates ./wenming-demo.db, migrates it, loads Pizhou with 5,000 volunteers and Kunshan
with 2,000 (its mall, projects and project library, and a quarter of served hours and points:
examples/service.py) and serves it in development mode (GraphiQL on), whatever WENMING_DATABASE_URL
says.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import uvicorn

from wenming.accounts_cli import demo_admin
from wenming.app import create_app
from wenming.logs import configure_logging
from wenming.settings import Settings, read_settings

DEMO_DB = Path("wenming-demo.db")
DEMO_VOLUNTEERS = 5000
#: Kunshan's volunteers in the demo: the recognition tour (hours, points, mall, honour roll, certificates)
DEMO_KUNSHAN_VOLUNTEERS = 2000
#: The standard asyncio loop: measured faster than uvloop for this API, whose requests are dominated
#: by GraphQL execution and DataLoader futures rather than socket I/O (benchmarks/api_bench.py).
EVENT_LOOP = "asyncio"


def prepare_demo(path: Path = DEMO_DB, volunteers: int = DEMO_VOLUNTEERS, seed: int = 1,
                 kunshan_volunteers: int = DEMO_KUNSHAN_VOLUNTEERS) -> str:
    """A fresh SQLite file, migrated by the loader, with Pizhou and Kunshan loaded; returns its URL."""
    from examples.load import load_city  # example data (and alembic) load only for a demo

    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{path.resolve()}"
    load_city(url, "pizhou", volunteers=volunteers, seed=seed)
    load_city(url, "kunshan", volunteers=kunshan_volunteers, seed=seed)
    return url


def serve(host: str, port: int, demo: bool, settings: Settings | None = None, workers: int = 1) -> int:
    """Serve until interrupted; returns the exit code. With `workers` > 1, uvicorn runs that many
    API processes on the one port, each building its app from the environment (the demo's
    database is handed to them there); they share the database, and the rate limits when
    `WENMING_RATE_STORAGE` names Redis. Each solves the runs it queued itself, holding them with a
    lease, unless `WENMING_RUN_EXECUTOR=workers` hands them to `wenming worker` processes (the demo
    always solves its own: one command, no other process)."""
    settings = settings or read_settings()
    configure_logging(settings.log_level, settings.log_format)
    if demo:
        print(f"Preparing the demo database {DEMO_DB} (Pizhou, {DEMO_VOLUNTEERS} volunteers; Kunshan, "
              f"{DEMO_KUNSHAN_VOLUNTEERS}) ...", flush=True)
        settings = dataclasses.replace(settings, database_url=prepare_demo(), env="development",
                                       runs=dataclasses.replace(settings.runs, executor="inline"))
        username, password = demo_admin(settings.database_url)
        print(f"Demo account: {username} / {password} (mutation login; then the header "
              "Authorization: Bearer <accessToken>)", flush=True)
    if not settings.production:
        print(f"GraphiQL: http://{host}:{port}/graphql", flush=True)
    # X-Forwarded-For is believed only from the configured reverse proxies (none: the peer is the client)
    options: dict[str, Any] = dict(host=host, port=port, log_level=settings.log_level.lower(), loop=EVENT_LOOP,
                                   ws="websockets-sansio", proxy_headers=bool(settings.trusted_proxies),
                                   forwarded_allow_ips=",".join(settings.trusted_proxies) or None)
    if workers > 1:
        if demo:
            os.environ.update(WENMING_DATABASE_URL=settings.database_url, WENMING_ENV="development",
                              WENMING_RUN_EXECUTOR="inline")
        uvicorn.run("wenming.app:create_app_from_env", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)
    return 0
