"""Fixtures of the training tests: the dispatch tests' served app and small network, with a
certificates' grace period of 7 days (Settings.training)."""

from __future__ import annotations

import pytest

from resolvers.core.settings import TrainingSettings
from tests.dispatch.conftest import api, world
from wenming.settings import Settings

__all__ = ["api", "world"]

GRACE_DAYS = 7


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, training=TrainingSettings(grace_days=GRACE_DAYS, notice_days=(30, 7)))
