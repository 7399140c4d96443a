"""Expiry notices: sent to the holder and his team leaders N days before a certificate's last
valid day, once per certificate and threshold; a rerun sends nothing twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from db import models
from db.models.dispatch import EventKind
from db.session import session_factory
from resolvers.training.notices import send_expiry_notices
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient
from tests.training.support import certify, create_course, create_session, team_doctor
from wenming.cli import main

THRESHOLDS = (30, 7)


def sweep(engine: Engine, today: dt.date) -> int:
    with session_factory(engine)() as session:
        notified = send_expiry_notices(session, THRESHOLDS, today)
        session.commit()
    return notified


def notices(engine: Engine) -> list[tuple[int | None, int, int]]:
    """(recipient volunteer, threshold, days left) of every expiry event, in order."""
    o = models.OutboxEvent
    with engine.connect() as conn:
        rows = conn.execute(select(o.volunteer_id, o.payload).where(o.kind == EventKind.CERTIFICATE_EXPIRING)
                            .order_by(o.id)).all()
    return [(vid, payload["threshold_days"], payload["days_left"]) for vid, payload in rows]


def certified(api: DispatchClient, world: dict[str, Any], volunteer: str, days: int) -> dict[str, Any]:
    course = create_course(api, world, validityDays=days)
    certificate: dict[str, Any] = certify(api, create_session(api, world, course["id"]), volunteer)["certificate"]
    return certificate


def test_holders_and_team_leaders_are_notified_once_per_certificate_and_threshold(
        api: DispatchClient, world: dict[str, Any], engine: Engine) -> None:
    holder = team_doctor(api, world, "王医生")
    leader = team_doctor(api, world, "张队长", role="LEADER")
    certificate = certified(api, world, holder, 60)
    until = dt.date.fromisoformat(certificate["validUntil"])
    h, lead = pk(holder), pk(leader)

    assert sweep(engine, until - dt.timedelta(days=31)) == 0, "not yet within 30 days"
    assert sweep(engine, until - dt.timedelta(days=30)) == 1
    assert notices(engine) == [(h, 30, 30), (lead, 30, 30)]
    assert sweep(engine, until - dt.timedelta(days=30)) == 0
    assert sweep(engine, until - dt.timedelta(days=20)) == 0, "the 30-day notice went out already"
    assert sweep(engine, until - dt.timedelta(days=7)) == 1
    assert sweep(engine, until - dt.timedelta(days=3)) == 0
    assert notices(engine) == [(h, 30, 30), (lead, 30, 30), (h, 7, 7), (lead, 7, 7)]
    with session_factory(engine)() as session:
        recorded = session.execute(select(models.CertificateNotice.threshold_days)
                                   .order_by(models.CertificateNotice.threshold_days)).scalars().all()
    assert recorded == [7, 30]
    assert sweep(engine, until + dt.timedelta(days=1)) == 0, "an expired certificate is not announced"


def test_a_certificate_first_seen_close_to_expiry_gets_one_notice_for_the_nearest_threshold(
        api: DispatchClient, world: dict[str, Any], engine: Engine) -> None:
    holder = team_doctor(api, world)
    until = dt.date.fromisoformat(certified(api, world, holder, 60)["validUntil"])
    assert sweep(engine, until - dt.timedelta(days=5)) == 1
    assert notices(engine) == [(pk(holder), 7, 5)]
    assert sweep(engine, until - dt.timedelta(days=4)) == 0


def test_the_cli_sweep_sends_nothing_twice(api: DispatchClient, world: dict[str, Any], engine: Engine,
                                           db_url: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    holder = team_doctor(api, world)
    until = dt.date.fromisoformat(certified(api, world, holder, 10)["validUntil"])
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    monkeypatch.setenv("WENMING_CERTIFICATE_NOTICE_DAYS", "7,30")
    day = (until - dt.timedelta(days=6)).isoformat()
    assert main(["training", "notify", "--today", day]) == 0
    assert main(["training", "notify", "--today", day]) == 0
    out = capsys.readouterr().out
    assert "notified the holders of 1 certificate(s)" in out and "notified the holders of 0 certificate(s)" in out
    assert notices(engine) == [(pk(holder), 7, 6)]
    assert main(["training", "notify", "--today", "someday"]) == 2
