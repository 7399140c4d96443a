"""Account administration in the API (M11): find accounts, disable and enable them, sign them out,
revoke API keys, grant and revoke roles. Each act is audited (`Account.events`).

Fields declare and delegate: the work is in resolvers/accounts/admin.py and queries.py; who may
call them and act on which accounts is in resolvers/access/accounts.py.
"""

from __future__ import annotations

import strawberry

from db.models import Role
from resolvers.accounts import admin as account_admin
from resolvers.accounts import queries as account_queries
from resolvers.core.context import Info
from schema.accounts.types import Account, ApiKey, RoleGrant
from schema.core.common import UserError
from schema.core.relay import Connection


@strawberry.input
class AccountDisableInput:
    account_id: strawberry.ID
    reason: str = strawberry.field(description="Why (kept in the account's audit); no personal data.")


@strawberry.input
class AccountInput:
    account_id: strawberry.ID


@strawberry.input
class ApiKeyRevokeInput:
    api_key_id: strawberry.ID


@strawberry.input(description="A role with exactly the scope it takes: `unitId` (unit admin, dispatcher), `teamId` "
                              "(team leader), `volunteerId` (volunteer), none (platform admin, analyst, resident).")
class RoleGrantNewInput:
    account_id: strawberry.ID
    role: Role
    unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    volunteer_id: strawberry.ID | None = None


@strawberry.input
class RoleRevokeInput:
    grant_id: strawberry.ID


@strawberry.type
class AccountPayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.type
class AccountSessionsRevokePayload:
    account: Account | None
    revoked: int = strawberry.field(description="How many refresh tokens were revoked.")
    user_errors: list[UserError]


@strawberry.type
class ApiKeyRevokePayload:
    api_key: ApiKey | None
    user_errors: list[UserError]


@strawberry.type
class RoleGrantPayload:
    grant: RoleGrant | None
    user_errors: list[UserError]


@strawberry.type
class AccountAdminQueries:
    @strawberry.field(description="Accounts you administer or see (platform admin: all; unit admin: those with a "
                                  "role inside its units), by id; `username`: names starting with it.")
    def accounts(self, info: Info, first: int | None = None, after: str | None = None,
                 username: str | None = None, active: bool | None = None) -> Connection[Account]:
        return account_queries.accounts(info, first, after, username, active)


@strawberry.type
class AccountAdminMutations:
    @strawberry.mutation(description="Disable an account: its tokens, keys and subscriptions stop working at once.")
    def account_disable(self, info: Info, input: AccountDisableInput) -> AccountPayload:
        out = account_admin.account_disable(info, input)
        return AccountPayload(account=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Enable a disabled account again (it signs in anew).")
    def account_enable(self, info: Info, input: AccountInput) -> AccountPayload:
        out = account_admin.account_enable(info, input)
        return AccountPayload(account=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Revoke every refresh token of an account (sign it out everywhere).")
    def account_sessions_revoke(self, info: Info, input: AccountInput) -> AccountSessionsRevokePayload:
        out, revoked = account_admin.account_sessions_revoke(info, input)
        return AccountSessionsRevokePayload(account=out.value, revoked=revoked, user_errors=out.errors)

    @strawberry.mutation(description="Revoke an API key (platform admin): it is refused from the next request on.")
    def api_key_revoke(self, info: Info, input: ApiKeyRevokeInput) -> ApiKeyRevokePayload:
        out = account_admin.api_key_revoke(info, input)
        return ApiKeyRevokePayload(api_key=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Grant a role to an account (in your scope, never to yourself).")
    def role_grant(self, info: Info, input: RoleGrantNewInput) -> RoleGrantPayload:
        out = account_admin.role_grant(info, input)
        return RoleGrantPayload(grant=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Revoke a role grant (in your scope, never your own); effective at the "
                                     "account's next request.")
    def role_revoke(self, info: Info, input: RoleRevokeInput) -> AccountPayload:
        out = account_admin.role_revoke(info, input)
        return AccountPayload(account=out.value, user_errors=out.errors)
