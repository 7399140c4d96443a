"""Request IDs and structured logs: every response names its request ID (the client's plain
`X-Request-ID`, or a fresh one), a masked error names the same, and the JSON log format writes one
object per line with it (issue 13, operations)."""

from __future__ import annotations

import io
import json
import logging
import re

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.documents import SKILLS
from tests.wenming.test_errors import post, production
from wenming.logs import REQUEST_ID, RequestIdFilter, formatter
from wenming.settings import SettingsError, read_settings

FRESH = re.compile(r"^[0-9a-f]{32}$")


def test_every_response_names_its_request_id_and_a_masked_error_names_the_same(db_url: str, engine: Engine) -> None:
    with production(db_url, engine) as (url, headers, _):
        given = httpx.post(url, json={"query": "{ __typename }"}, headers={"X-Request-ID": "proxy-7f3c.1"})
        assert given.headers["x-request-id"] == "proxy-7f3c.1"
        fresh = httpx.post(url, json={"query": "{ __typename }"}, headers={"X-Request-ID": "not plain!"})
        assert FRESH.match(fresh.headers["x-request-id"])
        assert FRESH.match(httpx.get(url.replace("/graphql", "/healthz")).headers["x-request-id"])
        with engine.begin() as conn:  # every read of skills now fails: a masked error
            conn.execute(text("ALTER TABLE skills RENAME TO skills_gone"))
        try:
            failed = post(url, {**headers, "X-Request-ID": "support-call-42"}, SKILLS)
        finally:
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE skills_gone RENAME TO skills"))
    assert failed.headers["x-request-id"] == "support-call-42"
    [error] = failed.json()["errors"]
    assert (error["message"], error["extensions"]["requestId"]) == ("Unexpected error.", "support-call-42")


def test_the_json_log_format_writes_one_object_per_line_with_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    handler.addFilter(RequestIdFilter())
    log = logging.getLogger("wenming.test_logs")
    log.addHandler(handler)
    try:
        token = REQUEST_ID.set("abc123")
        log.warning("站点 %s", "东站")
        REQUEST_ID.reset(token)
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {k: first[k] for k in ("level", "logger", "requestId", "message")} == \
        {"level": "WARNING", "logger": "wenming.test_logs", "requestId": "abc123", "message": "站点 东站"}
    assert first["time"] and second["requestId"] == "-"


def test_an_unknown_log_format_is_refused() -> None:
    assert read_settings({"WENMING_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match="WENMING_LOG_FORMAT"):
        read_settings({"WENMING_LOG_FORMAT": "xml"})
