"""Fixtures of the certificate tests: `admin`, `client_for` (tests/auth) and `mall` (tests/recognition/support.py)."""

from __future__ import annotations

import pytest

from tests.auth.conftest import ClientFor, admin, client_for
from tests.recognition.support import Mall, build_mall
from tests.schema.support import GraphQLClient

__all__ = ["admin", "client_for"]


@pytest.fixture
def mall(admin: GraphQLClient, client_for: ClientFor) -> Mall:
    return build_mall(admin, client_for)
