"""GraphQL enums: the data model's enums (db/enums.py) and the userErrors codes, exposed as-is.

Member names are the values stored in the database, so a GraphQL enum value, a Python enum member
and a database string are the same text.
"""

from __future__ import annotations

import strawberry

from db import enums as db_enums
from resolvers.errors import ErrorCode as _ErrorCode

UnitLevel = strawberry.enum(db_enums.UnitLevel, description="Level in the tree: 中心 / 所 / 站")
BaseCategory = strawberry.enum(db_enums.BaseCategory, description="Category of a practice base 实践基地")
PointCategory = strawberry.enum(db_enums.PointCategory, description="Category of a practice point 实践点")
ServiceDomain = strawberry.enum(db_enums.ServiceDomain, description="Service domain (expert pool 专家库)")
TeamKind = strawberry.enum(db_enums.TeamKind, description="总队 / 支队 / 队 / 专业分队")
MemberRole = strawberry.enum(db_enums.MemberRole)
VolunteerStatus = strawberry.enum(db_enums.VolunteerStatus)
OrderChannel = strawberry.enum(db_enums.OrderChannel, description="Where an order 点单 came from")
OrderStatus = strawberry.enum(db_enums.OrderStatus, description="点单 -> 派单 -> 接单 -> 评单")
ErrorCode = strawberry.enum(_ErrorCode, name="ErrorCode", description="Stable code of a user error")
