"""Which insurance covers a volunteer holds: per volunteer, (activity kind, first day, last day).

A policy covers a volunteer it names, and every member of the team it names; it covers the
activity kinds it lists (service item codes) on every day of its period, unless withdrawn.
Two statements whatever the number of volunteers (the named ones, then the teams' members),
selected by the cheap conditions (kinds, dates; the volunteers too when they are few) and kept
for the volunteers asked about here, as resolvers/dispatch/volunteers.py does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models

Cover = tuple[str, dt.date, dt.date]

P = models.InsurancePolicy
K = models.InsurancePolicyKind
#: up to this many volunteers are named in the statements; more are filtered after reading
IN_SQL = 500


def covers(session: Session, volunteer_ids: Collection[int], kinds: Collection[str], date_from: dt.date,
           date_to: dt.date) -> dict[int, list[Cover]]:
    """The covers of these volunteers for these kinds that hold on some day of date_from..date_to."""
    out: dict[int, set[Cover]] = defaultdict(set)
    if not volunteer_ids or not kinds:
        return {}
    ids, wanted = set(volunteer_ids), sorted(kinds)
    live = (P.withdrawn_at.is_(None), P.valid_from <= date_to, P.valid_until >= date_from, K.kind.in_(wanted))
    iv, tm = models.InsuredVolunteer, models.TeamMembership
    named = (select(iv.volunteer_id, K.kind, P.valid_from, P.valid_until)
             .join(P, P.id == iv.policy_id).join(K, K.policy_id == P.id).where(*live))
    teams = (select(tm.volunteer_id, K.kind, P.valid_from, P.valid_until)
             .join(P, P.team_id == tm.team_id).join(K, K.policy_id == P.id).where(*live))
    if len(ids) <= IN_SQL:
        named = named.where(iv.volunteer_id.in_(sorted(ids)))
        teams = teams.where(tm.volunteer_id.in_(sorted(ids)))
    for statement in (named, teams):
        for vid, kind, start, end in session.execute(statement):
            if vid in ids:
                out[vid].add((kind, start, end))
    return {vid: sorted(found) for vid, found in out.items()}


def covered(found: list[Cover], kind: str, day: dt.date) -> bool:
    """Whether one of `found` covers `kind` on `day`."""
    return any(k == kind and start <= day <= end for k, start, end in found)
