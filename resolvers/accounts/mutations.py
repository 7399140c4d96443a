"""Resolvers of schema/accounts/fields.py: sign in, tokens, API keys, accounts with their grants.

These read credential tables, which the restricted session hides from everyone
(resolvers/access/policy.py); they do it with the holder's `loading` flag set, the only way around.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Account, Role, RoleGrant
from db.models.base import NAME_LENGTH
from resolvers.access import auth
from resolvers.access import tokens as credentials
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode, Problem
from resolvers.core.mutation import user_error

if TYPE_CHECKING:
    from resolvers.core.context import Info

SCOPE_OF_ROLE = {Role.UNIT_ADMIN: "unit", Role.DISPATCHER: "unit", Role.TEAM_LEADER: "team",
                 Role.VOLUNTEER: "volunteer"}
NODE_OF_SCOPE = {"unit": "Unit", "team": "Team", "volunteer": "Volunteer"}
#: the username column's width (db/models/accounts.py)
USERNAME_LENGTH = 150
#: the longest password taken (hashing cost grows with it)
MAX_PASSWORD = 1024


@contextmanager
def credential_access(info: Info) -> Iterator[Session]:
    """The request session with its restriction paused, to read and write credential tables.

    What was written before is flushed first, so it passes the choke point (resolvers/access/policy.py).
    """
    holder = info.context.auth
    info.context.session.flush()
    holder.loading = True
    try:
        yield info.context.session
    finally:
        holder.loading = False


def _tokens(info: Info, t: auth.Tokens) -> Any:
    return info.context.present.TokensPayload(access_token=t.access_token, access_token_expires_at=t.access_expires_at,
                                              refresh_token=t.refresh_token, user_errors=[])


def _failed(info: Info, message: str, code: ErrorCode, field: tuple[str, ...] = ("input",)) -> Any:
    return info.context.present.TokensPayload(access_token=None, access_token_expires_at=None, refresh_token=None,
                                              user_errors=[user_error(info, Problem(field, message, code))])


def _address(info: Info) -> str:
    client = getattr(info.context.request, "client", None)
    return getattr(client, "host", None) or "unknown"


def login(info: Info, data: Any) -> Any:
    """Sign in; after too many failures from one address (any usernames), refused for a while."""
    failures = info.context.auth.security.login_failures
    address = _address(info)
    if failures.full(address):
        message = "too many failed sign-ins from this address: wait a minute and try again"
        return _failed(info, message, ErrorCode.RATE_LIMITED)
    with credential_access(info) as session:
        try:
            return _tokens(info, auth.login(session, info.context.auth.settings, data.username, data.password))
        except auth.AuthError as exc:
            failures.hit(address)
            return _failed(info, str(exc), exc.code)


def refresh(info: Info, data: Any) -> Any:
    with credential_access(info) as session:
        try:
            return _tokens(info, auth.refresh(session, info.context.auth.settings, data.refresh_token))
        except auth.AuthError as exc:
            return _failed(info, str(exc), exc.code, ("input", "refreshToken"))


def logout(info: Info, data: Any) -> Any:
    caller = info.context.auth.caller
    with credential_access(info) as session:
        revoked = auth.logout(session, caller.account_id, data.refresh_token)
    return info.context.present.LogoutPayload(revoked=revoked, user_errors=[])


def me(info: Info) -> Any:
    caller = info.context.auth.caller
    if caller is None:
        return None
    account = info.context.session.get(Account, caller.account_id)
    return info.context.present.account(account) if account is not None else None


def create_account(session: Session, username: str, password: str | None, grants: Sequence[tuple[Role, dict[str, int]]],
                   display_name: str = "") -> int:
    """Add an account with grants ((role, {"unit_id": 3}), ...) and return its id; the caller commits."""
    account = Account(username=username, display_name=display_name,
                      password_hash=credentials.hash_password(password) if password else None)
    session.add(account)
    session.flush()
    for role, scope in grants:
        session.add(RoleGrant(account_id=account.id, role=role, **scope))
    session.flush()
    return account.id


def decode_grant(grant: Any, path: tuple[str, ...], id_fields: bool = False
                 ) -> tuple[tuple[Role, dict[str, int]] | None, list[Problem]]:
    """(role, {"unit_id": 3}) of a grant input whose scope fields match its role (SCOPE_OF_ROLE), or
    the problems. Its fields are `unit`, `team`, `volunteer` (`unitId`, ... with `id_fields`)."""
    fields = {name: (f"{name}_id", f"{name}Id") if id_fields else (name, name) for name in NODE_OF_SCOPE}
    needed = SCOPE_OF_ROLE.get(grant.role)
    given = {name: getattr(grant, attr) for name, (attr, _) in fields.items() if getattr(grant, attr) is not None}
    if set(given) != ({needed} if needed else set()):
        what = f"exactly `{fields[needed][1]}`" if needed else "no unit, team or volunteer"
        return None, [Problem(path, f"role {grant.role.value} takes {what}", ErrorCode.INVALID)]
    scope: dict[str, int] = {}
    problems: list[Problem] = []
    for name, value in given.items():
        field_path = (*path, fields[name][1])
        try:
            scope[f"{name}_id"] = globalid.decode_as(value, NODE_OF_SCOPE[name], field_path)
        except ClientError as exc:
            problems.append(Problem(field_path, str(exc), exc.code))
    return (None if problems else (grant.role, scope)), problems


def _grant_problems(grants: Sequence[Any]) -> tuple[list[tuple[Role, dict[str, int]]], list[Problem]]:
    decoded: list[tuple[Role, dict[str, int]]] = []
    problems: list[Problem] = []
    for i, grant in enumerate(grants):
        one, found = decode_grant(grant, ("input", "grants", str(i)))
        problems += found
        if one is not None:
            decoded.append(one)
    return decoded, problems


def account_create(info: Info, data: Any) -> Any:
    username = data.username.strip()
    problems: list[Problem] = []
    if not username:
        problems.append(Problem(("input", "username"), "give a username", ErrorCode.REQUIRED))
    if len(username) > USERNAME_LENGTH:
        problems.append(Problem(("input", "username"), f"at most {USERNAME_LENGTH} characters", ErrorCode.OUT_OF_RANGE))
    if len(data.display_name) > NAME_LENGTH:
        problems.append(Problem(("input", "displayName"), f"at most {NAME_LENGTH} characters", ErrorCode.OUT_OF_RANGE))
    if data.password is not None and len(data.password) < 12:
        problems.append(Problem(("input", "password"), "use at least 12 characters", ErrorCode.INVALID))
    if data.password is not None and len(data.password) > MAX_PASSWORD:
        problems.append(Problem(("input", "password"), f"at most {MAX_PASSWORD} characters", ErrorCode.OUT_OF_RANGE))
    grants, grant_problems = _grant_problems(data.grants)
    problems += grant_problems
    with credential_access(info) as session:
        if username and session.scalar(select(Account.id).where(Account.username == username)) is not None:
            problems.append(Problem(("input", "username"), "this username is taken", ErrorCode.DUPLICATE))
        if problems:
            errors = [user_error(info, p) for p in problems]
            return info.context.present.AccountCreatePayload(account=None, user_errors=errors)
        account_id = create_account(session, username, data.password, grants, data.display_name)
        session.commit()
        account = session.get(Account, account_id)
    return info.context.present.AccountCreatePayload(account=info.context.present.account(account), user_errors=[])


def api_key_create(info: Info, data: Any) -> Any:
    with credential_access(info) as session:
        account_id = session.scalar(select(Account.id).where(Account.username == data.username.strip()))
        if account_id is None:
            problem = Problem(("input", "username"), "no account has this username", ErrorCode.NOT_FOUND)
            errors = [user_error(info, problem)]
            return info.context.present.ApiKeyCreatePayload(api_key=None, prefix=None, user_errors=errors)
        if len(data.name.strip()) > NAME_LENGTH:
            problem = Problem(("input", "name"), f"at most {NAME_LENGTH} characters", ErrorCode.OUT_OF_RANGE)
            return info.context.present.ApiKeyCreatePayload(api_key=None, prefix=None,
                                                            user_errors=[user_error(info, problem)])
        secret, row = auth.create_api_key(session, account_id, data.name.strip() or "integration")
    return info.context.present.ApiKeyCreatePayload(api_key=secret, prefix=row.prefix, user_errors=[])
