"""The service menu in the API: service items, menu offers and withdrawals."""

from __future__ import annotations

import strawberry

from resolvers.core.context import Info
from resolvers.orders import menu as menu_resolvers
from resolvers.orders import menu_mutations
from schema.core.common import UserError
from schema.core.enums import ServiceDomain
from schema.core.relay import Connection
from schema.network.types import Unit
from schema.orders.types import ServiceItem


@strawberry.input(description="`headcount` people with the skill at `minLevel` or above.")
class RequiredSkillInput:
    skill: strawberry.ID
    headcount: int = 1
    min_level: int = 1


@strawberry.input
class ServiceItemCreateInput:
    code: str
    name: str
    domain: ServiceDomain
    description: str | None = None
    duration_minutes: int
    required_skills: list[RequiredSkillInput]
    provider_teams: list[strawberry.ID] = strawberry.field(default_factory=list)
    synthetic: bool = False


@strawberry.input
class MenuOfferInput:
    unit: strawberry.ID
    item: strawberry.ID


@strawberry.type
class ServiceItemCreatePayload:
    service_item: ServiceItem | None
    user_errors: list[UserError]


@strawberry.type
class MenuOfferPayload:
    unit: Unit | None
    item: ServiceItem | None
    user_errors: list[UserError]


@strawberry.type
class MenuQueries:
    @strawberry.field(description="Service items by domain, required skill or name.")
    def service_items(
        self, info: Info, domain: ServiceDomain | None = None, skill: strawberry.ID | None = None,
        name_contains: str | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[ServiceItem]:
        return menu_resolvers.service_items(
            info, domain=domain, skill=skill, name_contains=name_contains, first=first, after=after
        )


@strawberry.type
class MenuMutations:
    @strawberry.mutation
    def service_item_create(self, info: Info, input: ServiceItemCreateInput) -> ServiceItemCreatePayload:
        out = menu_mutations.service_item_create(info, input)
        return ServiceItemCreatePayload(service_item=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Put an item on a unit's own menu (and so on its descendants' menus).")
    def menu_offer(self, info: Info, input: MenuOfferInput) -> MenuOfferPayload:
        out = menu_mutations.menu_offer(info, input)
        unit, item = out.value or (None, None)
        return MenuOfferPayload(unit=unit, item=item, user_errors=out.errors)

    @strawberry.mutation(description="Take an item off a unit's own menu.")
    def menu_withdraw(self, info: Info, input: MenuOfferInput) -> MenuOfferPayload:
        out = menu_mutations.menu_withdraw(info, input)
        unit, item = out.value or (None, None)
        return MenuOfferPayload(unit=unit, item=item, user_errors=out.errors)
