"""Access to accounts: sign-in, tokens, API keys, the caller's own account.

Credentials are read and written only by resolvers/access/auth.py while it authenticates (the
session's restriction is paused there); no caller reads them through the API's session.
"""

from __future__ import annotations

from sqlalchemy import false

from db import models
from db.models import Role
from resolvers.access.rules import ADMIN, ANYONE, SIGNED_IN, Domain

DOMAIN = Domain(
    name="accounts",
    roots={
        "Query.me": SIGNED_IN,
        "Mutation.login": ANYONE,
        "Mutation.refresh": ANYONE,
        "Mutation.logout": SIGNED_IN,
        "Mutation.apiKeyCreate": ADMIN,
        "Mutation.accountCreate": ADMIN,
    },
    scopes={root: {role: "own account" for role in Role} for root in ("Query.me", "Mutation.logout")},
    reads={
        models.PersonalDataRead: lambda s, t: false(),
        models.RefreshToken: lambda s, t: false(),
        models.ApiKey: lambda s, t: false(),
    },
)
