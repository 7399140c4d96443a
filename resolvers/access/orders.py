"""Access to the menu and orders (点单).

Service items and menus are catalogue; orders are read by the units they are for or from, the
volunteers serving them and the resident who submitted them (rules.Scope.orders). Dispatchers
and unit admins order in their subtree; residents order for themselves.
"""

from __future__ import annotations

from db import models
from db.models import Role
from resolvers.access.rules import (
    ADMIN,
    DISPATCH,
    SIGNED_IN,
    STAFF,
    UNIT_ROLES,
    AdminOnly,
    ByUnit,
    Domain,
    Readable,
    fields,
)

DOMAIN = Domain(
    name="orders",
    roots={
        **fields("Query", ("serviceItems", "orders", "orderHistory", "orderRating"), SIGNED_IN),
        "Mutation.serviceItemCreate": ADMIN,  # the catalogue of service items is the platform's
        **fields("Mutation", ("menuOffer", "menuWithdraw"), STAFF),
        **fields("Mutation", ("orderSubmit", "orderCancel", "orderRate"), DISPATCH | {Role.RESIDENT}),
        **fields("Mutation", ("orderReview", "orderReject"), DISPATCH),
    },
    reads={
        models.Order: lambda s, t: s.orders(t.c.id),
        models.OrderEvent: lambda s, t: s.orders(t.c.order_id),
        models.Rating: lambda s, t: s.orders(t.c.order_id),
    },
    catalogue=frozenset({"Query.serviceItems"}),
    scopes={"Mutation.orderSubmit": {Role.RESIDENT: "any unit, for himself"}},
    writes={
        models.ServiceItem: AdminOnly(),
        models.ServiceItemSkill: AdminOnly(),
        models.ServiceItemProvider: AdminOnly(),
        models.MenuOffer: ByUnit("unit_id"),
        models.Order: Readable(lambda s, t: s.orders(t.c.id), new=ByUnit("unit_id", UNIT_ROLES),
                               new_roles=frozenset({Role.RESIDENT})),
        models.OrderEvent: Readable(lambda s, t: s.orders(t.c.order_id)),
        models.Rating: Readable(lambda s, t: s.orders(t.c.order_id)),
    },
)
