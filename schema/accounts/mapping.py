"""Rows of accounts, grants, API keys and account events -> GraphQL objects (schema/accounts/types.py)."""

from __future__ import annotations

from typing import Any

import schema.accounts.types as t
from resolvers.core.globalid import encode


def _gid(kind: str, pk: int | None) -> Any:
    return encode(kind, pk) if pk is not None else None


def account(row: Any) -> Any:
    return t.Account(id=encode("Account", row.id), pk=row.id, username=row.username, display_name=row.display_name,
                     active=row.active, created_at=row.created_at)


def role_grant(row: Any) -> Any:
    return t.RoleGrant(id=encode("RoleGrant", row.id), role=row.role, unit=_gid("Unit", row.unit_id),
                       team=_gid("Team", row.team_id), volunteer=_gid("Volunteer", row.volunteer_id))


def api_key(row: Any) -> Any:
    return t.ApiKey(id=encode("ApiKey", row.id), name=row.name, prefix=row.prefix, created_at=row.created_at,
                    revoked_at=row.revoked_at)


def account_event(row: Any) -> Any:
    return t.AccountEvent(id=encode("AccountEvent", row.id), actor=_gid("Account", row.actor_account_id),
                          target=encode("Account", row.target_account_id), action=row.action,
                          detail=row.detail, at=row.at)
