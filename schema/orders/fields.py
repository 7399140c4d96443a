"""Orders (点单) in the API: the order list and orderSubmit."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.core.context import Info
from resolvers.orders import menu as menu_resolvers
from resolvers.orders import mutations as order_mutations
from schema.core.common import UserError
from schema.core.enums import OrderChannel, OrderStatus
from schema.core.inputs import LocationInput
from schema.core.relay import Connection
from schema.orders.types import Order


@strawberry.input(description="Times are Asia/Shanghai wall clock; an offset, if given, is converted.")
class OrderSubmitInput:
    item: strawberry.ID
    unit: strawberry.ID = strawberry.field(description="The unit in whose area the service takes place.")
    orderer_unit: strawberry.ID | None = None
    resident_name: str | None = None
    resident_phone: str | None = None
    location: LocationInput
    address: str | None = None
    window_start: datetime.datetime
    window_end: datetime.datetime
    headcount: int = 1
    priority: int = 3
    channel: OrderChannel
    note: str | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the first order instead of a second."
    )
    project: strawberry.ID | None = strawberry.field(
        default=None, description="The RUNNING project (志愿服务项目) this order is an activity of: one of its "
                                  "service items, at its stations (or its unit's subtree), in its period."
    )


@strawberry.type
class OrderSubmitPayload:
    order: Order | None
    user_errors: list[UserError]


@strawberry.type
class OrderQueries:
    @strawberry.field(description="Orders by status, unit subtree, or the day their window starts.")
    def orders(
        self, info: Info, status: OrderStatus | None = None, unit_subtree: strawberry.ID | None = None,
        date: datetime.date | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Order]:
        return menu_resolvers.orders(info, status=status, unit_subtree=unit_subtree, date=date, first=first,
                                     after=after)


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Order a service item from a unit's effective menu.")
    def order_submit(self, info: Info, input: OrderSubmitInput) -> OrderSubmitPayload:
        out = order_mutations.order_submit(info, input)
        return OrderSubmitPayload(order=out.value, user_errors=out.errors)
