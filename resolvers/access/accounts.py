"""Access to accounts: sign-in, tokens, API keys, the caller's own account, and account administration.

Credentials are read and written only while the holder's `loading` flag pauses the session's
restriction (resolvers/access/auth.py, resolvers/accounts/); no caller reads them through the
API's session.

Account administration (M11): the platform admin administers every account. A unit admin
administers the grants inside its subtree: UNIT_ADMIN and DISPATCHER grants of its units,
TEAM_LEADER grants of their teams, VOLUNTEER grants of their volunteers; never PLATFORM_ADMIN,
ANALYST or RESIDENT grants. It sees the accounts holding such a grant (and those grants), and it
may disable, enable and sign out an account only when it could revoke every grant the account
holds (at least one grant, all of them in its subtree): what it could take away grant by grant,
no more. Nobody changes their own grants or disables their own account (resolvers/accounts/admin.py).
The audit (`account_events`) is read by the platform admin only and written by the acting caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from db import models
from db.models import Role
from resolvers.access.rules import (
    ADMIN,
    ANYONE,
    SIGNED_IN,
    STAFF,
    UNIT_ADMIN,
    UNIT_ROLES,
    Check,
    Domain,
    Scope,
    WriteRule,
)

_grants = models.RoleGrant.__table__
_teams = models.Team.__table__
_volunteers = models.Volunteer.__table__


def grants_in_subtree(scope: Scope, table: Any) -> ColumnElement[bool] | None:
    """Grants (rows of `table`, role_grants) inside the caller's unit-admin subtree (None: no subtree)."""
    units = scope.units(*UNIT_ADMIN)
    if units is None:
        return None
    return or_(
        and_(table.c.role.in_(UNIT_ROLES), table.c.unit_id.in_(units)),
        and_(table.c.role == Role.TEAM_LEADER,
             table.c.team_id.in_(select(_teams.c.id).where(_teams.c.unit_id.in_(units)))),
        and_(table.c.role == Role.VOLUNTEER,
             table.c.volunteer_id.in_(select(_volunteers.c.id).where(_volunteers.c.unit_id.in_(units)))),
    )


def _own(scope: Scope, column: Any) -> ColumnElement[bool]:
    return column == scope.caller.account_id if scope.caller is not None else false()


def _readable_accounts(scope: Scope, table: Any) -> ColumnElement[bool]:
    inside = grants_in_subtree(scope, _grants)
    held = table.c.id.in_(select(_grants.c.account_id).where(inside)) if inside is not None else None
    return or_(_own(scope, table.c.id), held) if held is not None else _own(scope, table.c.id)


def _readable_grants(scope: Scope, table: Any) -> ColumnElement[bool]:
    inside = grants_in_subtree(scope, table)
    return or_(_own(scope, table.c.account_id), inside) if inside is not None else _own(scope, table.c.account_id)


def grant_in_subtree(check: Check, role: Role, unit_id: int | None, team_id: int | None,
                     volunteer_id: int | None) -> bool:
    """The grant lies inside a unit-admin subtree of the caller (never PLATFORM_ADMIN, ANALYST, RESIDENT)."""
    if role in UNIT_ROLES:
        unit = unit_id
    elif role is Role.TEAM_LEADER:
        unit = check.team_unit(team_id)
    elif role is Role.VOLUNTEER:
        unit = check.volunteer_unit(volunteer_id)
    else:
        return False
    return check.in_subtree(UNIT_ADMIN, check.unit_path(unit))


def administers_account(check: Check, account_id: int) -> bool:
    """The caller could revoke every grant of the account (it holds one at least) and it is not the caller."""
    if check.caller.is_admin:
        return account_id != check.caller.account_id
    rows = check.session.connection().execute(
        select(_grants.c.role, _grants.c.unit_id, _grants.c.team_id, _grants.c.volunteer_id)
        .where(_grants.c.account_id == account_id)).all()
    return (account_id != check.caller.account_id and bool(rows)
            and all(grant_in_subtree(check, Role(r.role), r.unit_id, r.team_id, r.volunteer_id) for r in rows))


@dataclass(frozen=True)
class Grants(WriteRule):
    """Role grants: added and revoked inside the caller's subtree, never the caller's own."""

    sentence: str = ("unit admin: unit admin and dispatcher grants of units, team leader grants of teams, volunteer "
                     "grants of volunteers in the subtree; never the caller's own")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return (obj.account_id != check.caller.account_id
                and grant_in_subtree(check, obj.role, obj.unit_id, obj.team_id, obj.volunteer_id))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        inside = grants_in_subtree(scope, table)
        return and_(inside, ~_own(scope, table.c.account_id)) if inside is not None else None


@dataclass(frozen=True)
class AdministeredAccounts(WriteRule):
    """Accounts (disable, enable): changed, never made, by a caller who could revoke all their grants."""

    sentence: str = ("unit admin: accounts (not new ones) all of whose grants (one at least) it could revoke; "
                     "never the caller's own")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return not is_new and administers_account(check, obj.id)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None  # accounts are changed one object at a time, never by bulk statements


@dataclass(frozen=True)
class ByActor(WriteRule):
    """Audit rows: added, never changed, with the caller as the actor."""

    sentence: str = "new rows only, with the caller as the actor"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return is_new and obj.actor_account_id == check.caller.account_id

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="accounts",
    roots={
        "Query.me": SIGNED_IN,
        "Query.accounts": STAFF,
        "Mutation.login": ANYONE,
        "Mutation.refresh": ANYONE,
        "Mutation.logout": SIGNED_IN,
        "Mutation.apiKeyCreate": ADMIN,
        "Mutation.apiKeyRevoke": ADMIN,
        "Mutation.accountCreate": ADMIN,
        "Mutation.accountDisable": STAFF,
        "Mutation.accountEnable": STAFF,
        "Mutation.accountSessionsRevoke": STAFF,
        "Mutation.roleGrant": STAFF,
        "Mutation.roleRevoke": STAFF,
    },
    scopes={root: {role: "own account" for role in Role} for root in ("Query.me", "Mutation.logout")},
    reads={
        models.Account: _readable_accounts,
        models.RoleGrant: _readable_grants,
        models.AccountEvent: lambda s, t: false(),
        models.PersonalDataRead: lambda s, t: false(),
        models.RefreshToken: lambda s, t: false(),
        models.ApiKey: lambda s, t: false(),
    },
    writes={
        models.Account: AdministeredAccounts(),
        models.RoleGrant: Grants(),
        models.AccountEvent: ByActor(),
    },
)
