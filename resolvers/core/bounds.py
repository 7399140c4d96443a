"""How long each plain list field of the API can be: the query cost prices a list by this bound
(wenming/limits.py), and the resolvers of the lists that could grow past it refuse to (TOO_LARGE).

Connections are priced by their `first` instead, `nodes(ids)` by the number of IDs; a list field
not named here is priced at `WENMING_LIST_SIZE`. A bound is the largest answer the field gives on
a county's data, not a typical one: a whole county's tree is about 500 units. A run's proposals
and open orders (thousands on a county day) are not listed yet: they need paging first; nor are
`children` of units and teams, whose nesting multiplies a per-level bound far past the tree's
real size (the whole tree is the bound of all levels together).
"""

from __future__ import annotations

#: "Type.field" -> the most items the field returns
LIST_BOUNDS: dict[str, int] = {
    "Unit.descendants": 1000,  # refused beyond (resolvers/network/units.py)
    "Unit.ancestors": 3,
    "Unit.menu": 200,
    "Unit.effectiveMenu": 200,
    "Unit.teams": 100,
    "Unit.bases": 100,
    "Unit.points": 200,
    "Unit.departments": 50,
    "Volunteer.skills": 30,
    "Volunteer.memberships": 30,
    "Volunteer.teams": 30,
    "ServiceItem.requiredSkills": 10,
    "ServiceItem.providerTeams": 50,
    "Query.skills": 500,
    "Query.myTasks": 500,
    "Query.orderTasks": 100,
    "Query.orderHistory": 100,
    "Query.dispatchRuns": 100,
}
