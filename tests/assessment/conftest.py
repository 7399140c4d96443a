"""Fixtures of the assessment tests: the dispatch tests' served app (uvicorn, SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.dispatch.conftest import api, world

__all__ = ["api", "world"]
