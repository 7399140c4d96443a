"""Access to the practice network: units, departments, practice bases and points.

The network is the public catalogue: every signed-in caller reads it. Unit admins change it in
their subtree.
"""

from __future__ import annotations

from db import models
from resolvers.access.rules import SIGNED_IN, STAFF, ByUnit, Domain, UnitTree, fields

DOMAIN = Domain(
    name="network",
    roots={
        **fields("Query", ("node", "nodes", "units", "unitByCode", "departments", "practiceBases",
                           "practicePoints"), SIGNED_IN),
        **fields("Mutation", ("unitCreate", "unitUpdate", "unitMove", "unitDelete", "departmentCreate",
                              "practiceBaseCreate", "practicePointCreate"), STAFF),
    },
    catalogue=frozenset({"Query.units", "Query.unitByCode", "Query.departments", "Query.practiceBases",
                         "Query.practicePoints"}),
    writes={
        models.Unit: UnitTree(),
        models.Department: ByUnit("unit_id"),
        models.PracticeBase: ByUnit("unit_id"),
        models.PracticePoint: ByUnit("unit_id"),
    },
)
