"""Sign-in: password login, access and refresh tokens, logout, API keys, `me`, and what an
anonymous or badly authenticated request gets."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import Engine, select

from db.models import Account, Role
from db.session import session_factory
from resolvers.access import auth
from resolvers.access.tokens import issue_access_token
from tests.auth.conftest import ClientFor
from tests.auth.support import PASSWORD, token_for
from tests.documents import API_KEY_CREATE, LOGIN, ME, REFRESH, UNIT_COUNT
from tests.schema.support import GraphQLClient
from wenming.limits import RateLimiter
from wenming.settings import Settings

LOGOUT = "mutation Logout($input: LogoutInput!) { logout(input: $input) { revoked userErrors { code } } }"
ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { username grants { role unit } } userErrors { field message code } }
}
"""


def _login(client: GraphQLClient, username: str, password: str) -> dict[str, Any]:
    return client.data(LOGIN, {"input": {"username": username, "password": password}})["login"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_issues_tokens_that_identify_the_account(settings: Settings, engine: Engine,
                                                       client_for: ClientFor) -> None:
    # given an analyst account
    token_for(settings, engine, "li.analyst", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    # when it signs in with its password
    tokens = _login(anonymous, "li.analyst", PASSWORD)
    # then an access token and a refresh token come back, and the access token says who is calling
    assert tokens["userErrors"] == []
    assert tokens["refreshToken"].startswith("wmr_")
    me = client_for(None, headers=_bearer(tokens["accessToken"])).data(ME)["me"]
    assert me == {"username": "li.analyst", "grants": [{"role": "ANALYST", "unit": None, "team": None,
                                                         "volunteer": None}]}


def test_unknown_name_and_wrong_password_get_the_same_answer(settings: Settings, engine: Engine,
                                                             client_for: ClientFor) -> None:
    token_for(settings, engine, "wang", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    wrong_password = _login(anonymous, "wang", "not the password")
    unknown_name = _login(anonymous, "nobody-here", "not the password")
    assert wrong_password == unknown_name
    assert wrong_password["accessToken"] is None
    assert [e["code"] for e in wrong_password["userErrors"]] == ["LOGIN_FAILED"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(settings: Settings, engine: Engine,
                                                                        client_for: ClientFor) -> None:
    token_for(settings, engine, "zhao", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    limit = settings.auth.max_failures
    for _ in range(limit):
        assert _login(anonymous, "zhao", "guess")["accessToken"] is None
    # locked: the right password is refused too, with the same message as a wrong one
    locked = _login(anonymous, "zhao", PASSWORD)
    assert locked["accessToken"] is None
    assert locked == _login(anonymous, "nobody-here", "guess")
    with session_factory(engine)() as session:
        assert session.scalar(select(Account.locked_until).where(Account.username == "zhao")) is not None


def test_a_success_resets_the_failure_count(settings: Settings, engine: Engine, client_for: ClientFor) -> None:
    token_for(settings, engine, "qian", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    limit = settings.auth.max_failures
    for _ in range(limit - 1):
        _login(anonymous, "qian", "guess")
    assert _login(anonymous, "qian", PASSWORD)["accessToken"]
    _login(anonymous, "qian", "guess")
    assert _login(anonymous, "qian", PASSWORD)["accessToken"]  # not locked: the count started again


def test_refresh_tokens_rotate_and_logout_revokes_them(settings: Settings, engine: Engine,
                                                       client_for: ClientFor) -> None:
    token_for(settings, engine, "sun", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    first = _login(anonymous, "sun", PASSWORD)
    # a refresh token gives new tokens once
    second = anonymous.data(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})["refresh"]
    assert second["userErrors"] == [] and second["accessToken"]
    # logout revokes the current one
    signed_in = client_for(None, headers=_bearer(second["accessToken"]))
    assert signed_in.data(LOGOUT, {"input": {"refreshToken": second["refreshToken"]}})["logout"]["revoked"] == 1
    after = anonymous.data(REFRESH, {"input": {"refreshToken": second["refreshToken"]}})["refresh"]
    assert after["accessToken"] is None


def test_anonymous_callers_get_unauthenticated(client_for: ClientFor) -> None:
    body = client_for(None).execute(UNIT_COUNT)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert "login" in body["errors"][0]["message"]


def test_forged_expired_and_malformed_tokens_are_refused(settings: Settings, engine: Engine,
                                                         client_for: ClientFor) -> None:
    token_for(settings, engine, "zhou", [(Role.PLATFORM_ADMIN, {})])
    with session_factory(engine)() as session:
        account_id = session.scalar(select(Account.id).where(Account.username == "zhou"))
    assert account_id is not None
    auth = settings.auth
    forged = jwt.encode({"sub": str(account_id), "typ": "access", "exp": int(time.time()) + 600},
                        "another key, long enough for HS256 signatures", algorithm="HS256")
    expired, _ = issue_access_token(auth, account_id, now=_long_ago())
    for headers in (_bearer(forged), _bearer(expired), {"Authorization": "Basic abc"}, _bearer("wmk_unknown")):
        body = client_for(None, headers=headers).execute(UNIT_COUNT)
        assert body["data"] is None, headers
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], headers


def _long_ago() -> Any:
    return datetime.now(UTC) - timedelta(hours=2)


def test_api_keys_act_as_their_account(admin: GraphQLClient, settings: Settings, engine: Engine,
                                       client_for: ClientFor) -> None:
    # given an integration account created by the platform admin
    created = admin.data(ACCOUNT_CREATE, {"input": {"username": "sms-gateway", "grants": [{"role": "ANALYST"}]}})
    assert created["accountCreate"]["userErrors"] == []
    # when the admin issues it a key
    key = admin.data(API_KEY_CREATE, {"input": {"username": "sms-gateway", "name": "SMS"}})["apiKeyCreate"]
    assert key["apiKey"].startswith("wmk_") and key["apiKey"].startswith(key["prefix"])
    # then the key signs requests in as that account, in either header
    for headers in ({"X-API-Key": key["apiKey"]}, _bearer(key["apiKey"])):
        assert client_for(None, headers=headers).data(ME)["me"]["username"] == "sms-gateway"


def test_account_create_checks_grants(admin: GraphQLClient) -> None:
    payload = admin.data(ACCOUNT_CREATE, {"input": {"username": "x", "password": "short", "grants": [
        {"role": "DISPATCHER"}, {"role": "ANALYST", "unit": "VW5pdDox"}]}})["accountCreate"]
    assert payload["account"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "password"], "INVALID"),
        (["input", "grants", "0"], "INVALID"),
        (["input", "grants", "1"], "INVALID"),
    ]


def test_only_the_platform_admin_creates_accounts_and_keys(settings: Settings, engine: Engine,
                                                           client_for: ClientFor) -> None:
    analyst = client_for("he.analyst", [(Role.ANALYST, {})])
    for document, variables in ((ACCOUNT_CREATE, {"input": {"username": "y", "grants": []}}),
                                (API_KEY_CREATE, {"input": {"username": "he.analyst", "name": "k"}})):
        body = analyst.execute(document, variables)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_many_failures_from_one_address_are_throttled_whatever_the_names(settings: Settings, engine: Engine,
                                                                          client_for: ClientFor) -> None:
    token_for(settings, engine, "wu", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    route = next(r for r in anonymous.app.routes if getattr(r, "path", "") == "/graphql")
    route.app.security.login_failures = RateLimiter(3)  # type: ignore[attr-defined]  # the GraphQL app's limiters
    for name in ("a", "b", "c"):  # different (unknown) names, so no account lock is involved
        assert [e["code"] for e in _login(anonymous, name, "guess")["userErrors"]] == ["LOGIN_FAILED"]
    throttled = _login(anonymous, "wu", PASSWORD)  # even the right password, for now
    assert throttled["accessToken"] is None
    assert [e["code"] for e in throttled["userErrors"]] == ["RATE_LIMITED"]


def test_m3_of_concurrent_refreshes_with_one_token_exactly_one_succeeds(settings: Settings, engine: Engine,
                                                                        client_for: ClientFor) -> None:
    token_for(settings, engine, "zhou", [(Role.ANALYST, {})])
    token = _login(client_for(None), "zhou", PASSWORD)["refreshToken"]
    sessions = session_factory(engine)
    start = threading.Barrier(6)

    def attempt() -> str:
        start.wait(10)
        with sessions() as session:
            try:
                return auth.refresh(session, settings.auth, token).refresh_token
            except auth.AuthError:
                return ""

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: attempt(), range(6)))
    winners = [r for r in results if r]
    assert len(winners) == 1, results


def test_m3_reusing_a_rotated_refresh_token_revokes_the_account_s_refresh_tokens(
        settings: Settings, engine: Engine, client_for: ClientFor) -> None:
    token_for(settings, engine, "wu", [(Role.ANALYST, {})])
    anonymous = client_for(None)
    first = _login(anonymous, "wu", PASSWORD)
    other_device = _login(anonymous, "wu", PASSWORD)
    second = anonymous.data(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})["refresh"]
    assert second["userErrors"] == []
    reused = anonymous.data(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})["refresh"]
    assert reused["accessToken"] is None
    assert [(e["field"], e["code"]) for e in reused["userErrors"]] == [(["input", "refreshToken"], "UNAUTHENTICATED")]
    for token in (second["refreshToken"], other_device["refreshToken"]):  # the whole family is revoked
        again = anonymous.data(REFRESH, {"input": {"refreshToken": token}})["refresh"]
        assert again["accessToken"] is None and again["userErrors"][0]["code"] == "UNAUTHENTICATED"
