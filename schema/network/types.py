"""The practice network (阵地): units of the center -> institute -> station tree, departments
(科室), practice bases (实践基地) and practice points (实践点).

Scalar fields are plain attributes filled when a row is mapped; fields that need other rows
delegate to resolvers/network/units.py, which goes through the per-request DataLoaders so that a list of
units costs a constant number of SQL statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.core.context import Info
from resolvers.network import units as unit_resolvers
from schema.core.common import Location
from schema.core.enums import BaseCategory, PointCategory, UnitLevel
from schema.core.relay import Node

if TYPE_CHECKING:
    from schema.forces.types import Team
    from schema.orders.types import ServiceItem

TeamRef = Annotated["Team", strawberry.lazy("schema.forces.types")]
ServiceItemRef = Annotated["ServiceItem", strawberry.lazy("schema.orders.types")]


@strawberry.type(description="Pizhou's five-haves standard (五有) for every position.")
class FiveHaves:
    site: bool  # 有阵地
    staff: bool  # 有人员
    rules: bool  # 有制度
    platform: bool  # 有平台
    feature: bool  # 有特色
    feature_note: str


@strawberry.type(description="Counts over the unit's whole subtree (the unit included).")
class UnitCounts:
    stations: int
    volunteers: int
    open_orders: int


@strawberry.type(description="A practice unit: center 中心, institute 所 or station 站.")
class Unit(Node):
    pk: strawberry.Private[int]
    parent_pk: strawberry.Private[int | None]
    path: strawberry.Private[str]
    code: str
    name: str
    level: UnitLevel
    depth: int
    location: Location
    address: str
    contact_name: str
    contact_phone: str = strawberry.field(description="Masked, e.g. 138****5678.")
    person_in_charge: str = strawberry.field(description="负责人: who answers for the unit.")
    five_haves: FiveHaves
    synthetic: bool = strawberry.field(description="Invented example data, not from the bulletin.")

    @strawberry.field
    def parent(self, info: Info) -> Unit | None:
        return unit_resolvers.parent(info, self)

    @strawberry.field(description="At most 50 (TOO_LARGE past it): page a larger unit's with `units(parent: ...)`.")
    def children(self, info: Info) -> list[Unit]:
        return unit_resolvers.children(info, self)

    @strawberry.field(description="From the center down to the parent.")
    def ancestors(self, info: Info) -> list[Unit]:
        return unit_resolvers.ancestors(info, self)

    @strawberry.field(description="The subtree below this unit, `maxDepth` levels deep (default all).")
    def descendants(self, info: Info, max_depth: int | None = None) -> list[Unit]:
        return unit_resolvers.descendants(info, self, max_depth)

    @strawberry.field
    def counts(self, info: Info) -> UnitCounts:
        return unit_resolvers.counts(info, self)

    @strawberry.field(description="Service items this unit offers itself.")
    def menu(self, info: Info) -> list[ServiceItemRef]:
        return unit_resolvers.menu(info, self)

    @strawberry.field(description="What this unit offers plus what its ancestors offer.")
    def effective_menu(self, info: Info) -> list[ServiceItemRef]:
        return unit_resolvers.effective_menu(info, self)

    @strawberry.field
    def teams(self, info: Info) -> list[TeamRef]:
        return unit_resolvers.teams(info, self)

    @strawberry.field(description="How many teams belong to this unit itself.")
    def team_count(self, info: Info) -> int:
        return unit_resolvers.team_count(info, self)

    @strawberry.field
    def bases(self, info: Info) -> list[PracticeBase]:
        return unit_resolvers.bases(info, self)

    @strawberry.field
    def points(self, info: Info) -> list[PracticePoint]:
        return unit_resolvers.points(info, self)

    @strawberry.field
    def departments(self, info: Info) -> list[Department]:
        return unit_resolvers.departments_of(info, self)


@strawberry.type(description="A functional department 科室 of a center.")
class Department(Node):
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    name: str
    description: str

    @strawberry.field
    def unit(self, info: Info) -> Unit:
        return unit_resolvers.unit_by_pk(info, self.unit_pk)


@strawberry.type(description="A practice base 实践基地 attached to a unit.")
class PracticeBase(Node):
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    code: str
    name: str
    category: BaseCategory
    location: Location
    address: str
    synthetic: bool

    @strawberry.field
    def unit(self, info: Info) -> Unit:
        return unit_resolvers.unit_by_pk(info, self.unit_pk)


@strawberry.type(description="A practice point 实践点 attached to a unit.")
class PracticePoint(Node):
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    code: str
    name: str
    category: PointCategory
    location: Location
    address: str
    synthetic: bool

    @strawberry.field
    def unit(self, info: Info) -> Unit:
        return unit_resolvers.unit_by_pk(info, self.unit_pk)
