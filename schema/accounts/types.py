"""Accounts in the API: the account, its role grants, its API keys and the audit of its administration.

The credentials themselves (password hashes, digests of refresh tokens and keys) have no field.
"""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from db.models import AccountAction, Role
from resolvers.accounts import queries as account_queries
from resolvers.core.context import Info
from schema.core.relay import Connection

strawberry.enum(Role, description="A role of the permission table (docs/access.md)")
strawberry.enum(AccountAction, description="What an administrator did to an account")


@strawberry.type(description="One role of an account and what it is scoped to.")
class RoleGrant:
    id: strawberry.ID = strawberry.field(description="Pass it to `roleRevoke`.")
    role: Role
    unit: strawberry.ID | None = strawberry.field(description="Unit admins and dispatchers: the unit and its subtree.")
    team: strawberry.ID | None = strawberry.field(description="Team leaders: the team.")
    volunteer: strawberry.ID | None = strawberry.field(description="Volunteers: themselves.")


@strawberry.type(description="An API key of an integration's account: never its secret, shown once at creation.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="Pass it to `apiKeyRevoke`.")
    name: str
    prefix: str = strawberry.field(description="The key's first characters, to tell keys apart.")
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None


@strawberry.type(description="One act of account administration: who did what to the account, and when.")
class AccountEvent:
    id: strawberry.ID
    actor: strawberry.ID | None = strawberry.field(description="The acting account; null: the command line.")
    target: strawberry.ID = strawberry.field(description="The account acted on.")
    action: AccountAction
    detail: JSON = strawberry.field(description="Ids, roles, counts and the stated reason (no personal data).")
    at: datetime.datetime


@strawberry.type(description="An account: a staff member, volunteer, resident or integration that signs in.")
class Account:
    id: strawberry.ID
    pk: strawberry.Private[int]
    username: str
    display_name: str
    active: bool = strawberry.field(description="False: disabled, its tokens and keys are refused.")
    created_at: datetime.datetime

    @strawberry.field(description="The account's roles (those inside your scope, and all of your own).")
    async def grants(self, info: Info) -> list[RoleGrant]:
        result: list[RoleGrant] = await info.context.loaders.grants_by_account.load(self.pk)
        return result

    @strawberry.field(description="The account's API keys, revoked ones too (platform admin; null for others).")
    async def api_keys(self, info: Info) -> list[ApiKey] | None:
        result: list[ApiKey] | None = await account_queries.api_keys(info, self.pk)
        return result

    @strawberry.field(description="The audit of the account's administration, oldest first (platform admin; "
                                  "null for others).")
    def events(self, info: Info, first: int | None = None, after: str | None = None
               ) -> Connection[AccountEvent] | None:
        return account_queries.events(info, self.pk, first, after)
