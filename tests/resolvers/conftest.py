"""Fixtures of the API tests: `api` is a GraphQLClient on a fresh database (both backends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.schema.support import GraphQLClient
from wenming.settings import Settings


@pytest.fixture
def api(settings: Settings, engine: Engine) -> Iterator[GraphQLClient]:
    client = GraphQLClient(settings, engine)
    try:
        yield client
    finally:
        client.close()
