"""Account administration (M11): disable and enable accounts, sign them out, revoke API keys, grant
and revoke roles; every act audited in `account_events`, in the same transaction as the change.

Who may act on what is declared in resolvers/access/accounts.py (read criteria and write rules the
choke point enforces); the checks here repeat them only to name the refused field. Nobody changes
their own grants or disables their own account, and the last active platform admin stays. Refresh
tokens and API keys are written through `credential_access` (the credential tables are nobody's
to touch through the restricted session); a disabled account's access tokens, API keys and open
subscriptions stop working because every request and every subscription round loads the caller
again (resolvers/access/auth.py `load_caller` refuses inactive accounts).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Account, AccountAction, AccountEvent, ApiKey, Role, RoleGrant
from resolvers.access import auth
from resolvers.access.accounts import administers_account, grant_in_subtree
from resolvers.access.rules import Check
from resolvers.accounts.mutations import NODE_OF_SCOPE, SCOPE_OF_ROLE, credential_access, decode_grant
from resolvers.core import globalid
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome, run

if TYPE_CHECKING:
    from resolvers.core.context import Info

MAX_REASON = 500
#: scope ("unit") -> the field of `roleGrant`'s input naming it
GRANT_FIELDS = {name: f"{name}Id" for name in NODE_OF_SCOPE}


def _caller(info: Info) -> auth.Caller:
    caller = info.context.auth.caller
    assert caller is not None  # the root gate admits signed-in callers only
    return caller


def _audit(session: Session, caller: auth.Caller, target: int, action: AccountAction, **detail: Any) -> None:
    session.add(AccountEvent(actor_account_id=caller.account_id, target_account_id=target, action=action,
                             detail=detail))


def _administered(info: Info, session: Session, account_id: str, verb: str) -> Account:
    """The account named by `accountId`, which the caller may administer (not itself)."""
    path = ("input", "accountId")
    caller = _caller(info)
    account: Account = globalid.load(session, account_id, "Account", path)
    if account.id == caller.account_id:
        raise abort(path, f"you cannot {verb} your own account: ask another administrator", ErrorCode.FORBIDDEN)
    if not administers_account(Check(session, caller), account.id):
        raise abort(path, f"you may {verb} only accounts all of whose roles lie in your units; ask a platform admin",
                    ErrorCode.FORBIDDEN)
    return account


def is_last_platform_admin(session: Session, account_id: int) -> bool:
    """Whether `account_id` is a platform admin and no other active account is (the others' rows
    are locked until the transaction ends, so two admins cannot disable each other at once)."""
    admins = select(RoleGrant.account_id).where(RoleGrant.role == Role.PLATFORM_ADMIN)
    if session.scalar(admins.where(RoleGrant.account_id == account_id).limit(1)) is None:
        return False
    others = select(Account.id).where(Account.id.in_(admins), Account.active.is_(True), Account.id != account_id)
    return not session.execute(others.order_by(Account.id).with_for_update()).all()


def _keeps_a_platform_admin(session: Session, account_id: int, path: tuple[str, ...]) -> None:
    if is_last_platform_admin(session, account_id):
        raise abort(path, "this is the last active platform admin: make another one first", ErrorCode.FORBIDDEN)


def _revoke_sessions(info: Info, account_id: int) -> int:
    with credential_access(info) as session:
        return auth.revoke_all(session, account_id)


def _mutate(info: Info, work: Callable[[Session], Any]) -> Outcome[Any]:
    return run(info, work, info.context.present.account)


def account_disable(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> Account:
        reason = data.reason.strip()
        if not reason:
            raise abort(("input", "reason"), "say why the account is disabled", ErrorCode.REQUIRED)
        if len(reason) > MAX_REASON:
            raise abort(("input", "reason"), f"at most {MAX_REASON} characters", ErrorCode.OUT_OF_RANGE)
        account = _administered(info, session, data.account_id, "disable")
        if not account.active:
            raise abort(("input", "accountId"), "the account is disabled already", ErrorCode.INVALID)
        _keeps_a_platform_admin(session, account.id, ("input", "accountId"))
        account.active = False
        revoked = _revoke_sessions(info, account.id)
        _audit(session, _caller(info), account.id, AccountAction.DISABLE, reason=reason, sessionsRevoked=revoked)
        return account

    return _mutate(info, work)


def account_enable(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> Account:
        account = _administered(info, session, data.account_id, "enable")
        if account.active:
            raise abort(("input", "accountId"), "the account is enabled already", ErrorCode.INVALID)
        account.active = True
        _audit(session, _caller(info), account.id, AccountAction.ENABLE)
        return account

    return _mutate(info, work)


def account_sessions_revoke(info: Info, data: Any) -> tuple[Outcome[Any], int]:
    """Sign the account out everywhere (its refresh tokens); returns the outcome and how many."""
    revoked = 0

    def work(session: Session) -> Account:
        nonlocal revoked
        account = _administered(info, session, data.account_id, "sign out")
        revoked = _revoke_sessions(info, account.id)
        _audit(session, _caller(info), account.id, AccountAction.SESSIONS_REVOKE, sessionsRevoked=revoked)
        return account

    outcome = _mutate(info, work)
    return outcome, revoked if outcome.value is not None else 0


def api_key_revoke(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> Any:
        path = ("input", "apiKeyId")
        with credential_access(info):
            key: ApiKey = globalid.load(session, data.api_key_id, "ApiKey", path)
            if key.revoked_at is not None:
                raise abort(path, "the API key is revoked already", ErrorCode.INVALID)
            now = datetime.now(UTC)
            session.execute(update(ApiKey).where(ApiKey.id == key.id).values(revoked_at=now)
                            .execution_options(synchronize_session=False))
            row = session.execute(select(ApiKey.id, ApiKey.name, ApiKey.prefix, ApiKey.created_at, ApiKey.revoked_at)
                                  .where(ApiKey.id == key.id)).one()
        _audit(session, _caller(info), key.account_id, AccountAction.API_KEY_REVOKE,
               apiKey=globalid.encode("ApiKey", key.id), prefix=key.prefix)
        return row

    return run(info, work, info.context.present.api_key)


def _grant_detail(grant: RoleGrant) -> dict[str, Any]:
    detail: dict[str, Any] = {"grant": globalid.encode("RoleGrant", grant.id), "role": grant.role.value}
    for name, kind in NODE_OF_SCOPE.items():
        pk = getattr(grant, f"{name}_id")
        if pk is not None:
            detail[name] = globalid.encode(kind, pk)
    return detail


def _may_grant(check: Check, grant: RoleGrant) -> bool:
    return check.caller.is_admin or grant_in_subtree(check, grant.role, grant.unit_id, grant.team_id,
                                                     grant.volunteer_id)


def role_grant(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> RoleGrant:
        caller = _caller(info)
        decoded, problems = decode_grant(data, ("input",), id_fields=True)
        if decoded is None:
            raise abort(problems[0].field, problems[0].message, problems[0].code)
        role, scope = decoded
        account: Account = globalid.load(session, data.account_id, "Account", ("input", "accountId"))
        if account.id == caller.account_id:
            raise abort(("input", "accountId"), "you cannot change your own roles: ask another administrator",
                        ErrorCode.FORBIDDEN)
        for column, pk in scope.items():  # the unit, team or volunteer exists (and is in the caller's view)
            name = column.removesuffix("_id")
            globalid.load(session, globalid.encode(NODE_OF_SCOPE[name], pk), NODE_OF_SCOPE[name],
                          ("input", GRANT_FIELDS[name]))
        grant = RoleGrant(account_id=account.id, role=role, **scope)
        if not _may_grant(Check(session, caller), grant):
            field = GRANT_FIELDS[SCOPE_OF_ROLE[role]] if role in SCOPE_OF_ROLE else "role"
            raise abort(("input", field), f"you may not grant {role.value} there: unit admins grant unit admin, "
                        "dispatcher, team leader and volunteer roles inside their units", ErrorCode.FORBIDDEN)
        same = select(RoleGrant.id).where(RoleGrant.account_id == account.id, RoleGrant.role == role,
                                          *(getattr(RoleGrant, c) == pk for c, pk in scope.items()))
        if session.scalar(same) is not None:
            raise abort(("input", "role"), "the account holds this role already", ErrorCode.DUPLICATE)
        session.add(grant)
        session.flush()
        _audit(session, caller, account.id, AccountAction.ROLE_GRANT, **_grant_detail(grant))
        return grant

    return run(info, work, info.context.present.role_grant)


def role_revoke(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> Account:
        caller = _caller(info)
        path = ("input", "grantId")
        grant: RoleGrant = globalid.load(session, data.grant_id, "RoleGrant", path)
        if grant.account_id == caller.account_id:
            raise abort(path, "you cannot change your own roles: ask another administrator", ErrorCode.FORBIDDEN)
        if not _may_grant(Check(session, caller), grant):
            raise abort(path, f"you may not revoke {grant.role.value} grants there", ErrorCode.FORBIDDEN)
        if grant.role is Role.PLATFORM_ADMIN:
            _keeps_a_platform_admin(session, grant.account_id, path)
        account = session.get(Account, grant.account_id)
        assert account is not None  # the grant's account (its foreign key)
        detail = _grant_detail(grant)
        session.delete(grant)
        _audit(session, caller, grant.account_id, AccountAction.ROLE_REVOKE, **detail)
        return account

    return _mutate(info, work)


class CommandLineRefusal(Exception):
    """`wenming account disable|enable` cannot do it; the message says why."""


def set_active_from_command_line(session: Session, username: str, active: bool, reason: str = "") -> None:
    """Enable or disable an account from the command line (an unrestricted session; the caller
    commits): audited with no actor account, disabling revokes its sessions too."""
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise CommandLineRefusal(f"no account is named {username!r}")
    if account.active == active:
        raise CommandLineRefusal(f"the account is {'enabled' if active else 'disabled'} already")
    if not active and is_last_platform_admin(session, account.id):
        raise CommandLineRefusal("this is the last active platform admin: make another one first")
    account.active = active
    detail: dict[str, Any] = {"by": "command line"}
    if not active:
        detail.update(reason=reason.strip()[:MAX_REASON], sessionsRevoked=auth.revoke_all(session, account.id))
    session.add(AccountEvent(actor_account_id=None, target_account_id=account.id, detail=detail,
                             action=AccountAction.ENABLE if active else AccountAction.DISABLE))
