"""What dispatch counts of certificates (resolvers/dispatch/volunteers.py uses this).

A skill flagged `requires_certificate` counts for dispatch only through a certificate: the
volunteer's skill row (which staff may have set by hand) is ignored for it, and each volunteer
holding a certificate of it gets the skill at the certificate's level, certified until its last
valid day plus the grace period (`Settings.training.grace_days`). Of several certificates of one
skill the one valid longest counts (the higher level on a tie). Each such skill carries the words
naming its certificate, for the explanation when it is the reason a volunteer is not chosen.
One statement whatever the number of volunteers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models


@dataclass(frozen=True)
class Held:
    """A certified skill as dispatch sees it."""

    level: int
    counts_until: dt.date  # the last valid day plus the grace period
    number: str
    course: str
    valid_until: dt.date

    def words(self) -> str:
        return f"certificate {self.number} ({self.course}) expired on {self.valid_until.isoformat()}"


def certified_skills(session: Session, skill_ids: Collection[int], grace_days: int,
                     volunteer_ids: Collection[int] | None = None) -> dict[int, dict[str, Held]]:
    """Per volunteer, per skill code (of `skill_ids`), the certificate that counts."""
    if not skill_ids:
        return {}
    c, course = models.Certificate, models.TrainingCourse
    stmt = (select(c.volunteer_id, models.Skill.code, c.level, c.valid_until, c.number, course.name)
            .join(models.Skill, models.Skill.id == c.skill_id).join(course, course.id == c.course_id)
            .where(c.skill_id.in_(sorted(skill_ids))).order_by(c.volunteer_id, c.valid_until, c.level, c.id))
    if volunteer_ids is not None:
        stmt = stmt.where(c.volunteer_id.in_(sorted(set(volunteer_ids))))
    out: dict[int, dict[str, Held]] = {}
    grace = dt.timedelta(days=grace_days)
    for vid, code, level, until, number, name in session.execute(stmt):
        out.setdefault(vid, {})[code] = Held(level, until + grace, number, name, until)  # the last one wins
    return out
