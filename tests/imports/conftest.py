"""The world of the import and export tests (tests/imports/support.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.imports.support import World, make_world
from tests.schema.support import GraphQLClient
from wenming.settings import Settings


@pytest.fixture
def world(api: GraphQLClient, settings: Settings, engine: Engine) -> World:
    return make_world(api, settings, engine)
