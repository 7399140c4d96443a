"""The root types, composed from one query class and one mutation class per domain.

Adding a domain means writing its `schema/<domain>/` package and listing its classes here. The
served schema (these types plus the request extensions) is built by wenming/graphql.py; `schema`
below is the same API without extensions, for the SDL export and tests.
"""

from __future__ import annotations

import strawberry

from resolvers.core import bounds
from schema.accounts.fields import AccountMutations, AccountQueries
from schema.assessment.fields import AssessmentMutations, AssessmentQueries
from schema.certificates.fields import CertificateMutations, CertificateQueries
from schema.civility.fields import CivilityMutations, CivilityQueries
from schema.core.checked import check_root_fields
from schema.core.node import NodeQueries
from schema.dispatch.fields import DispatchMutations, DispatchQueries, DispatchSubscriptions
from schema.forces.change_requests import ChangeRequestMutations, ChangeRequestQueries
from schema.forces.teams import TeamMutations, TeamQueries
from schema.forces.types import Skill, Team
from schema.forces.volunteer_types import Volunteer
from schema.forces.volunteers import VolunteerMutations, VolunteerQueries
from schema.insurance.fields import InsuranceMutations, InsuranceQueries
from schema.network.fields import UnitMutations, UnitQueries
from schema.network.types import Department, PracticeBase, PracticePoint, Unit
from schema.orders.fields import OrderMutations, OrderQueries
from schema.orders.menu import MenuMutations, MenuQueries
from schema.orders.types import Order, ServiceItem
from schema.projects.fields import ProjectMutations, ProjectQueries
from schema.recognition.fields import RecognitionMutations, RecognitionQueries
from schema.scenarios.fields import ScenarioMutations, ScenarioQueries, ScenarioSubscriptions
from schema.subsidies.fields import SubsidyMutations, SubsidyQueries
from schema.training.fields import TrainingMutations, TrainingQueries


@strawberry.type
class Query(AccountQueries, NodeQueries, UnitQueries, TeamQueries, VolunteerQueries, MenuQueries, OrderQueries,
            DispatchQueries, ScenarioQueries, ChangeRequestQueries, RecognitionQueries,
            InsuranceQueries, CertificateQueries, TrainingQueries, ProjectQueries, SubsidyQueries,
            CivilityQueries, AssessmentQueries):
    """Everything readable."""


@strawberry.type
class Mutation(AccountMutations, UnitMutations, TeamMutations, VolunteerMutations, MenuMutations, OrderMutations,
               DispatchMutations, ScenarioMutations, ChangeRequestMutations, RecognitionMutations,
               InsuranceMutations, CertificateMutations, TrainingMutations, ProjectMutations, SubsidyMutations,
               CivilityMutations, AssessmentMutations):
    """Everything writable; each mutation takes one `input` and returns `userErrors`."""


#: Every Node implementation, so `node(id)` can return any of them even if no field names it.
NODE_TYPES = [Unit, Department, PracticeBase, PracticePoint, Team, Skill, Volunteer, ServiceItem, Order]

@strawberry.type
class Subscription(DispatchSubscriptions, ScenarioSubscriptions):
    """Live updates over graphql-transport-ws."""


check_root_fields(Query, Mutation)  # every argument is checked before its resolver runs (schema/core/checked.py)

#: The API without request extensions (SDL export, schema walks in tests).
schema = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription, types=NODE_TYPES)
bounds.enforce(schema._schema)
