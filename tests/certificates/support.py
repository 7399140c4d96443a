"""Documents and helpers of the certificate tests: service records written at the mall world's
station (tests/recognition/rows.py), the issuing mutation and the public queries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from db import models
from db.session import session_factory
from tests.recognition import rows
from tests.recognition.support import ERRORS, Mall, pk

CERTIFICATE = ("id number verificationCode periodStart periodEnd volunteerNumber maskedIdNumber creditHours "
               "honourHours serviceCount serviceContent issuerName issuerHead issuerContact issuerPhone handler "
               "issuedAt requestedByVolunteer pdf "
               "volunteer { id } unit { id }")
ISSUE = (f"mutation M($input: CertificateIssueInput!) {{ certificateIssue(input: $input) {{ certificate {{ "
         f"{CERTIFICATE} }} {ERRORS} }} }}")
CERTIFICATES = "query C($v: ID) { certificates(volunteer: $v) { totalCount edges { node { id number } } } }"
VERIFY = ("query V($c: String!) { certificateVerify(code: $c) { valid number volunteerNumber maskedName creditHours "
          "honourHours periodStart periodEnd issuer issuedOn } }")
ROLL = ("query R($u: ID!, $f: Date!, $t: Date!, $n: Int) { honourRoll(unit: $u, from: $f, to: $t, first: $n) { "
        "unitName periodStart periodEnd volunteers { rank name teamId hours creditHours honourHours averageRating } "
        "teams { rank name teamId hours creditHours honourHours averageRating } } }")
PREFERENCE = (f"mutation P($input: PublicationPreferenceSetInput!) {{ publicationPreferenceSet(input: $input) {{ "
              f"listing {ERRORS} }} }}")
LISTING = "query L($v: ID) { publicationListing(volunteer: $v) }"
#: rows.served checks in on 2026-12-07 09:00 local time
DECEMBER = {"from": "2026-12-01", "to": "2026-12-31"}


def serve(engine: Engine, mall: Mall, volunteer: str, credit_minutes: int, honour_minutes: int = 0,
          unit: str = "station", item_name: str = "", score: int | None = None) -> None:
    """A completed task of `volunteer` on a new order of `unit`, credited and honoured these minutes."""
    with session_factory(engine)() as session:
        where = session.get(models.Unit, pk(mall.ids[unit]))
        who = session.get(models.Volunteer, pk(volunteer))
        assert where is not None and who is not None
        item = rows.item(session)
        if item_name:
            item.name = item_name
        record = rows.served(session, where, who, item, credit_minutes)
        record.honour_minutes = honour_minutes
        if score is not None:
            session.add(models.Rating(order_id=record.order_id, score=score, created_at=dt.datetime.now(dt.UTC)))
        session.commit()
