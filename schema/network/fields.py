"""The practice network in the API: unit, base, point and department queries and mutations."""

from __future__ import annotations

import strawberry

from resolvers.core.context import Info
from resolvers.network import mutations as unit_mutations
from resolvers.network import units as unit_resolvers
from schema.core.common import UserError
from schema.core.enums import BaseCategory, PointCategory, UnitLevel
from schema.core.inputs import GeoCircleInput, LocationInput
from schema.core.relay import Connection
from schema.network.types import Department, PracticeBase, PracticePoint, Unit


@strawberry.input
class FiveHavesInput:
    site: bool | None = None
    staff: bool | None = None
    rules: bool | None = None
    platform: bool | None = None
    feature: bool | None = None
    feature_note: str | None = None


@strawberry.input
class UnitCreateInput:
    code: str
    name: str
    level: UnitLevel
    parent: strawberry.ID | None = strawberry.field(default=None, description="Required unless a center.")
    location: LocationInput
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    person_in_charge: str | None = strawberry.field(default=None, description="负责人, named on its certificates.")
    five_haves: FiveHavesInput | None = None
    synthetic: bool = False


@strawberry.input(description="Fields left out stay unchanged.")
class UnitUpdateInput:
    id: strawberry.ID
    name: str | None = None
    location: LocationInput | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    person_in_charge: str | None = None
    five_haves: FiveHavesInput | None = None


@strawberry.input
class UnitMoveInput:
    id: strawberry.ID
    parent: strawberry.ID | None


@strawberry.input
class UnitDeleteInput:
    id: strawberry.ID


@strawberry.input
class PracticeBaseCreateInput:
    unit: strawberry.ID
    code: str
    name: str
    category: BaseCategory
    location: LocationInput
    address: str | None = None
    synthetic: bool = False


@strawberry.input
class PracticePointCreateInput:
    unit: strawberry.ID
    code: str
    name: str
    category: PointCategory
    location: LocationInput
    address: str | None = None
    synthetic: bool = False


@strawberry.input
class DepartmentCreateInput:
    unit: strawberry.ID = strawberry.field(description="A center.")
    name: str
    description: str | None = None


@strawberry.type
class UnitPayload:
    unit: Unit | None
    user_errors: list[UserError]


@strawberry.type
class UnitDeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class PracticeBaseCreatePayload:
    practice_base: PracticeBase | None
    user_errors: list[UserError]


@strawberry.type
class PracticePointCreatePayload:
    practice_point: PracticePoint | None
    user_errors: list[UserError]


@strawberry.type
class DepartmentCreatePayload:
    department: Department | None
    user_errors: list[UserError]


@strawberry.type
class UnitQueries:
    @strawberry.field(description="Units by level, base/point category, name, parent, or within a radius.")
    def units(
        self,
        info: Info,
        level: UnitLevel | None = None,
        base_category: BaseCategory | None = None,
        point_category: PointCategory | None = None,
        name_contains: str | None = None,
        parent: strawberry.ID | None = None,
        near: GeoCircleInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Unit]:
        return unit_resolvers.units(
            info, level=level, base_category=base_category, point_category=point_category,
            name_contains=name_contains, parent=parent, near=near, first=first, after=after,
        )

    @strawberry.field(description="The unit with this code (e.g. printed at a station), or null.")
    def unit_by_code(self, info: Info, code: str) -> Unit | None:
        return unit_resolvers.unit_by_code(info, code)

    @strawberry.field
    def practice_bases(
        self, info: Info, category: BaseCategory | None = None, unit_subtree: strawberry.ID | None = None,
        name_contains: str | None = None, near: GeoCircleInput | None = None, first: int | None = None,
        after: str | None = None,
    ) -> Connection[PracticeBase]:
        return unit_resolvers.practice_bases(
            info, category=category, unit_subtree=unit_subtree, name_contains=name_contains, near=near,
            first=first, after=after,
        )

    @strawberry.field
    def practice_points(
        self, info: Info, category: PointCategory | None = None, unit_subtree: strawberry.ID | None = None,
        name_contains: str | None = None, near: GeoCircleInput | None = None, first: int | None = None,
        after: str | None = None,
    ) -> Connection[PracticePoint]:
        return unit_resolvers.practice_points(
            info, category=category, unit_subtree=unit_subtree, name_contains=name_contains, near=near,
            first=first, after=after,
        )

    @strawberry.field
    def departments(
        self, info: Info, unit: strawberry.ID | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Department]:
        return unit_resolvers.departments(info, unit=unit, first=first, after=after)


@strawberry.type
class UnitMutations:
    @strawberry.mutation(description="Add a unit under a parent of the level above (none for a center).")
    def unit_create(self, info: Info, input: UnitCreateInput) -> UnitPayload:
        out = unit_mutations.unit_create(info, input)
        return UnitPayload(unit=out.value, user_errors=out.errors)

    @strawberry.mutation
    def unit_update(self, info: Info, input: UnitUpdateInput) -> UnitPayload:
        out = unit_mutations.unit_update(info, input)
        return UnitPayload(unit=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Put a unit and its subtree under another parent of the level above.")
    def unit_move(self, info: Info, input: UnitMoveInput) -> UnitPayload:
        out = unit_mutations.unit_move(info, input)
        return UnitPayload(unit=out.value, user_errors=out.errors)

    @strawberry.mutation(description="Delete a unit without children, teams, volunteers, bases, points or orders.")
    def unit_delete(self, info: Info, input: UnitDeleteInput) -> UnitDeletePayload:
        out = unit_mutations.unit_delete(info, input)
        return UnitDeletePayload(deleted_id=out.value, user_errors=out.errors)

    @strawberry.mutation
    def practice_base_create(self, info: Info, input: PracticeBaseCreateInput) -> PracticeBaseCreatePayload:
        out = unit_mutations.practice_base_create(info, input)
        return PracticeBaseCreatePayload(practice_base=out.value, user_errors=out.errors)

    @strawberry.mutation
    def practice_point_create(self, info: Info, input: PracticePointCreateInput) -> PracticePointCreatePayload:
        out = unit_mutations.practice_point_create(info, input)
        return PracticePointCreatePayload(practice_point=out.value, user_errors=out.errors)

    @strawberry.mutation
    def department_create(self, info: Info, input: DepartmentCreateInput) -> DepartmentCreatePayload:
        out = unit_mutations.department_create(info, input)
        return DepartmentCreatePayload(department=out.value, user_errors=out.errors)
