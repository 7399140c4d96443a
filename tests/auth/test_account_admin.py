"""M11, account administration, over real HTTP and websockets: disabling an account stops its
tokens, keys and open subscriptions at once; revoked keys and roles stop at the next request;
unit admins act only inside their subtree and never on themselves; every act is audited with the
signed-in actor, and a refused act writes nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from db.models import Account, AccountEvent, Role, RoleGrant
from db.session import session_factory
from resolvers.core import globalid
from resolvers.dispatch import live
from tests.auth.serving import wait_for
from tests.auth.support import ADMIN, PASSWORD, token_for
from tests.dispatch.support import DispatchClient
from tests.documents import (
    ACCOUNT_DISABLE,
    ACCOUNT_ENABLE,
    ACCOUNT_SESSIONS_REVOKE,
    ACCOUNTS,
    API_KEY_CREATE,
    API_KEY_REVOKE,
    LOGIN,
    ME,
    NOTIFICATIONS,
    ORDER_SUBMIT,
    REFRESH,
    ROLE_GRANT,
    ROLE_REVOKE,
)
from tests.schema.support import create_item, create_skill, create_unit, offer, register_volunteer
from wenming.cli import main
from wenming.settings import Settings

ORDERS = "query { orders { totalCount } }"


@pytest.fixture
def server(settings: Settings, engine: Engine) -> Iterator[DispatchClient]:
    client = DispatchClient(settings, engine)
    try:
        yield client
    finally:
        client.close()


def _pk(engine: Engine, username: str) -> int:
    with session_factory(engine)() as session:
        pk = session.scalar(select(Account.id).where(Account.username == username))
    assert pk is not None, username
    return pk


def _gid(engine: Engine, username: str) -> str:
    return globalid.encode("Account", _pk(engine, username))


def _events(engine: Engine) -> list[tuple[int | None, int, str]]:
    with session_factory(engine)() as session:
        rows = session.execute(select(AccountEvent.actor_account_id, AccountEvent.target_account_id,
                                      AccountEvent.action).order_by(AccountEvent.id)).all()
    return [(a, t, str(action)) for a, t, action in rows]


def _grant_count(engine: Engine) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(RoleGrant)) or 0)


def _as(server: DispatchClient, credential: dict[str, str], document: str,
        variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole JSON answer to `document` sent with `credential` headers (an access token or API key)."""
    response = server.client.post("/graphql", json={"query": document, "variables": variables},
                                  headers=credential)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _user_errors(body: dict[str, Any], field: str) -> list[tuple[str, tuple[str, ...]]]:
    assert "errors" not in body, body["errors"]
    return [(e["code"], tuple(e["field"] or ())) for e in body["data"][field]["userErrors"]]


def test_m11_disabling_an_account_stops_its_access_token_refresh_token_and_api_key_at_once(
        server: DispatchClient, settings: Settings, engine: Engine) -> None:
    token_for(settings, engine, "hotline", [(Role.RESIDENT, {})], password=PASSWORD)
    tokens = server.ok(LOGIN, {"input": {"username": "hotline", "password": PASSWORD}}, "login")
    key = server.ok(API_KEY_CREATE, {"input": {"username": "hotline", "name": "hotline system"}},
                    "apiKeyCreate")["apiKey"]
    access, api_key = _bearer(tokens["accessToken"]), {"X-API-Key": key}
    for credential in (access, api_key):
        assert _as(server, credential, ME)["data"]["me"]["username"] == "hotline"

    disabled = server.ok(ACCOUNT_DISABLE, {"input": {"accountId": _gid(engine, "hotline"), "reason": "离职"}},
                         "accountDisable")
    assert disabled["account"]["active"] is False
    for credential in (access, api_key):  # the very next request, within the token's lifetime
        assert _codes(_as(server, credential, ME)) == ["UNAUTHENTICATED"]
    refreshed = server.data(REFRESH, {"input": {"refreshToken": tokens["refreshToken"]}})["refresh"]
    assert [e["code"] for e in refreshed["userErrors"]] == ["UNAUTHENTICATED"]
    again = server.data(LOGIN, {"input": {"username": "hotline", "password": PASSWORD}})["login"]
    assert [e["code"] for e in again["userErrors"]] == ["LOGIN_FAILED"]

    server.ok(ACCOUNT_ENABLE, {"input": {"accountId": _gid(engine, "hotline")}}, "accountEnable")
    assert _as(server, api_key, ME)["data"]["me"]["username"] == "hotline"  # keys are revoked one by one
    refreshed = server.data(REFRESH, {"input": {"refreshToken": tokens["refreshToken"]}})["refresh"]
    assert [e["code"] for e in refreshed["userErrors"]] == ["UNAUTHENTICATED"]  # the sessions stay revoked
    server.ok(LOGIN, {"input": {"username": "hotline", "password": PASSWORD}}, "login")


def test_m11_disabling_an_account_closes_its_open_subscription(server: DispatchClient, settings: Settings,
                                                               engine: Engine) -> None:
    token = token_for(settings, engine, "watcher", [(Role.ANALYST, {})], password=None)
    account = _pk(engine, "watcher")
    with connect(f"ws://{server.address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))
        wait_for(lambda: live._OPEN[account] == 1, 10, "the subscription never opened")
        server.ok(ACCOUNT_DISABLE, {"input": {"accountId": _gid(engine, "watcher"), "reason": "账号停用"}},
                  "accountDisable")
        disabled_at = time.monotonic()
        while True:
            message = json.loads(ws.recv(timeout=10))
            if message["type"] == "error" or (message["type"] == "next" and message["payload"].get("errors")):
                break
        closed_after = time.monotonic() - disabled_at
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    assert closed_after < live.POLL_SECONDS + 4, closed_after  # one recheck round, with slack for a busy machine


def test_m11_a_revoked_api_key_is_refused_and_listed_without_its_secret(server: DispatchClient, settings: Settings,
                                                                        engine: Engine) -> None:
    token = token_for(settings, engine, "sms-gateway", [(Role.RESIDENT, {})], password=None)
    created = server.ok(API_KEY_CREATE, {"input": {"username": "sms-gateway", "name": "SMS"}}, "apiKeyCreate")
    key = {"X-API-Key": created["apiKey"]}
    assert _as(server, key, ME)["data"]["me"]["username"] == "sms-gateway"
    node = server.data(ACCOUNTS, {"username": "sms-gateway"})["accounts"]["edges"][0]["node"]
    [listed] = node["apiKeys"]
    assert (listed["name"], listed["prefix"], listed["revokedAt"]) == ("SMS", created["prefix"], None)
    assert created["apiKey"] not in json.dumps(node)

    revoked = server.ok(API_KEY_REVOKE, {"input": {"apiKeyId": listed["id"]}}, "apiKeyRevoke")["apiKey"]
    assert revoked["id"] == listed["id"] and revoked["revokedAt"] is not None
    assert _codes(_as(server, key, ME)) == ["UNAUTHENTICATED"]
    assert _as(server, _bearer(token), ME)["data"]["me"]["username"] == "sms-gateway"  # the account still works
    again = server.execute(API_KEY_REVOKE, {"input": {"apiKeyId": listed["id"]}})
    assert _user_errors(again, "apiKeyRevoke") == [("INVALID", ("input", "apiKeyId"))]


@pytest.fixture
def network(server: DispatchClient, settings: Settings, engine: Engine) -> dict[str, Any]:
    """Centers A and B with a station each, a volunteer of A's station with an account, an order at
    A's station, and a unit admin of center A."""
    ids: dict[str, Any] = {}
    for side in ("a", "b"):
        ids[f"center_{side}"] = create_unit(server, "CENTER")
        institute = create_unit(server, "INSTITUTE", ids[f"center_{side}"])
        ids[f"station_{side}"] = create_unit(server, "STATION", institute)
    ids["volunteer_a"] = register_volunteer(server, ids["station_a"])
    ids["volunteer_b"] = register_volunteer(server, ids["station_b"])
    item = create_item(server, create_skill(server))
    offer(server, ids["center_a"], item)
    server.ok(ORDER_SUBMIT, {"input": {
        "item": item, "unit": ids["station_a"], "residentName": "李大爷", "location": {"lat": 34.3, "lon": 117.9},
        "windowStart": "2026-12-07T09:00:00", "windowEnd": "2026-12-07T11:00:00", "channel": "HOTLINE"}},
        "orderSubmit")
    def pk(name: str) -> int:
        return globalid.decode(ids[name])[1]

    ids["member"] = token_for(settings, engine, "member-a", [(Role.VOLUNTEER, {"volunteer_id": pk("volunteer_a")})],
                              password=None)
    ids["admin_a"] = token_for(settings, engine, "admin-a", [(Role.UNIT_ADMIN, {"unit_id": pk("center_a")})],
                               password=None)
    token_for(settings, engine, "member-b", [(Role.VOLUNTEER, {"volunteer_id": pk("volunteer_b")})], password=None)
    token_for(settings, engine, "mixed-a", [(Role.VOLUNTEER, {"volunteer_id": pk("volunteer_a")}), (Role.RESIDENT, {})],
              password=None)
    return ids


def test_m11_a_granted_then_revoked_role_changes_what_the_account_may_do_on_the_next_request(
        server: DispatchClient, engine: Engine, network: dict[str, Any]) -> None:
    member, admin_a = _bearer(network["member"]), _bearer(network["admin_a"])
    assert _as(server, member, ORDERS)["data"]["orders"]["totalCount"] == 0  # a volunteer without tasks
    granted = _as(server, admin_a, ROLE_GRANT, {"input": {"accountId": _gid(engine, "member-a"), "role": "DISPATCHER",
                                                          "unitId": network["station_a"]}})
    assert _user_errors(granted, "roleGrant") == []
    grant = granted["data"]["roleGrant"]["grant"]
    assert (grant["role"], grant["unit"]) == ("DISPATCHER", network["station_a"])
    assert _as(server, member, ORDERS)["data"]["orders"]["totalCount"] == 1  # the same token, the next request

    revoked = _as(server, admin_a, ROLE_REVOKE, {"input": {"grantId": grant["id"]}})
    assert _user_errors(revoked, "roleRevoke") == []
    assert [g["role"] for g in revoked["data"]["roleRevoke"]["account"]["grants"]] == ["VOLUNTEER"]
    assert _as(server, member, ORDERS)["data"]["orders"]["totalCount"] == 0
    actor, target = _pk(engine, "admin-a"), _pk(engine, "member-a")
    assert _events(engine) == [(actor, target, "ROLE_GRANT"), (actor, target, "ROLE_REVOKE")]


def test_m11_a_unit_admin_acts_only_inside_its_subtree_and_never_on_itself(
        server: DispatchClient, engine: Engine, network: dict[str, Any]) -> None:
    admin_a = _bearer(network["admin_a"])
    member, own, outside, mixed = (_gid(engine, n) for n in ("member-a", "admin-a", "member-b", "mixed-a"))
    listed = _as(server, admin_a, ACCOUNTS)["data"]["accounts"]
    names = {e["node"]["username"]: e["node"] for e in listed["edges"]}
    assert sorted(names) == ["admin-a", "member-a", "mixed-a"] and listed["totalCount"] == 3
    assert [g["role"] for g in names["mixed-a"]["grants"]] == ["VOLUNTEER"]  # not its grant outside the subtree
    assert names["member-a"]["apiKeys"] is None and names["member-a"]["events"] is None  # platform admin's
    own_grant = names["admin-a"]["grants"][0]["id"]
    grants, before = _grant_count(engine), _events(engine)

    refused = [
        (ROLE_GRANT, "roleGrant", {"accountId": member, "role": "DISPATCHER", "unitId": network["station_b"]},
         ("FORBIDDEN", ("input", "unitId"))),
        (ROLE_GRANT, "roleGrant", {"accountId": member, "role": "VOLUNTEER", "volunteerId": network["volunteer_b"]},
         ("NOT_FOUND", ("input", "volunteerId"))),  # a volunteer of B is not even visible
        (ROLE_GRANT, "roleGrant", {"accountId": member, "role": "PLATFORM_ADMIN"}, ("FORBIDDEN", ("input", "role"))),
        (ROLE_GRANT, "roleGrant", {"accountId": member, "role": "ANALYST"}, ("FORBIDDEN", ("input", "role"))),
        (ROLE_GRANT, "roleGrant", {"accountId": own, "role": "DISPATCHER", "unitId": network["station_a"]},
         ("FORBIDDEN", ("input", "accountId"))),
        (ROLE_GRANT, "roleGrant", {"accountId": outside, "role": "DISPATCHER", "unitId": network["station_a"]},
         ("NOT_FOUND", ("input", "accountId"))),
        (ROLE_GRANT, "roleGrant", {"accountId": member, "role": "DISPATCHER", "teamId": network["station_a"]},
         ("INVALID", ("input",))),
        (ROLE_GRANT, "roleGrant", {"accountId": member, "role": "UNIT_ADMIN"}, ("INVALID", ("input",))),
        (ROLE_REVOKE, "roleRevoke", {"grantId": own_grant}, ("FORBIDDEN", ("input", "grantId"))),
        (ACCOUNT_DISABLE, "accountDisable", {"accountId": own, "reason": "x"}, ("FORBIDDEN", ("input", "accountId"))),
        (ACCOUNT_DISABLE, "accountDisable", {"accountId": mixed, "reason": "x"},
         ("FORBIDDEN", ("input", "accountId"))),  # it holds a role the unit admin could not revoke
        (ACCOUNT_DISABLE, "accountDisable", {"accountId": outside, "reason": "x"},
         ("NOT_FOUND", ("input", "accountId"))),
        (ACCOUNT_DISABLE, "accountDisable", {"accountId": member, "reason": " "}, ("REQUIRED", ("input", "reason"))),
        (ACCOUNT_SESSIONS_REVOKE, "accountSessionsRevoke", {"accountId": outside},
         ("NOT_FOUND", ("input", "accountId"))),
    ]
    for document, field, variables, expected in refused:
        assert _user_errors(_as(server, admin_a, document, {"input": variables}), field) == [expected], variables
    assert _grant_count(engine) == grants and _events(engine) == before == []  # refused acts wrote nothing
    body = _as(server, admin_a, API_KEY_REVOKE, {"input": {"apiKeyId": globalid.encode("ApiKey", 1)}})
    assert _codes(body) == ["FORBIDDEN"]  # the platform admin's alone

    disabled = _as(server, admin_a, ACCOUNT_DISABLE, {"input": {"accountId": member, "reason": "不再服务"}})
    assert _user_errors(disabled, "accountDisable") == []
    assert _codes(_as(server, _bearer(network["member"]), ME)) == ["UNAUTHENTICATED"]
    assert _user_errors(_as(server, admin_a, ACCOUNT_ENABLE, {"input": {"accountId": member}}), "accountEnable") == []
    actor, target = _pk(engine, "admin-a"), _pk(engine, "member-a")
    assert _events(engine) == [(actor, target, "DISABLE"), (actor, target, "ENABLE")]


def test_m11_every_act_is_audited_with_the_signed_in_actor(server: DispatchClient, settings: Settings,
                                                           engine: Engine, network: dict[str, Any]) -> None:
    member = _gid(engine, "member-a")
    server.ok(API_KEY_CREATE, {"input": {"username": "member-a", "name": "app"}}, "apiKeyCreate")
    node = server.data(ACCOUNTS, {"username": "member-a"})["accounts"]["edges"][0]["node"]
    server.ok(ACCOUNT_SESSIONS_REVOKE, {"input": {"accountId": member}}, "accountSessionsRevoke")
    server.ok(ACCOUNT_DISABLE, {"input": {"accountId": member, "reason": "暂停"}}, "accountDisable")
    server.ok(ACCOUNT_ENABLE, {"input": {"accountId": member}}, "accountEnable")
    server.ok(API_KEY_REVOKE, {"input": {"apiKeyId": node["apiKeys"][0]["id"]}}, "apiKeyRevoke")
    grant = server.ok(ROLE_GRANT, {"input": {"accountId": member, "role": "RESIDENT"}}, "roleGrant")
    server.ok(ROLE_REVOKE, {"input": {"grantId": grant["grant"]["id"]}}, "roleRevoke")

    admin, target = _pk(engine, ADMIN), _pk(engine, "member-a")
    actions = ["SESSIONS_REVOKE", "DISABLE", "ENABLE", "API_KEY_REVOKE", "ROLE_GRANT", "ROLE_REVOKE"]
    assert _events(engine) == [(admin, target, a) for a in actions]
    events = server.data(ACCOUNTS, {"username": "member-a"})["accounts"]["edges"][0]["node"]["events"]["edges"]
    assert [(e["node"]["actor"], e["node"]["target"], e["node"]["action"]) for e in events] == [
        (globalid.encode("Account", admin), member, a) for a in actions]
    details = [e["node"]["detail"] for e in events]
    assert details[1] == {"reason": "暂停", "sessionsRevoked": 0}
    assert details[4] == {"grant": grant["grant"]["id"], "role": "RESIDENT"}
    assert all(e["node"]["at"] for e in events)


def test_m11_the_command_line_disables_and_enables_without_an_actor_and_keeps_the_last_admin(
        db_url: str, settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WENMING_DATABASE_URL", db_url)
    token_for(settings, engine, "root", [(Role.PLATFORM_ADMIN, {})], password=None)
    token_for(settings, engine, "clerk", [(Role.RESIDENT, {})], password=None)
    assert main(["account", "disable", "root"]) == 2
    assert "last active platform admin" in capsys.readouterr().out
    assert main(["account", "disable", "clerk", "--reason", "离职"]) == 0
    assert main(["account", "disable", "clerk"]) == 2
    assert "already" in capsys.readouterr().out
    assert main(["account", "enable", "clerk"]) == 0
    clerk = _pk(engine, "clerk")
    assert _events(engine) == [(None, clerk, "DISABLE"), (None, clerk, "ENABLE")]
    with session_factory(engine)() as session:
        details = session.scalars(select(AccountEvent.detail).order_by(AccountEvent.id)).all()
    assert details == [{"by": "command line", "reason": "离职", "sessionsRevoked": 0}, {"by": "command line"}]
