"""How long each list field of the API can be: the query cost prices a list by this bound
(wenming/limits.py), and every list field refuses to answer past it (TOO_LARGE, naming the field).

Every list field of the schema has a bound, checked by tests/auth/test_trust.py
(`test_h3_every_list_field_has_a_bound`):
- a connection's `edges` are bounded by the page (`first`, at most `Settings.max_page_size`);
- `userErrors` of a payload by `USER_ERRORS`;
- every other list by `LIST_BOUNDS` ("Type.field" -> most items), where `PAGE` means the
  field is a page itself (at most `Settings.max_page_size` items).

The lists that grow with the data (a run's proposals and open orders: thousands on a county day)
are connections instead. A bound is the largest answer the field gives on a county's data, not a
typical one: a whole county's tree is about 500 units, a unit has at most a few dozen children.
`enforce(schema)` wraps the resolver of every bounded list once, when the schema is built: the
refusal is one rule in one place, whatever resolver produced the list.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema

from db.enums import ServiceDomain
from resolvers.core.errors import ClientError, ErrorCode

#: the bound of a list that is one page (`first`, at most `Settings.max_page_size`)
PAGE = -1
#: the most user errors one mutation reports
USER_ERRORS = 100

#: "Type.field" -> the most items the field returns
LIST_BOUNDS: dict[str, int] = {
    "Query.nodes": PAGE,  # also priced by the number of ids asked for
    "Query.skills": 500,
    "Query.myTasks": 500,
    "Query.orderTasks": 100,
    "Query.orderHistory": 100,
    "Query.dispatchRuns": 100,
    "Query.scenarioExamples": 50,
    "Unit.children": 50,  # past it: page with units(parent: ...)
    "Unit.descendants": 1000,  # past it: pass maxDepth or page with units(parent: ...)
    "Unit.ancestors": 3,
    "Unit.menu": 200,
    "Unit.effectiveMenu": 200,
    "Unit.teams": 100,
    "Unit.bases": 100,
    "Unit.points": 200,
    "Unit.departments": 50,
    "Team.children": 50,
    "Volunteer.skills": 30,
    "Volunteer.domains": len(ServiceDomain),
    "Volunteer.memberships": 30,
    "Volunteer.teams": 30,
    "Availability.weekly": 50,
    "Availability.exceptions": 100,
    "ServiceItem.requiredSkills": 10,
    "ServiceItem.providerTeams": 50,
    "OpenOrder.missing": 10,  # one per required skill of the item
    "ProposalExplanation.skillsMatched": 10,
    "Moved.kept": 20_000,  # pairs of IDs (no objects below them) of one repair
    "Moved.added": 20_000,
    "Moved.removed": 20_000,
    "Assignment.timeClaims": 50,
    "ServiceRecord.corrections": 100,
    "OutboxPage.events": PAGE,
    "Account.grants": 50,
    "Account.apiKeys": 50,
    "ScenarioRun.changes": 1000,
    "ScenarioComparison.differences": 50,
    "UserError.field": 10,
    "InsurancePolicy.activityKinds": 100,  # resolvers/insurance/policies.py MAX_KINDS
    "InsurancePolicy.volunteers": 1000,  # MAX_VOLUNTEERS
    "HonourRollResult.volunteers": 100,  # resolvers/certificates/honours.py MAX_LISTED
    "HonourRollResult.teams": 100,
    "CivilityQuestionnaire.items": 50,  # resolvers/civility/survey.py MAX_ITEMS
    "CivilityIndex.items": 50,  # one mean per item
    "CivilityIndex.parts": 50,  # resolvers/civility/index.py MAX_PARTS
    "Query.assessmentIndicators": 50,  # resolvers/assessment/indicators.py INDICATORS
    "Query.assessmentTrend": 40,  # resolvers/assessment/ranking.py MAX_TREND
    "Assessment.weights": 50,  # one per indicator
    "UnitAssessment.contributions": 50,  # one per indicator
    "Query.uninsuredAssignments": 2000,  # the tasks of at most 31 days in a scope; past it: a narrower scope
    "TrainingSession.lecturers": 20,  # MAX_LECTURERS
    "TrainingSession.enrolments": 500,  # MAX_CAPACITY
    "TrainingEnrolPayload.enrolments": 200,  # resolvers/training/enrolment.py MAX_ENROL
    "Project.serviceItems": 20,  # resolvers/projects/lifecycle.py MAX_ITEMS
    "Project.stations": 50,  # MAX_STATIONS
}


def is_list(field: Any) -> bool:
    unwrapped = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return isinstance(unwrapped, GraphQLList)


def bound(type_name: str, field_name: str, max_page_size: int) -> int | None:
    """The most items list field `type_name.field_name` returns; None for a connection's edges
    (bounded by their page) and for a field that has none (a test keeps that set empty)."""
    if field_name == "edges" and type_name.endswith("Connection"):
        return None
    if field_name == "userErrors":
        return USER_ERRORS
    found = LIST_BOUNDS.get(f"{type_name}.{field_name}")
    return max_page_size if found == PAGE else found


def over_bound(key: str) -> int:
    """How many rows a resolver of list `key` fetches at most: one past the bound, so that a list
    that is too long is refused without reading all of it."""
    return LIST_BOUNDS[key] + 1


def _check(type_name: str, field_name: str, items: Any, info: Any) -> Any:
    limit = bound(type_name, field_name, info.context.settings.max_page_size)
    if items is not None and limit is not None and len(items) > limit:
        raise ClientError(f"{field_name}: {len(items)} items, over the {limit} one answer gives; ask for a "
                          "narrower part (a page, a smaller scope)", ErrorCode.TOO_LARGE, (field_name,))
    return items


def _bounded(type_name: str, field_name: str, resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolve_bounded(source: Any, info: Any, **kwargs: Any) -> Any:
        result = resolve(source, info, **kwargs)
        if inspect.isawaitable(result):
            async def checked() -> Any:
                return _check(type_name, field_name, await result, info)
            return checked()
        return _check(type_name, field_name, result, info)

    resolve_bounded.bounded = f"{type_name}.{field_name}"  # type: ignore[attr-defined]  # what the schema walk looks for
    return resolve_bounded


def enforce(schema: GraphQLSchema) -> GraphQLSchema:
    """Wrap the resolver of every bounded list field of `schema` with the check of its bound."""
    for type_name, named in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            continue
        for field_name, field in named.fields.items():
            key = f"{type_name}.{field_name}"
            if is_list(field) and field.resolve is not None and not hasattr(field.resolve, "bounded") \
                    and (key in LIST_BOUNDS or field_name == "userErrors"):
                field.resolve = _bounded(type_name, field_name, field.resolve)
    return schema
