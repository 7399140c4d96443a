"""The root schema, composed from one query class and one mutation class per domain.

Adding a domain means writing its `schema/<domain>.py` and listing its classes here.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache

from schema.accounts.fields import AccountMutations, AccountQueries
from schema.dispatch.fields import DispatchMutations, DispatchQueries, DispatchSubscriptions
from schema.forces.teams import TeamMutations, TeamQueries
from schema.orders.menu import MenuMutations, MenuQueries
from schema.core.node import NodeQueries
from schema.orders.fields import OrderMutations, OrderQueries
from schema.scenarios.fields import ScenarioMutations, ScenarioQueries
from schema.forces.types import Skill, Team
from schema.orders.types import Order, ServiceItem
from schema.network.types import Department, PracticeBase, PracticePoint, Unit
from schema.forces.volunteer_types import Volunteer
from schema.network.fields import UnitMutations, UnitQueries
from schema.forces.volunteers import VolunteerMutations, VolunteerQueries
from wenming.access import Authorise
from wenming.context import SessionScope
from wenming.errors import is_client_safe, log_errors
from wenming.guard import QueryLimits


@strawberry.type
class Query(AccountQueries, NodeQueries, UnitQueries, TeamQueries, VolunteerQueries, MenuQueries, OrderQueries, DispatchQueries,
            ScenarioQueries):
    """Everything readable."""


@strawberry.type
class Mutation(AccountMutations, UnitMutations, TeamMutations, VolunteerMutations, MenuMutations, OrderMutations, DispatchMutations,
               ScenarioMutations):
    """Everything writable; each mutation takes one `input` and returns `userErrors`."""


class Schema(strawberry.Schema):
    """The strawberry schema, logging errors without personal data (see wenming/errors.py)."""

    def process_errors(self, errors: list, execution_context: object = None) -> None:  # type: ignore[override]
        log_errors(errors)


#: Every Node implementation, so `node(id)` can return any of them even if no field names it.
NODE_TYPES = [Unit, Department, PracticeBase, PracticePoint, Team, Skill, Volunteer, ServiceItem, Order]


#: Distinct documents whose parse tree and validation result are kept.
DOCUMENT_CACHE_SIZE = 256


def _mask_errors() -> MaskErrors:
    """A fresh masking extension per operation: unexpected errors become "Unexpected error."."""
    return MaskErrors(should_mask_error=lambda error: not is_client_safe(error))


def build_schema() -> Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=DispatchSubscriptions,
        types=NODE_TYPES,
        extensions=[
            SessionScope,
            Authorise,  # after SessionScope: loads the caller inside the operation's database slot
            _mask_errors,
            # Clients send the same few documents over and over: parse and validate each once.
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            QueryLimits,  # after validation, before execution: depth, aliases, tokens, cost (in `extensions`)
        ],
    )


schema = build_schema()
