"""Small value types shared by every domain: a WGS-84 location and a user error."""

from __future__ import annotations

import strawberry

from schema.core.enums import ErrorCode


@strawberry.type(description="A WGS-84 position in decimal degrees.")
class Location:
    lat: float
    lon: float


@strawberry.type(description="An expected failure of a mutation; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(description='The input path, e.g. ["input", "location", "lat"]')
    message: str
    code: ErrorCode
