"""Access to record certificates and the honour roll.

A certificate is read by its volunteer and by the staff of (above) the issuing unit or the unit he
is registered with; it is written once, by the mutation that issues it: staff (unit admin, dispatcher)
of the issuing unit, or the volunteer requesting his own; never changed or deleted.

Two root fields are deliberately public (anyone, also without signing in), each bounded and
reading with the restriction paused for one narrow purpose: `certificateVerify` finds a
certificate by the SHA-256 of the code presented (100 bits: not guessable) and returns only its
non-personal facts (number, volunteer number, masked name, hours, period, issuer);
`honourRoll` returns at most 100 names per list, each as the volunteer allowed (full, masked,
or not listed), with hours and ratings, nothing else (resolvers/certificates/honours.py).

A publication preference is the volunteer's own: read by whoever sees him, written by him alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select

from db import models
from db.models import Role
from resolvers.access.rules import (
    ANYONE,
    DISPATCH,
    UNIT_ROLES,
    Check,
    Domain,
    Scope,
    WriteRule,
    values,
)

_volunteers = models.Volunteer.__table__

READERS = DISPATCH | {Role.VOLUNTEER}
VOLUNTEERS = frozenset({Role.VOLUNTEER})


def _certificate(s: Scope, t: Any) -> ColumnElement[bool]:
    """His own; staff's issued in their subtree or of the volunteers registered there (not those another
    unit issued to a volunteer who merely served them: as his tasks elsewhere, they stay apart)."""
    units = s.units(*UNIT_ROLES)
    selves = s.selves()
    clauses = [t.c.volunteer_id.in_(selves)] if selves else []
    if units is not None:
        clauses += [t.c.unit_id.in_(units), t.c.volunteer_id.in_(select(_volunteers.c.id).where(
            _volunteers.c.unit_id.in_(units)))]
    return or_(*clauses) if clauses else false()


def _preference(s: Scope, t: Any) -> ColumnElement[bool]:
    return s.volunteers(t.c.volunteer_id)


@dataclass(frozen=True)
class Issued(WriteRule):
    """New certificates by staff of the issuing unit or by their own volunteer; never changed or deleted."""

    sentence: str = ("new rows only: unit admin or dispatcher over the issuing unit, or the volunteer (own); "
                     "never changed or deleted")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if not is_new or obj in check.session.deleted:
            return False
        return obj.volunteer_id in check.caller.volunteer_ids or check.in_subtree(UNIT_ROLES,
                                                                                 check.unit_path(obj.unit_id))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class OwnPreference(WriteRule):
    """The volunteer's own row only (new or changed); never deleted."""

    sentence: str = "the volunteer (own row) only; never deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return obj not in check.session.deleted and all(
            v in check.caller.volunteer_ids for v in values(obj, "volunteer_id", is_new))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="certificates",
    roots={
        "Query.certificates": READERS,
        "Query.certificateVerify": ANYONE,
        "Query.honourRoll": ANYONE,
        "Query.publicationListing": READERS,
        "Mutation.certificateIssue": READERS,
        "Mutation.publicationPreferenceSet": VOLUNTEERS,
    },
    catalogue=frozenset({"Query.certificateVerify", "Query.honourRoll"}),
    scopes={
        "Query.certificates": {r: "unit subtree (issued there or of its volunteers)" for r in UNIT_ROLES},
        "Mutation.certificateIssue": {Role.VOLUNTEER: "own certificates",
                                      **{r: "issuing unit subtree" for r in UNIT_ROLES}},
        "Mutation.publicationPreferenceSet": {Role.VOLUNTEER: "own preference"},
    },
    reads={
        models.ServiceCertificate: _certificate,
        models.PublicationPreference: _preference,
    },
    writes={
        models.ServiceCertificate: Issued(),
        models.PublicationPreference: OwnPreference(),
    },
)
