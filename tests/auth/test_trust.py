"""Regression tests of the trust review: each test is named after the finding it closes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from resolvers.core.settings import DEV_SECRET_KEY, Settings, SettingsError
from tests.auth.serving import wenming_serve
from wenming.app import create_app
from wenming.settings import read_settings


@pytest.mark.parametrize("key", ["k", "x" * 31, DEV_SECRET_KEY, ""])
def test_m5_production_refuses_a_short_or_default_secret_key(key: str) -> None:
    with pytest.raises(SettingsError, match="WENMING_SECRET_KEY"):
        read_settings({"WENMING_ENV": "production", "WENMING_SECRET_KEY": key})
    with pytest.raises(SettingsError, match="WENMING_SECRET_KEY"):  # settings made in code, too
        create_app(Settings(env="production", secret_key=key or DEV_SECRET_KEY, database_url="sqlite://"))


def test_m5_production_starts_with_a_long_random_key() -> None:
    settings = read_settings({"WENMING_ENV": "production", "WENMING_SECRET_KEY": "r" * 32})
    assert settings.production and len(settings.auth.jwt_key) >= 32


def test_l8_x_forwarded_for_is_not_believed_from_an_unconfigured_proxy(tmp_path: Path) -> None:
    """Over real HTTP: with two requests a minute per address, forged X-Forwarded-For values do
    not give a client fresh addresses; the third request from 127.0.0.1 is refused."""
    with wenming_serve(tmp_path, WENMING_RATE_PER_ADDRESS="2") as (url, _):
        codes = [httpx.post(url, json={"query": "{ __typename }"}, headers={"X-Forwarded-For": f"10.0.0.{i}"},
                            timeout=10).status_code for i in range(3)]
    assert codes[2] == 429, codes


def test_l8_a_configured_proxy_names_the_client(tmp_path: Path) -> None:
    with wenming_serve(tmp_path, WENMING_RATE_PER_ADDRESS="2", WENMING_TRUSTED_PROXIES="127.0.0.1") as (url, _):
        codes = [httpx.post(url, json={"query": "{ __typename }"}, headers={"X-Forwarded-For": f"10.0.0.{i}"},
                            timeout=10).status_code for i in range(3)]
    assert 429 not in codes, codes


def test_l5_a_malformed_json_body_is_400_with_a_graphql_error(tmp_path: Path) -> None:
    with wenming_serve(tmp_path) as (url, _):
        for body in (b'{"query": ', b'"a string"', b"42", b"\xff\xfe", b"null"):
            response = httpx.post(url, content=body, headers={"content-type": "application/json"}, timeout=10)
            assert response.status_code == 400, (body, response.text)
            errors = response.json()["errors"]
            assert len(errors) == 1 and errors[0]["extensions"]["code"] == "INVALID" and errors[0]["message"]
