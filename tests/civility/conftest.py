"""Fixtures of the civility tests: the dispatch tests' served app and small network."""

from __future__ import annotations

from tests.dispatch.conftest import api, world

__all__ = ["api", "world"]
