"""Limits that keep the API safe on the internet: document size, depth, aliases, cost, rate.

| variable                        | default | meaning                                                    |
|---------------------------------|---------|------------------------------------------------------------|
| WENMING_MAX_DEPTH               | 15      | deepest field nesting of a document                        |
| WENMING_MAX_ALIASES             | 100     | aliased fields in a document                               |
| WENMING_MAX_TOKENS              | 10000   | lexical tokens in a document                               |
| WENMING_MAX_COST                | 50000   | the largest cost a query may ask for (see `query_cost`)    |
| WENMING_MAX_BODY_BYTES          | 262144  | largest request body                                       |
| WENMING_RATE_PER_ADDRESS        | 6000    | requests per minute from one client address                |
| WENMING_RATE_PER_ACCOUNT        | 3000    | operations per minute of one account                       |
| WENMING_LOGIN_FAILURES_PER_ADDRESS | 30   | failed logins per minute from one address, then refused |
| WENMING_RATE_STORAGE            | memory:// | where rates count: this process, or Redis for all (redis://h:6379/0) |
| WENMING_ALLOWED_ORIGINS         | (none)  | comma-separated browser origins; empty in development: any |

The cost is computed before execution from the document alone (the GitHub and Shopify way):
an object field costs 1, a scalar 0; a connection multiplies what it selects by its `first`
(the maximum page size when omitted), `nodes(ids)` by the number of ids, every other list by its
bound (resolvers/core/bounds.py: every list field has one, and refuses to answer past it).
Every response reports `extensions.cost` = {requested, limit}.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.language import Lexer, Source, TokenKind
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from resolvers.core.bounds import bound

log = logging.getLogger(__name__)


#: rate-limit storages a deployment may name (`WENMING_RATE_STORAGE`)
RATE_STORAGES = ("memory://", "redis://", "rediss://")


class RateLimiter:
    """At most `limit` events per key in any `window` seconds: the `limits` library's moving
    window, kept in this process (`storage` "memory://", the embedded default) or shared by every
    API process through Redis ("redis://host:6379/0"), so a client cannot multiply its quota by
    the number of processes behind the proxy. `name` keeps the limiters apart in one storage.
    A storage that does not answer lets the event through (and the error is logged): an outage of
    the limiter's store never takes the API down with it."""

    def __init__(self, limit: int, window: int = 60, storage: str = "memory://", name: str = "rate") -> None:
        self.limit, self.window, self.name = limit, window, name
        self._item = RateLimitItemPerSecond(limit, window)
        self._storage = storage_from_string(storage, key_prefix="wenming")
        self._limiter = MovingWindowRateLimiter(self._storage)

    def hit(self, key: Any) -> float | None:
        """Record one event; None when allowed, else the seconds until the next one would be."""
        try:
            if self._limiter.hit(self._item, self.name, str(key)):
                return None
            reset = self._limiter.get_window_stats(self._item, self.name, str(key)).reset_time
        except Exception:  # noqa: BLE001  # the storage's client raises its own errors
            log.exception("rate limiter %s: the storage did not answer; letting the event through", self.name)
            return None
        return max(0.0, reset - time.time())

    def reachable(self) -> bool:
        """Whether the storage answers (memory always does)."""
        try:
            return bool(self._storage.check())
        except Exception:  # noqa: BLE001  # as in `hit`
            return False

    def full(self, key: Any) -> bool:
        """Whether one more event for `key` would be refused (records nothing)."""
        try:
            return not self._limiter.test(self._item, self.name, str(key))
        except Exception:  # noqa: BLE001  # as in `hit`
            log.exception("rate limiter %s: the storage did not answer; letting the event through", self.name)
            return False


def count_tokens(query: str, stop_after: int) -> int:
    """Lexical tokens of a document, counting at most `stop_after` + 1."""
    lexer = Lexer(Source(query))
    count = 0
    while count <= stop_after:
        if lexer.advance().kind == TokenKind.EOF:
            break
        count += 1
    return count


def _selections(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode],
                seen: frozenset[str] = frozenset()) -> list[Any]:
    """The selections of a set with fragment spreads and inline fragments flattened, each with the
    type condition it sits under (None: the parent's); a fragment is expanded once on each path."""
    out: list[Any] = []
    if selection_set is None:
        return out
    for node in selection_set.selections:
        if isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is not None and node.name.value not in seen:
                on_type = fragment.type_condition.name.value
                inner = _selections(fragment.selection_set, fragments, seen | {node.name.value})
                out.extend((t or on_type, s) for t, s in inner)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            out.extend((t or condition, s) for t, s in _selections(node.selection_set, fragments, seen))
        else:
            out.append((None, node))
    return out


def depth_and_aliases(operation: OperationDefinitionNode,
                      fragments: Mapping[str, FragmentDefinitionNode]) -> tuple[int, int]:
    """The deepest field nesting and the number of aliased fields (fragments expanded once each)."""
    deepest, aliases = 0, 0
    stack: list[tuple[SelectionSetNode | None, int, frozenset[str]]] = [(operation.selection_set, 1, frozenset())]
    while stack:
        selection_set, depth, seen = stack.pop()
        if selection_set is None:
            continue
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                deepest = max(deepest, depth)
                aliases += node.alias is not None
                stack.append((node.selection_set, depth + 1, seen))
            elif isinstance(node, InlineFragmentNode):
                stack.append((node.selection_set, depth, seen))
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen and node.name.value in fragments:
                stack.append((fragments[node.name.value].selection_set, depth, seen | {node.name.value}))
    return deepest, aliases


def _argument(node: FieldNode, name: str, variables: Mapping[str, Any]) -> Any:
    for arg in node.arguments or ():
        if arg.name.value == name:
            value = arg.value
            if isinstance(value, VariableNode):
                return variables.get(value.name.value)
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, ListValueNode):
                return list(value.values)
    return None


def query_cost(schema: GraphQLSchema, operation: OperationDefinitionNode,
               fragments: Mapping[str, FragmentDefinitionNode],
               variables: Mapping[str, Any], max_page_size: int) -> int:
    """The cost of an operation, from its document (see the module docstring)."""
    root = schema.get_root_type(operation.operation)

    def cost(parent: Any, selection_set: SelectionSetNode | None, depth: int) -> int:
        total = 0
        if depth > 64:  # fragments cycling into themselves are refused by validation; stay finite anyway
            return 0
        for type_name, node in _selections(selection_set, fragments):
            owner = schema.get_type(type_name) if type_name else parent
            if not isinstance(owner, (GraphQLObjectType, GraphQLInterfaceType)):
                owner = parent
            if not isinstance(owner, (GraphQLObjectType, GraphQLInterfaceType)) or node.name.value.startswith("__"):
                continue
            field = owner.fields.get(node.name.value)
            if field is None:
                continue
            named = get_named_type(field.type)
            if not isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)) and not hasattr(named, "types"):
                continue
            inner = cost(named, node.selection_set, depth + 1)
            total += 1 + _multiplier(owner, field, named, node) * inner
        return total

    def _multiplier(owner: Any, field: Any, named: Any, node: FieldNode) -> int:
        if named.name.endswith("Connection"):
            first = _argument(node, "first", variables)
            return first if isinstance(first, int) and first >= 0 else max_page_size
        unwrapped = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if not isinstance(unwrapped, GraphQLList) or owner.name.endswith("Connection"):
            return 1  # one object, or the edges of a connection already counted by `first`
        ids = _argument(node, "ids", variables)
        if isinstance(ids, list):
            return len(ids)
        found = bound(owner.name, node.name.value, max_page_size)
        return max_page_size if found is None else found  # None: no declared bound (a schema test keeps none)

    return cost(root, operation.selection_set, 0)
