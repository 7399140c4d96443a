"""The one check of every root field's arguments before its resolver runs (`CheckedInput`).

What every argument must be is `resolvers.core.validation.input_problems` (no NUL character, no
text over the longest any field takes); each field's own bounds are its resolver's. A mutation
that fails the check answers with its payload's `userErrors` (its other fields null, counts 0) and
runs nothing, so nothing is written; a query raises the first problem as a coded `ClientError`.
`check_root_fields` puts the extension on every query and mutation of the root types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphql import value_from_ast_untyped
from strawberry.extensions import FieldExtension
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from resolvers.core.errors import ClientError, Problem
from resolvers.core.validation import input_problems
from schema.core.present import user_error


def argument_problems(info: Any) -> list[Problem]:
    """The problems of the arguments of the field being resolved, named by their GraphQL paths."""
    raw = info._raw_info  # graphql-core's resolve info: the field's nodes as the client wrote them
    problems: list[Problem] = []
    for argument in raw.field_nodes[0].arguments or ():
        value = value_from_ast_untyped(argument.value, raw.variable_values)
        problems.extend(input_problems(value, [argument.name.value]))
    return problems


class CheckedInput(FieldExtension):
    """Refuses a root field whose arguments fail `input_problems`, before its resolver runs."""

    def __init__(self, mutation: bool) -> None:
        self.mutation = mutation
        self.payload: Callable[[list[Problem]], Any] | None = None

    def apply(self, field: StrawberryField) -> None:
        if self.mutation:
            self.payload = _refused_payload(field.type)

    def _refusal(self, info: Any) -> Any:
        problems = argument_problems(info)
        if not problems:
            return None
        if self.payload is None:
            first = problems[0]
            raise ClientError(first.message, first.code, first.field)
        return self.payload(problems)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        refusal = self._refusal(info)
        return next_(source, info, **kwargs) if refusal is None else refusal

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any,
                            **kwargs: Any) -> Any:
        refusal = self._refusal(info)
        return await next_(source, info, **kwargs) if refusal is None else refusal


def _refused_payload(payload_type: Any) -> Callable[[list[Problem]], Any]:
    """A builder of `payload_type` holding only `userErrors` (nullable fields None, counts 0)."""
    definition = payload_type.__strawberry_definition__
    empty: dict[str, Any] = {}
    for field in definition.fields:
        if field.python_name == "user_errors":
            continue
        if isinstance(field.type, StrawberryOptional):
            empty[field.python_name] = None
        elif field.type is int:
            empty[field.python_name] = 0
        else:
            raise TypeError(f"{definition.name}.{field.python_name}: a refused payload cannot fill it")
    return lambda problems: payload_type(**empty, user_errors=[user_error(p) for p in problems])


def check_root_fields(query: Any, mutation: Any) -> None:
    """Put `CheckedInput` on every field of the root `query` and `mutation` types (once)."""
    for root, is_mutation in ((query, False), (mutation, True)):
        for field in root.__strawberry_definition__.fields:
            if field.arguments and not any(isinstance(e, CheckedInput) for e in field.extensions):
                field.extensions.append(CheckedInput(is_mutation))
