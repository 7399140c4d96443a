"""The service menu (志愿服务"菜单") and orders (点单)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.access import personal_data
from resolvers.access.deidentify import DeIdentified, on_grid, withhold
from resolvers.core.context import Info
from resolvers.orders import menu as menu_resolvers
from schema.core.common import Location
from schema.core.enums import OrderChannel, OrderStatus, ServiceDomain
from schema.core.relay import Node
from schema.forces.types import Skill, Team

if TYPE_CHECKING:
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]


@strawberry.type(description="A skill a service item needs: `headcount` people at `minLevel` or above.")
class RequiredSkill:
    skill: Skill
    headcount: int
    min_level: int


@strawberry.type(description="An item of the service menu, e.g. 义诊 (free clinic).")
class ServiceItem(Node):
    pk: strawberry.Private[int]
    code: str
    name: str
    domain: ServiceDomain
    description: str
    duration_minutes: int
    synthetic: bool

    @strawberry.field
    def required_skills(self, info: Info) -> list[RequiredSkill]:
        return menu_resolvers.required_skills(info, self)

    @strawberry.field
    def provider_teams(self, info: Info) -> list[Team]:
        return menu_resolvers.provider_teams(info, self)


@strawberry.type(description="An order 点单 for a service item; times are local (Asia/Shanghai).")
class Order(Node):
    pk: strawberry.Private[int]
    item_pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    orderer_unit_pk: strawberry.Private[int | None]
    code: str
    resident_name: str | None = strawberry.field(extensions=[DeIdentified()],
                                                 description="De-identified (李*) for analysts.")
    resident_phone: str | None = strawberry.field(description="Masked, e.g. 138****5678.")
    location: Location = strawberry.field(extensions=[DeIdentified(on_grid)],
                                          description="On a 0.01 degree grid for analysts.")
    address: str = strawberry.field(extensions=[DeIdentified()], description="De-identified for analysts.")
    window_start: datetime.datetime
    window_end: datetime.datetime
    headcount: int
    priority: int
    channel: OrderChannel
    note: str = strawberry.field(extensions=[DeIdentified(withhold)], description="Withheld (*) for analysts.")
    status: OrderStatus
    created_at: datetime.datetime
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="The project (志愿服务项目) this order is an activity of, if any.")

    @strawberry.field(description="The resident's whole phone number for roles that may see it (each read is "
                      "audit-logged); null otherwise. See docs/access.md.")
    async def resident_phone_full(self, info: Info) -> str | None:
        return await personal_data.resident_phone(info, self.pk)

    @strawberry.field
    def item(self, info: Info) -> ServiceItem:
        return menu_resolvers.item_by_pk(info, self.item_pk)

    @strawberry.field(description="The unit in whose area the service takes place.")
    def unit(self, info: Info) -> UnitRef:
        return menu_resolvers.unit_by_pk(info, self.unit_pk)

    @strawberry.field(description="The unit that ordered, if a unit did.")
    def orderer_unit(self, info: Info) -> UnitRef | None:
        return menu_resolvers.unit_by_pk(info, self.orderer_unit_pk)
