"""`wenming account create-admin`: the first platform admin, who can then sign in."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.auth.conftest import ClientFor
from tests.documents import LOGIN, ME
from wenming.accounts_cli import AccountCliError, create_admin, service_token
from wenming.cli import main
from wenming.settings import Settings


def test_create_admin_then_login(db_url: str, engine: Engine, client_for: ClientFor,
                                 monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    monkeypatch.setenv("WENMING_ADMIN_PASSWORD", "a long enough password")
    assert main(["account", "create-admin", "root"]) == 0
    assert "created" in capsys.readouterr().out
    tokens = client_for(None).data(LOGIN, {"input": {"username": "root", "password": "a long enough password"}})
    me = client_for(None, headers={"Authorization": f"Bearer {tokens['login']['accessToken']}"}).data(ME)
    assert me == {"me": {"username": "root", "grants": [{"role": "PLATFORM_ADMIN", "unit": None, "team": None,
                                                          "volunteer": None}]}}
    # the same name again is refused with a message
    assert main(["account", "create-admin", "root"]) == 2
    assert "taken" in capsys.readouterr().out


def test_short_passwords_are_refused(db_url: str) -> None:
    with pytest.raises(AccountCliError, match="at least 12"):
        create_admin(db_url, "root", "short")


def test_service_tokens_act_as_a_platform_admin(db_url: str, settings: Settings, client_for: ClientFor) -> None:
    token = service_token(settings)
    assert service_token(settings) != token  # a fresh token, the same account
    me = client_for(None, headers={"Authorization": f"Bearer {token}"}).data(ME)
    assert me == {"me": {"username": "service-admin", "grants": [{"role": "PLATFORM_ADMIN", "unit": None, "team": None,
                                                                   "volunteer": None}]}}
