"""The schema's presenters, handed to resolvers as `Context.present` (resolvers/core/context.py).

Resolvers read and write rows; they never import schema/. Where a resolver hands an object to
the API (a loader's batch, a page, a mutation's payload) it calls `info.context.present.<name>`,
and the schema decides what the client sees: the mapping functions of each domain
(schema/<domain>/mapping.py) plus the Relay building blocks and payload types. One object,
built once at import; every request shares it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from resolvers.core.errors import Problem
from resolvers.core.nodes import NODE_MODELS
from schema.accounts import fields as account_t
from schema.accounts import mapping as account_mapping
from schema.certificates import mapping as certificate_mapping
from schema.civility import mapping as civility_mapping
from schema.core import mapping as core_mapping
from schema.core.common import UserError
from schema.core.relay import Connection, Edge, PageInfo
from schema.dispatch import mapping as dispatch_mapping
from schema.dispatch.types import OutboxPage
from schema.forces.volunteer_types import Availability
from schema.insurance import mapping as insurance_mapping
from schema.projects import mapping as project_mapping
from schema.recognition import mapping as recognition_mapping
from schema.scenarios import mapping as scenario_mapping
from schema.subsidies import mapping as subsidy_mapping
from schema.training import mapping as training_mapping


def _functions(module: ModuleType) -> dict[str, Callable[..., Any]]:
    return {name: fn for name, fn in vars(module).items()
            if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == module.__name__}


def user_error(problem: Problem) -> UserError:
    return UserError(field=list(problem.field) or None, message=problem.message, code=problem.code)


class Present:
    """Every presenter as an attribute (`present.unit(row)`, `present.connection(...)`)."""

    def __init__(self) -> None:
        functions: dict[str, Callable[..., Any]] = {}
        for module in (core_mapping, dispatch_mapping, scenario_mapping, account_mapping, recognition_mapping,
                       insurance_mapping, certificate_mapping, training_mapping, project_mapping, subsidy_mapping,
                       civility_mapping):
            for name, fn in _functions(module).items():
                if name in functions:
                    raise RuntimeError(f"two presenters are named {name!r}: rename one")
                functions[name] = fn
        self.__dict__.update(functions)
        self.user_error = user_error
        self.connection, self.edge, self.page_info = Connection, Edge, PageInfo
        self.outbox_page, self.availability = OutboxPage, Availability
        for name in ("TokensPayload", "LogoutPayload", "AccountCreatePayload", "ApiKeyCreatePayload"):
            setattr(self, name, getattr(account_t, name))
        missing = set(NODE_MODELS) ^ set(core_mapping.NODE_MAPPERS)
        if missing:
            raise RuntimeError(f"Node types without a presenter or a model: {sorted(missing)}")

    def node(self, type_name: str) -> Callable[[Any], Any]:
        """The presenter of a Node type's rows (`node(id)`, the by-ID loaders)."""
        return core_mapping.NODE_MAPPERS[type_name]

    def __getattr__(self, name: str) -> Any:  # only reached for a name no presenter has
        raise AttributeError(f"the schema has no presenter {name!r} (schema/core/present.py)")


PRESENT = Present()
