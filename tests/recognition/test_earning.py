"""The earning rules are configuration: points per counted hour with a cap per task, fixed points per
task kind, a rating bonus, all read from the environment once; each source earns once."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from db import models
from db.session import session_factory
from resolvers.core.settings import PointsSettings
from resolvers.recognition import ledger
from tests.recognition import rows
from wenming.settings import SettingsError, read_settings


def test_hours_count_up_to_the_cap_at_the_configured_rate() -> None:
    rules = PointsSettings()
    assert [rules.for_service(m, "X") for m in (0, 30, 59, 60, 120, 150, 600)] == [0, 5, 9, 10, 20, 20, 20]
    custom = PointsSettings(per_hour=30, max_hours_per_activity=0.5, per_task_kind=(("LECTURE", 8),))
    assert (custom.for_service(60, "LECTURE"), custom.for_service(60, "OTHER"), custom.for_service(0, "LECTURE")) == (
        23, 15, 8)


def test_the_rules_are_read_from_the_environment() -> None:
    points = read_settings({"WENMING_POINTS_PER_HOUR": "12", "WENMING_POINTS_MAX_HOURS": "1.5",
                            "WENMING_POINTS_PER_TASK_KIND": "LECTURE=5, CLINIC=3",
                            "WENMING_POINTS_RATING_BONUS": "2", "WENMING_POINTS_VALID_DAYS": "365"}).points
    assert points == PointsSettings(per_hour=12, max_hours_per_activity=1.5,
                                    per_task_kind=(("LECTURE", 5), ("CLINIC", 3)), rating_bonus=2, valid_days=365)
    assert read_settings({}).points == PointsSettings()
    for name, value in (("WENMING_POINTS_PER_HOUR", "0"), ("WENMING_POINTS_MAX_HOURS", "25"),
                        ("WENMING_POINTS_MAX_HOURS", "two"), ("WENMING_POINTS_PER_TASK_KIND", "LECTURE"),
                        ("WENMING_POINTS_VALID_DAYS", "-3")):
        with pytest.raises(SettingsError, match=name):
            read_settings({name: value})


def test_a_good_rating_earns_each_served_volunteer_its_bonus_once(engine: Engine) -> None:
    rules = PointsSettings(rating_bonus=3)
    with session_factory(engine)() as session:
        unit = rows.center(session)
        service = rows.item(session)
        first, second = rows.volunteer(session, unit), rows.volunteer(session, unit)
        record = rows.served(session, unit, first, service, 60)
        rows.served(session, unit, second, service, 45, order_id=record.order_id)  # the same order
        good = models.Rating(order_id=record.order_id, score=4)
        session.add(good)
        session.flush()
        assert len(ledger.earn_rating_bonus(session, rules, good, actor_account_id=None)) == 2
        assert ledger.earn_rating_bonus(session, rules, good, actor_account_id=None) == []  # once per rating
        assert (ledger.volunteer_balance(session, first.id), ledger.volunteer_balance(session, second.id)) == (3, 3)
        poor = models.Rating(order_id=rows.served(session, unit, first, service, 60).order_id, score=3)
        session.add(poor)
        session.flush()
        assert ledger.earn_rating_bonus(session, rules, poor, actor_account_id=None) == []
        assert ledger.earn_rating_bonus(session, PointsSettings(), good, actor_account_id=None) == []  # not configured
        session.rollback()
