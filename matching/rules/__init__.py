"""The matching rules, one module each, and the registry of those in force.

    RULES                       the contract's hard rules H1-H10, in order
    RULES.extended([rule])      the same plus a caller's rules (what `SolveOptions.extra_rules`
                                and `validate(..., extra_rules=...)` build)

A rule (`Rule`, see `matching.rules.base`) bundles its validator check, whose docstring is the
rule's sentence, its candidate filters (`PairTest`: a bulk test of many (volunteer, request)
pairs, with reason code and near-miss text) and, for a rule linking several assignments, the
names of the part-solver constraints that keep it. A new pairwise rule is one module: a check, a
pair test, a `Rule`; it is passed in, nothing here changes.
"""

from __future__ import annotations

from matching.rules import (
    availability,
    distance,
    forbidden,
    insurance,
    limits,
    one_place,
    pinned,
    skill,
    staffing,
    team,
)
from matching.rules.base import Check, Miss, Pairs, PairTest, Registry, Rule, member
from matching.rules.facts import Violation

__all__ = ["RULES", "Check", "Miss", "PairTest", "Pairs", "Registry", "Rule", "Violation", "member"]

RULES = Registry((skill.RULE, team.RULE, availability.RULE, one_place.RULE, limits.RULE, distance.RULE,
                  insurance.RULE, pinned.RULE, forbidden.RULE, staffing.RULE))
