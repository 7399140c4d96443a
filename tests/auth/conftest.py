"""Fixtures of the access tests: `admin` (a platform admin's client) and `client_for`, which makes
a client acting as any account (created with its grants on first use), or anonymous."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest
from sqlalchemy import Engine

from db.models import Role
from tests.auth.support import token_for
from tests.schema.support import GraphQLClient
from wenming.settings import Settings

ClientFor = Callable[..., GraphQLClient]


@pytest.fixture
def client_for(settings: Settings, engine: Engine) -> Iterator[ClientFor]:
    clients: list[GraphQLClient] = []

    def make(username: str | None, grants: Sequence[tuple[Role, dict[str, int]]] = (),
             headers: dict[str, str] | None = None) -> GraphQLClient:
        if headers is None:
            headers = {} if username is None else {
                "Authorization": f"Bearer {token_for(settings, engine, username, grants, password=None)}"}
        client = GraphQLClient(settings, engine, headers=headers)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.close()


@pytest.fixture
def admin(client_for: ClientFor) -> GraphQLClient:
    return client_for("platform-admin", [(Role.PLATFORM_ADMIN, {})])
