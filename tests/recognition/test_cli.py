"""`wenming points expire`: the daily expiry of unspent points from the command line."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, update

from db import models
from db.session import session_factory
from resolvers.core.settings import PointsSettings
from resolvers.recognition import ledger
from tests.recognition import rows
from wenming.cli import main


def test_points_older_than_their_validity_expire_once(db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with session_factory(engine)() as session:
        unit = rows.center(session)
        old, fresh = rows.volunteer(session, unit), rows.volunteer(session, unit)
        service = rows.item(session)
        for who in (old, fresh):
            record = rows.served(session, unit, who, service, 60)
            ledger.earn_for_service(session, PointsSettings(), record, f"checkout:{record.id}", actor_account_id=None)
        session.execute(update(models.LedgerTransaction).where(models.LedgerTransaction.id == 1).values(
            at=dt.datetime.now(dt.UTC) - dt.timedelta(days=400)))
        session.commit()
        old_id, fresh_id = old.id, fresh.id
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    assert main(["points", "expire"]) == 2
    assert "WENMING_POINTS_VALID_DAYS" in capsys.readouterr().out
    monkeypatch.setenv("WENMING_POINTS_VALID_DAYS", "365")
    assert main(["points", "expire"]) == 0
    assert "1 volunteer(s)" in capsys.readouterr().out
    assert main(["points", "expire"]) == 0
    assert "0 volunteer(s)" in capsys.readouterr().out
    with session_factory(engine)() as session:
        assert (ledger.volunteer_balance(session, old_id), ledger.volunteer_balance(session, fresh_id)) == (0, 10)
