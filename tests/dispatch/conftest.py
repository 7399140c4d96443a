"""Fixtures of the dispatch tests: `api` (HTTP + websocket client on a fresh database, both
backends) and `world` (a small network with a health team and its doctors' item, see support)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.dispatch.support import DispatchClient, build_world
from wenming.settings import Settings


@pytest.fixture
def api(settings: Settings, engine: Engine) -> Iterator[DispatchClient]:
    client = DispatchClient(settings, engine)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def world(api: DispatchClient) -> dict[str, Any]:
    return build_world(api)
