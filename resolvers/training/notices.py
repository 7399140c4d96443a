"""Expiry notices: a CERTIFICATE_EXPIRING outbox event to a certificate's holder and to the
leaders of his teams, N days before its last valid day (`Settings.training.notice_days`, e.g. 30
and 7), once per certificate and threshold.

`send_expiry_notices` is a sweep for a daily timer (`wenming training notify`). A threshold is
due once the days left are at most it; each due threshold is recorded once (`CertificateNotice`,
unique per certificate and threshold) in the same transaction as the events, and a sweep that
finds several thresholds due at once (a certificate seen first 5 days before expiry) sends one
notice for the nearest. Running it again sends nothing twice. Payloads carry numbers, codes and
dates only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.enums import MemberRole
from db.localtime import local_today
from db.models.base import utcnow
from db.models.dispatch import EventKind
from db.session import lock_for_write
from resolvers.dispatch.outbox import emit_many


def send_expiry_notices(session: Session, notice_days: Iterable[int], today: dt.date | None = None) -> int:
    """Queue the due expiry notices (see the module docstring); returns how many certificates were
    notified now. The caller commits."""
    thresholds = sorted({int(d) for d in notice_days if int(d) > 0})
    if not thresholds:
        return 0
    lock_for_write(session)
    day = today or local_today()
    c, course, n = models.Certificate, models.TrainingCourse, models.CertificateNotice
    rows = session.execute(
        select(c.id, c.volunteer_id, c.number, c.valid_until, course.code)
        .join(course, course.id == c.course_id)
        .where(c.valid_until >= day, c.valid_until <= day + dt.timedelta(days=thresholds[-1]))
        .order_by(c.valid_until, c.id)).all()
    sent: dict[int, set[int]] = defaultdict(set)
    for cid, threshold in session.execute(select(n.certificate_id, n.threshold_days)
                                          .where(n.certificate_id.in_([r[0] for r in rows]))):
        sent[cid].add(threshold)
    due = []
    for cid, vid, number, until, code in rows:
        left = (until - day).days
        new = [t for t in thresholds if left <= t and t not in sent[cid]]
        if new:
            due.append((cid, vid, number, until, code, left, new))
    if not due:
        return 0
    tm = models.TeamMembership
    leaders: dict[int, set[int]] = defaultdict(set)
    member, leader = tm.__table__.alias("member"), tm.__table__.alias("leader")
    for vid, lid in session.execute(
            select(member.c.volunteer_id, leader.c.volunteer_id)
            .join(leader, leader.c.team_id == member.c.team_id)
            .where(member.c.volunteer_id.in_(sorted({d[1] for d in due})),
                   leader.c.role == MemberRole.LEADER.value)):
        if lid != vid:
            leaders[vid].add(lid)
    now = utcnow()
    session.add_all([n(certificate_id=cid, threshold_days=t, sent_at=now) for cid, *_, new in due for t in new])
    session.flush()
    events = []
    for _cid, vid, number, until, code, left, new in due:
        payload = {"certificate": number, "course": code, "valid_until": until.isoformat(), "days_left": left,
                   "threshold_days": min(new), "holder": vid}
        for recipient in [vid, *sorted(leaders[vid])]:
            events.append({"kind": EventKind.CERTIFICATE_EXPIRING, "volunteer_id": recipient, "payload": payload})
    emit_many(session, events)
    return len(due)
