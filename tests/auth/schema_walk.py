"""The schema, introspected: root fields, Node types, and a minimal valid call of any root field
(required arguments only, with sample values of their types), so that the access tests cover a
field as soon as it is added to the schema."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    is_non_null_type,
)

from resolvers.core import globalid
from schema.api import schema

GRAPHQL = schema._schema
SCALARS: dict[str, Any] = {
    "ID": str(globalid.encode("Unit", 1)), "String": "x", "Int": 1, "Float": 1.0, "Boolean": False,
    "DateTime": "2026-12-07T09:00:00", "Date": "2026-12-07", "Time": "09:00:00", "JSON": {},
}


def root_fields(operation: str) -> dict[str, GraphQLField]:
    """"Query" / "Mutation" / "Subscription" -> its fields."""
    root = {"Query": GRAPHQL.query_type, "Mutation": GRAPHQL.mutation_type,
            "Subscription": GRAPHQL.subscription_type}[operation]
    return dict(root.fields) if root is not None else {}


def node_types() -> list[str]:
    node = GRAPHQL.type_map["Node"]
    assert isinstance(node, GraphQLInterfaceType)
    return sorted(t.name for t in GRAPHQL.get_possible_types(node))


def sample(type_: Any) -> Any:
    """A value of an input type with only its required parts filled in."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLInputObjectType):
        return {name: sample(f.type) for name, f in type_.fields.items()
                if is_non_null_type(f.type) and f.default_value is Undefined}
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return SCALARS[type_.name]


def call(operation: str, name: str) -> tuple[str, dict[str, Any]]:
    """A document calling root field `name` with sample required arguments, and its variables."""
    field = root_fields(operation)[name]
    required = {arg: a for arg, a in field.args.items() if is_non_null_type(a.type) and a.default_value is Undefined}
    definitions = ", ".join(f"${arg}: {a.type}" for arg, a in required.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in required)
    target = field.type
    while isinstance(target, (GraphQLNonNull, GraphQLList)):
        target = target.of_type
    selection = " { __typename }" if isinstance(target, (GraphQLObjectType, GraphQLInterfaceType)) or hasattr(
        target, "types") else ""
    document = (f"{operation.lower()}{f'({definitions})' if definitions else ''} "
                f"{{ {name}{f'({arguments})' if arguments else ''}{selection} }}")
    return document, {arg: sample(a.type) for arg, a in required.items()}
