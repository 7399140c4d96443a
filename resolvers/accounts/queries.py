"""Reads of account administration: accounts with their grants (root `accounts`), and for the
platform admin their API keys (never the digests) and the audit of their administration.

Which accounts and grants a caller sees is the read criterion of resolvers/access/accounts.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from db.models import Account, AccountEvent
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


def _platform_admin(info: Info) -> bool:
    caller = info.context.auth.caller if info.context.auth is not None else None
    return caller is not None and caller.is_admin


def accounts(info: Info, first: int | None, after: str | None, username: str | None, active: bool | None) -> Any:
    """The accounts the caller may administer or see, by id; `username` matches the start of the name."""
    stmt = select(Account)
    if username:
        stmt = stmt.where(Account.username.startswith(username.strip(), autoescape=True))
    if active is not None:
        stmt = stmt.where(Account.active == active)
    return paginate(info.context, stmt, Account.id, info.context.present.account, first, after)


async def api_keys(info: Info, account_id: int) -> list[Any] | None:
    if not _platform_admin(info):
        return None
    result: list[Any] = await info.context.loaders.api_keys_by_account.load(account_id)
    return result


def events(info: Info, account_id: int, first: int | None, after: str | None) -> Any:
    if not _platform_admin(info):
        return None
    stmt = select(AccountEvent).where(AccountEvent.target_account_id == account_id)
    return paginate(info.context, stmt, AccountEvent.id, info.context.present.account_event, first, after)
