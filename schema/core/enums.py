"""GraphQL enums: the data model's enums (db/enums.py) and the userErrors codes, exposed as-is.

Member names are the values stored in the database, so a GraphQL enum value, a Python enum member
and a database string are the same text. `strawberry.enum` registers each class in place, so the
names exported here are the very classes of db/enums.py and resolvers/core/errors.py.
"""

from __future__ import annotations

import strawberry

from db.enums import (
    BaseCategory,
    MemberRole,
    OrderChannel,
    OrderStatus,
    PointCategory,
    RequestState,
    ServiceDomain,
    TeamKind,
    UnitLevel,
    VolunteerStatus,
)
from resolvers.core.errors import ErrorCode

strawberry.enum(UnitLevel, description="Level in the tree: 中心 / 所 / 站")
strawberry.enum(BaseCategory, description="Category of a practice base 实践基地")
strawberry.enum(PointCategory, description="Category of a practice point 实践点")
strawberry.enum(ServiceDomain, description="Service domain (expert pool 专家库)")
strawberry.enum(TeamKind, description="总队 / 支队 / 队 / 专业分队")
strawberry.enum(MemberRole)
strawberry.enum(VolunteerStatus)
strawberry.enum(OrderChannel, description="Where an order 点单 came from")
strawberry.enum(OrderStatus, description="点单 -> 派单 -> 接单 -> 评单")
strawberry.enum(RequestState, description="A volunteer's request: PENDING -> APPROVED | DECLINED | WITHDRAWN")
strawberry.enum(ErrorCode, description="Stable code of a user error")

__all__ = [
    "BaseCategory",
    "ErrorCode",
    "MemberRole",
    "OrderChannel",
    "OrderStatus",
    "PointCategory",
    "RequestState",
    "ServiceDomain",
    "TeamKind",
    "UnitLevel",
    "VolunteerStatus",
]
