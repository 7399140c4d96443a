"""Test support for the API: a client speaking to the real ASGI app, and builders that create
data through the public mutations (so tests depend on the API, not on table layouts).

`GraphQLClient.execute` posts a document over httpx's ASGITransport to the app built by
`wenming.app.create_app`; `data()` additionally asserts that there were no errors. The documents
the builders send are in tests/documents.py.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx
from sqlalchemy import Engine, event

from db.identity import check_char
from tests.auth.support import admin_headers
from tests.documents import (
    MENU_OFFER,
    SERVICE_ITEM_CREATE,
    SKILL_CREATE,
    TEAM_CREATE,
    UNIT_CREATE,
    VOLUNTEER_REGISTER,
)
from wenming.app import create_app
from wenming.settings import Settings


class GraphQLClient:
    """Synchronous facade over an httpx AsyncClient bound to the ASGI app (one event loop)."""

    def __init__(self, settings: Settings, engine: Engine, headers: dict[str, str] | None = None) -> None:
        """`headers` default to a platform admin's token (tests/auth/support.py); {} is anonymous."""
        self.app = create_app(settings, engine=engine)
        self.runner = asyncio.Runner()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test",
                                        headers=admin_headers(settings, engine) if headers is None else headers)

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON response of POST /graphql (data and/or errors); its `extensions` (the query cost)
        are kept apart in `self.extensions`."""
        response = self.runner.run(self.client.post("/graphql", json={"query": document, "variables": variables}))
        assert response.status_code == 200, response.text
        body = response.json()
        self.extensions = body.pop("extensions", None)
        return body

    def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response that must not have errors."""
        body = self.execute(document, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def get(self, path: str) -> httpx.Response:
        return self.runner.run(self.client.get(path))

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()


class StatementCounter:
    """Counts SQL statements sent on an engine (before_cursor_execute), between reset() calls."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_: Any) -> None:
        self.count += 1

    def reset(self) -> None:
        self.count = 0

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_execute)


_serial = itertools.count(1)


def id_number(birth: str = "19900101", region: str = "320382") -> str:
    """A valid 18-character ID number (Pizhou region code), different on every call."""
    body = f"{region}{birth}{next(_serial) % 1000:03d}"
    return body + check_char(body)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


def _ok(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def create_unit(api: GraphQLClient, level: str, parent: str | None = None, name: str | None = None,
                lat: float = 34.33, lon: float = 117.96) -> str:
    """The global ID of a new unit."""
    code = unique(level[:1])
    data = api.data(UNIT_CREATE, {"input": {
        "code": code, "name": name or f"{level.lower()} {code}", "level": level, "parent": parent,
        "location": {"lat": lat, "lon": lon},
    }})
    return _ok(data["unitCreate"])["unit"]["id"]


def create_units(api: GraphQLClient, level: str, parent: str, count: int, batch: int = 100) -> list[str]:
    """`count` new units under `parent`, created `batch` at a time (aliased mutations, one request)."""
    ids: list[str] = []
    for start in range(0, count, batch):
        n = min(batch, count - start)
        fields = "\n".join(
            f'm{i}: unitCreate(input: {{code: "{unique(level[:1])}", name: "{level.lower()} {start + i}", '
            f'level: {level}, parent: "{parent}", location: {{lat: 34.3, lon: 117.9}}}}) '
            "{ unit { id } userErrors { code } }"
            for i in range(n)
        )
        data = api.data(f"mutation {{ {fields} }}")
        ids.extend(_ok(data[f"m{i}"])["unit"]["id"] for i in range(n))
    return ids


def create_skill(api: GraphQLClient, code: str | None = None, domain: str | None = "HEALTH") -> str:
    data = api.data(SKILL_CREATE, {"input": {"code": code or unique("skill"), "name": "医生", "domain": domain}})
    return _ok(data["skillCreate"])["skill"]["id"]


def create_team(api: GraphQLClient, unit: str, kind: str = "SPECIALIST", domain: str | None = "HEALTH",
                parent: str | None = None) -> str:
    data = api.data(TEAM_CREATE, {"input": {
        "code": unique("T"), "name": "健康邳州志愿服务队", "kind": kind, "unit": unit, "domain": domain,
        "parent": parent,
    }})
    return _ok(data["teamCreate"])["team"]["id"]


def create_item(api: GraphQLClient, skill: str, domain: str = "HEALTH", headcount: int = 1,
                teams: list[str] | None = None) -> str:
    data = api.data(SERVICE_ITEM_CREATE, {"input": {
        "code": unique("item"), "name": "义诊", "domain": domain, "durationMinutes": 120,
        "requiredSkills": [{"skill": skill, "headcount": headcount, "minLevel": 2}],
        "providerTeams": teams or [],
    }})
    return _ok(data["serviceItemCreate"])["serviceItem"]["id"]


def offer(api: GraphQLClient, unit: str, item: str) -> None:
    _ok(api.data(MENU_OFFER, {"input": {"unit": unit, "item": item}})["menuOffer"])


def volunteer_input(unit: str, /, **overrides: Any) -> dict[str, Any]:
    base = {
        "volunteerNumber": unique("PZV"), "name": "王芳", "phone": "13812345678", "idNumber": id_number(),
        "homeLocation": {"lat": 34.31, "lon": 117.95}, "unit": unit,
    }
    base.update(overrides)
    return base


def register_volunteer(api: GraphQLClient, unit: str, /, **overrides: Any) -> str:
    data = api.data(VOLUNTEER_REGISTER, {"input": volunteer_input(unit, **overrides)})
    return _ok(data["volunteerRegister"])["volunteer"]["id"]
