"""Hardening of the GraphQL endpoint, at two levels.

`HttpGuard` (ASGI, before GraphQL sees the request):
- the request body is at most `max_body_bytes` (413), POST bodies are JSON (415);
- a browser's `Origin` must be on the allow-list (403; websockets are closed with 4403): in
  production only WENMING_ALLOWED_ORIGINS and the server's own origin, in development any unless
  a list is set; listed origins get CORS headers and preflight answers (`cors_middleware`);
- per client address at most `rate_per_address` requests a minute (429 with Retry-After).

`QueryLimits` (a schema extension, after validation, before execution):
- token, depth and alias limits; the query cost (wenming/limits.py) against `max_cost`, reported
  in `extensions.cost` of every response;
- production: introspection refused and "Did you mean ...?" suggestions removed from messages.

Batching (a JSON array of operations) is not supported by the endpoint: such a body is refused.
Mutations over GET are refused with 405 and `Allow: POST`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from graphql import FragmentDefinitionNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from strawberry.extensions import SchemaExtension

from resolvers.access.tokens import AuthSettings
from resolvers.core.errors import ErrorCode
from resolvers.core.settings import LimitSettings, Settings
from wenming.limits import RateLimiter, count_tokens, depth_and_aliases, query_cost
from wenming.media import JSON, negotiate

SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


@dataclass
class Security:
    """Keys, limits and rate limiters of one app."""

    auth: AuthSettings
    limits: LimitSettings
    production: bool
    max_page_size: int
    per_address: RateLimiter = field(init=False)
    per_account: RateLimiter = field(init=False)
    login_failures: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        storage = self.limits.rate_storage
        self.per_address = RateLimiter(self.limits.rate_per_address, storage=storage, name="address")
        self.per_account = RateLimiter(self.limits.rate_per_account, storage=storage, name="account")
        self.login_failures = RateLimiter(self.limits.login_failures_per_address, storage=storage,
                                          name="login-failures")

    @classmethod
    def from_settings(cls, settings: Settings) -> Security:
        return cls(settings.auth, settings.limits, settings.production, settings.max_page_size)


def cors_middleware(security: Security) -> list[Middleware]:
    """CORS headers and preflight answers for the allowed browser origins (none without a list)."""
    origins = list(security.limits.allowed_origins)
    if not origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=["authorization", "content-type", "x-api-key", "x-request-id"],
                       expose_headers=["x-request-id"], max_age=600)]


def _error(message: str, code: ErrorCode, **extra: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value, **extra})


class QueryLimits(SchemaExtension):
    """Refuses documents over the limits before they execute; reports the cost."""

    def __init__(self) -> None:
        super().__init__()
        self.cost: int | None = None
        self.limit: int | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        # Runs after ValidationCache (listed before) has validated the document, and before
        # strawberry looks at the errors: a refusal set here stops the operation.
        ec = self.execution_context
        security: Security | None = getattr(getattr(ec.context, "auth", None), "security", None)
        if security is not None:
            if ec.pre_execution_errors:
                if security.production:  # field suggestions would reveal the schema
                    ec.pre_execution_errors = [
                        GraphQLError(SUGGESTION.sub("", e.message), nodes=e.nodes, extensions=e.extensions)
                        for e in ec.pre_execution_errors
                    ]
            else:
                refusal = self._check(security)
                if refusal is not None:
                    ec.pre_execution_errors = [refusal]
        yield

    def _check(self, security: Security) -> GraphQLError | None:
        ec, limits = self.execution_context, security.limits
        document = ec.graphql_document
        if document is None:
            return None
        tokens = count_tokens(ec.query or "", limits.max_tokens)
        if tokens > limits.max_tokens:
            return _error(f"the document has more than {limits.max_tokens} tokens: split it", ErrorCode.OUT_OF_RANGE)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        operation = next((o for o in operations if ec.operation_name is None
                          or (o.name is not None and o.name.value == ec.operation_name)), None)
        if operation is None:
            return None
        if security.production and _introspects(ec.query or ""):
            return _error("introspection is disabled in production", ErrorCode.FORBIDDEN)
        depth, aliases = depth_and_aliases(operation, fragments)
        if depth > limits.max_depth:
            return _error(f"the query is {depth} levels deep, over the limit of {limits.max_depth}",
                          ErrorCode.OUT_OF_RANGE)
        if aliases > limits.max_aliases:
            return _error(f"the document has {aliases} aliases, over the limit of {limits.max_aliases}",
                          ErrorCode.OUT_OF_RANGE)
        self.cost = query_cost(ec.schema._schema, operation, fragments, ec.variables or {},
                               security.max_page_size)
        self.limit = limits.max_cost
        if self.cost > limits.max_cost:
            return _error(f"the query would cost {self.cost}, over the limit of {limits.max_cost}: ask for smaller "
                          "pages (`first`) or fewer nested lists", ErrorCode.OUT_OF_RANGE,
                          cost={"requested": self.cost, "limit": limits.max_cost})
        return None

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.limit}}


def _introspects(query: str) -> bool:
    return "__schema" in query or "__type" in query.replace("__typename", "")


Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class HttpGuard:
    """The ASGI checks of the module docstring, in front of the GraphQL app."""

    def __init__(self, app: Any, security: Security) -> None:
        self.app, self.security = app, security

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        media = negotiate(headers.get("accept"))  # the refusals below answer in the media type asked for
        if not self._origin_ok(scope, headers):
            await self._refuse(scope, receive, send, 403,
                               "this origin is not allowed: add it to WENMING_ALLOWED_ORIGINS", media=media)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.security.per_address.hit(client)
        if wait is not None:
            await self._refuse(scope, receive, send, 429, f"too many requests from this address: retry in {wait:.0f} s",
                               {"retry-after": str(int(wait) + 1)}, media=media)
            return
        if scope["type"] == "http" and scope.get("method") == "GET" and _mutation_in(scope.get("query_string", b"")):
            await self._refuse(scope, receive, send, 405, "mutations are not allowed over GET: use POST",
                               {"allow": "POST"}, media=media)
            return
        if scope["type"] == "http" and scope.get("method") == "POST":
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                await self._refuse(scope, receive, send, 415, "send the request as application/json", media=media)
                return
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.security.limits.max_body_bytes):
                await self._refuse(scope, receive, send, 413, self._too_large(), media=media)
                return
            try:
                body = await self._read_body(receive)
            except _BodyTooLarge:
                await self._respond(send, 413, self._too_large(), media=media)
                return
            problem = _json_problem(body)
            if problem is not None:
                await self._respond(send, 400, problem, media=media)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _too_large(self) -> str:
        return f"the request body is over {self.security.limits.max_body_bytes} bytes"

    def _origin_ok(self, scope: dict[str, Any], headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return True  # not a browser: nothing to protect against
        origin = origin.rstrip("/")
        allowed = self.security.limits.allowed_origins
        if not allowed and not self.security.production:
            return True
        scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
        own = f"{scheme}://{headers.get('host', '')}"
        return origin in allowed or origin == own

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole request body, at most `max_body_bytes` (_BodyTooLarge beyond)."""
        limit, chunks, seen = self.security.limits.max_body_bytes, [], 0
        while True:
            message = await receive()
            if message.get("type") != "http.request":
                break  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _refuse(self, scope: dict[str, Any], receive: Receive, send: Send, status: int, message: str,
                      extra: dict[str, str] | None = None, media: str = JSON) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4000 + status, "reason": message[:120]})
            return
        await self._respond(send, status, message, extra, media)

    async def _respond(self, send: Send, status: int, message: str, extra: dict[str, str] | None = None,
                       media: str = JSON) -> None:
        code = {429: ErrorCode.RATE_LIMITED, 403: ErrorCode.FORBIDDEN}.get(status, ErrorCode.INVALID)
        body = json.dumps({"errors": [{"message": message, "extensions": {"code": code.value}}]}).encode()
        headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
        headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _json_problem(body: bytes) -> str | None:
    """Why `body` is not one GraphQL request as a JSON object (None when it is)."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError as exc:
        return f"the request body is not UTF-8 (at byte {exc.start})"
    except json.JSONDecodeError as exc:
        return f"the request body is not JSON ({exc.msg} at position {exc.pos})"
    if isinstance(data, list):
        return "batching is not supported: send one operation per request"
    if not isinstance(data, dict):
        return 'send one operation as a JSON object: {"query": "...", "variables": {...}}'
    for key, kind, words in _REQUEST_PARAMETERS:
        if data.get(key) is not None and not isinstance(data[key], kind):
            return f"`{key}` must be {words} or null"
    return None


#: the parameters of a GraphQL request and what each must be (GraphQL over HTTP)
_REQUEST_PARAMETERS = (("query", str, "a string"), ("operationName", str, "a string"),
                       ("variables", dict, "an object"), ("extensions", dict, "an object"))


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then passes on what follows."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _mutation_in(query_string: bytes) -> bool:
    """Whether the `query` parameter of a GET request holds a mutation (or subscription)."""
    documents = parse_qs(query_string.decode("latin-1")).get("query", [])
    for text in documents:
        try:
            document = parse(text)
        except GraphQLError:
            return False  # strawberry answers the syntax error
        if any(isinstance(d, OperationDefinitionNode) and d.operation is not OperationType.QUERY
               for d in document.definitions):
            return True
    return False


class _BodyTooLarge(Exception):
    pass
