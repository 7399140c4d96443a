"""The ASGI application: `create_app(settings)` wires settings, database and schema together.

Routes: `/graphql` (strawberry over HTTP and websockets, graphql-transport-ws for subscriptions;
GraphiQL in development only), `/healthz` (process liveness, and whether the database answers),
`/readyz` (the database and the rate limits' storage answer) and `/metrics` (Prometheus, for the
scraper's token: wenming/metrics.py). Each GraphQL operation gets a fresh `Context` with its own
session and DataLoaders; queries and mutations first wait for a free database slot, and the
session is closed when the operation ends, whatever happened (wenming.context.SessionScope).

Production: `uvicorn --factory wenming.app:create_app_from_env --loop asyncio` or `wenming serve`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.pool import QueuePool
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from db.session import make_engine, session_factory
from examples.problems import scenario_base as generated_bases
from resolvers.access.policy import restrict_session
from resolvers.core.context import Context, watch_deadline
from resolvers.core.loaders import Loaders
from resolvers.dispatch import runs as dispatch_runs
from resolvers.dispatch.broker import BROKER
from resolvers.scenarios import runs as scenario_runs
from schema.core.present import PRESENT
from wenming.access import on_ws_connect, request_auth
from wenming.graphql import schema as default_schema
from wenming.guard import HttpGuard, Security, cors_middleware
from wenming.logs import RequestIds, configure_logging
from wenming.media import GRAPHQL_RESPONSE, JSON, negotiate, request_error_status
from wenming.metrics import metrics_route
from wenming.settings import Settings, check_production, read_settings

logger = logging.getLogger("wenming.app")

#: Concurrent operations when the pool does not bound connections (NullPool, StaticPool, ...).
UNBOUNDED_SLOTS = 64


class GraphQLApp(GraphQL[Context, None]):
    """strawberry's ASGI app with the project's typed context and session lifecycle."""

    def __init__(self, settings: Settings, engine: Engine, **kwargs: Any) -> None:
        super().__init__(default_schema, **kwargs)
        self.settings = settings
        self.open_session = session_factory(engine)
        self.security = Security.from_settings(settings)
        self.slots = asyncio.Semaphore(pool_capacity(engine))

    async def process_result(self, request: Any, result: Any) -> Any:
        """The response body; under application/graphql-response+json a request error has no
        `data` and its 4xx/5xx status is kept for `run` (wenming/media.py)."""
        body = await super().process_result(request, result)
        if negotiate(request.headers.get("accept")) == GRAPHQL_RESPONSE:
            status = request_error_status(result)
            if status is not None:
                body.pop("data", None)
                request.state.graphql_status = status
        return body

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """strawberry's answer, in the media type the client's Accept asks for (wenming/media.py)."""
        response = await super().run(request, context, root_value)
        if (isinstance(request, Request) and isinstance(response, Response)
                and negotiate(request.headers.get("accept")) == GRAPHQL_RESPONSE
                and response.headers.get("content-type", "").startswith(JSON)):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if response.status_code == 200:
                response.status_code = getattr(request.state, "graphql_status", 200)
        return response

    def encode_json(self, data: object) -> bytes:
        """UTF-8 JSON without ASCII escapes: Chinese text stays readable and half the size."""
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    async def get_context(self, request: Any, response: Any) -> Context:
        auth = request_auth(request, self.security)  # every session is restricted to this caller
        context = Context(
            settings=self.settings,
            open_session=lambda: watch_deadline(restrict_session(self.open_session(), auth), context),
            make_loaders=lambda ctx: Loaders(ctx.session, ctx.present),
            present=PRESENT,
            slots=self.slots,
            request=request,
            response=response,
            auth=auth,
        )
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        on_ws_connect(context.auth, context.connection_params)
        return await super().on_ws_connect(context)


def pool_capacity(engine: Engine) -> int:
    """How many connections the engine's pool hands out at most (its size plus overflow)."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        overflow = pool._max_overflow
        return pool.size() + overflow if overflow >= 0 else UNBOUNDED_SLOTS
    return UNBOUNDED_SLOTS


def recover_runs(engine: Engine) -> int:
    """Fail, with a reason, the dispatch and scenario runs left QUEUED or RUNNING whose lease expired:
    their process stopped. The runs live processes hold are never touched (jobs/queue.py)."""
    return dispatch_runs.recover(engine) + scenario_runs.recover(engine)


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    """The Starlette app serving the API for `settings` (an engine may be passed in, e.g. by tests)."""
    check_production(settings)  # also for settings not read from the environment
    logging.getLogger("wenming").setLevel(settings.log_level)
    owns_engine = engine is None
    # hide_parameters: database errors must not carry phones or fingerprints into logs.
    db_engine = engine if engine is not None else make_engine(
        settings.database_url, hide_parameters=True, statement_timeout_ms=settings.db_statement_timeout_ms,
        connect_timeout_s=settings.db_connect_timeout_s, pool_timeout_s=settings.db_pool_timeout_s)
    recover_runs(db_engine)
    generated_bases.register()  # analysts' `kind = "generated"` bases (Pizhou's synthetic geography)
    graphql = GraphQLApp(
        settings,
        db_engine,
        graphql_ide="graphiql" if not settings.production else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )

    def probe() -> None:
        with db_engine.connect() as conn:
            conn.execute(text("SELECT version_num FROM alembic_version"))  # the schema answers, not only the server

    async def healthz(_: Request) -> JSONResponse:
        """Within `health_timeout_s`, whatever the database does: a probe still waiting is abandoned
        to its thread (the statement timeout ends it), and the answer is 503."""
        try:
            await asyncio.wait_for(asyncio.to_thread(probe), settings.health_timeout_s)
        except Exception as exc:  # noqa: BLE001 -- the probe reports, it does not raise
            logger.warning("health check: database unreachable (%s)", type(exc).__name__)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        """Ready to serve: the database (as `/healthz`) and the rate limits' storage answer, each
        within `health_timeout_s`; 503 naming what does not."""
        checks = {"database": probe, "rateStorage": graphql.security.per_address.reachable}
        report: dict[str, str] = {}
        for name, check in checks.items():
            try:
                answered = await asyncio.wait_for(asyncio.to_thread(check), settings.health_timeout_s)
            except Exception as exc:  # noqa: BLE001 -- the probe reports, it does not raise
                logger.warning("readiness: %s unreachable (%s)", name, type(exc).__name__)
                answered = False
            report[name] = "ok" if answered is not False else "unreachable"
        ready = all(v == "ok" for v in report.values())
        return JSONResponse({"status": "ok" if ready else "unavailable", **report}, status_code=200 if ready else 503)

    async def sweep() -> None:
        """Recover, once a lease, the runs of processes that stopped while this one serves."""
        while True:
            await asyncio.sleep(settings.runs.lease_seconds)
            await asyncio.to_thread(recover_runs, db_engine)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        leave = BROKER.bridge(db_engine)  # wake-ups from and to the other processes (PostgreSQL)
        sweeper = asyncio.create_task(sweep())
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.to_thread(leave)
            if owns_engine:
                db_engine.dispose()

    return Starlette(
        routes=[
            Route("/graphql", HttpGuard(graphql, graphql.security), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", HttpGuard(graphql, graphql.security)),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_route(settings.metrics_token, session_factory(db_engine)), methods=["GET"]),
        ],
        # the request ID first (every log line of a request names it), then CORS for the allowed origins
        middleware=[Middleware(RequestIds), *cors_middleware(graphql.security)],
        lifespan=lifespan,
    )


def create_app_from_env() -> Starlette:
    """The app for settings read from the environment: `uvicorn --factory wenming.app:create_app_from_env`
    (and each process of `wenming serve --workers N`), logging as the settings say."""
    settings = read_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
