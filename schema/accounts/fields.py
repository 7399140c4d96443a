"""Accounts in the API: `login`, `refresh`, `logout`, `apiKeyCreate`, `accountCreate` and `me`;
account administration is in schema/accounts/admin.py.

Credentials are checked in resolvers/access/auth.py; who may call what is in resolvers/access/policy.py.
"""

from __future__ import annotations

import datetime

import strawberry

from db.models import Role
from resolvers.accounts import mutations as account_mutations
from resolvers.core.context import Info
from schema.accounts.admin import AccountAdminMutations, AccountAdminQueries
from schema.accounts.types import Account
from schema.core.common import UserError


@strawberry.input
class LoginInput:
    username: str
    password: str


@strawberry.input
class RefreshInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str | None = strawberry.field(default=None, description="Omitted: every session of the account.")


@strawberry.input
class RoleGrantInput:
    role: Role
    unit: strawberry.ID | None = None
    team: strawberry.ID | None = None
    volunteer: strawberry.ID | None = None


@strawberry.input
class AccountCreateInput:
    username: str
    password: str | None = strawberry.field(
        default=None, description="Omitted: the account signs in with API keys only."
    )
    display_name: str = ""
    grants: list[RoleGrantInput]


@strawberry.input
class ApiKeyCreateInput:
    username: str = strawberry.field(description="The account the key acts as (an integration's account).")
    name: str = strawberry.field(description="What the key is for, e.g. 'hotline system'.")


@strawberry.type(description="Tokens: send the access token as `Authorization: Bearer <token>`.")
class TokensPayload:
    access_token: str | None
    access_token_expires_at: datetime.datetime | None
    refresh_token: str | None = strawberry.field(
        description="Exchange it with `refresh` before the access token expires."
    )
    user_errors: list[UserError]


@strawberry.type
class LogoutPayload:
    revoked: int = strawberry.field(description="How many refresh tokens were revoked.")
    user_errors: list[UserError]


@strawberry.type
class AccountCreatePayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.type
class ApiKeyCreatePayload:
    api_key: str | None = strawberry.field(description="Shown once; only a digest is stored.")
    prefix: str | None
    user_errors: list[UserError]


@strawberry.type
class AccountQueries(AccountAdminQueries):
    @strawberry.field(description="The signed-in account and its roles.")
    def me(self, info: Info) -> Account | None:
        return account_mutations.me(info)


@strawberry.type
class AccountMutations(AccountAdminMutations):
    @strawberry.mutation(description="Sign in with a password; the same error for any wrong name or password.")
    def login(self, info: Info, input: LoginInput) -> TokensPayload:
        return account_mutations.login(info, input)

    @strawberry.mutation(description="New tokens for a refresh token, which stops working (rotation).")
    def refresh(self, info: Info, input: RefreshInput) -> TokensPayload:
        return account_mutations.refresh(info, input)

    @strawberry.mutation(description="Revoke a refresh token (or all of the account's).")
    def logout(self, info: Info, input: LogoutInput) -> LogoutPayload:
        return account_mutations.logout(info, input)

    @strawberry.mutation(description="Create an account with its roles (platform admin).")
    def account_create(self, info: Info, input: AccountCreateInput) -> AccountCreatePayload:
        return account_mutations.account_create(info, input)

    @strawberry.mutation(description="A new API key for an integration's account (platform admin).")
    def api_key_create(self, info: Info, input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
        return account_mutations.api_key_create(info, input)
