"""Test support for access control: accounts with role grants, and access tokens for them.

`token_for(settings, engine, username, grants)` creates the account (once) straight in the
database and returns a fresh access token signed with the app's key, so a test client can act as
any role: `{"Authorization": f"Bearer {token}"}`. `admin_headers` is what the general API test
clients send: a platform admin, who may do everything.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, select

from db.models import Account, Role
from db.session import session_factory
from resolvers.access.tokens import issue_access_token
from resolvers.accounts.mutations import create_account
from wenming.settings import Settings

ADMIN = "platform-admin"
PASSWORD = "correct horse battery staple"


def token_for(settings: Settings, engine: Engine, username: str,
              grants: Sequence[tuple[Role, dict[str, int]]] = (), password: str | None = PASSWORD) -> str:
    """An access token of account `username`, created with `grants` if it does not exist yet."""
    with session_factory(engine)() as session:
        account_id = session.scalar(select(Account.id).where(Account.username == username))
        if account_id is None:
            account_id = create_account(session, username, password, grants)
            session.commit()
    token, _ = issue_access_token(settings.auth, account_id)
    return token


def admin_headers(settings: Settings, engine: Engine) -> dict[str, str]:
    """Headers of a platform admin (created on first use)."""
    token = token_for(settings, engine, ADMIN, [(Role.PLATFORM_ADMIN, {})], password=None)  # no hash: faster
    return {"Authorization": f"Bearer {token}"}
