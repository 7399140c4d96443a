"""Logging of the server: one record per line on stderr, as text or as JSON (`WENMING_LOG_FORMAT`),
each carrying the request ID of the HTTP request or websocket it belongs to.

The request ID is the client's `X-Request-ID` when it is a plain token of at most 64 characters
(a proxy's, so one ID follows a request through every hop), else a fresh one; the response
carries it back in `X-Request-ID`, and a masked error names it (wenming/errors.py), so a support
call ("request 7f3c...") leads to the log lines of that request. The API never logs personal data.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: the request ID of the request being served (None outside one)
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
LOG_FORMATS = ("text", "json")
_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


class RequestIds:
    """ASGI middleware: sets `REQUEST_ID` for the request and answers it in `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _PLAIN_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode("latin-1"))]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Gives every record the `request_id` of the request it was logged in ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of `log_format` ("text" or "json")."""
    if log_format == "json":
        fields: Any = {"asctime": "time", "levelname": "level", "name": "logger", "request_id": "requestId"}
        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s", rename_fields=fields,
                             json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT)


def configure_logging(level: str, log_format: str = "text") -> None:
    """One record per line on stderr, in `log_format`, each with its request ID."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
