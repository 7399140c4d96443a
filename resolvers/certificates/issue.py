"""Issuing and verifying record certificates (志愿服务记录证明, 志愿服务记录与证明出具办法 2021).

A certificate is issued by the unit that recorded the service: it counts the volunteer's service
records (server-stamped check-in/out and approved time claims: credit minutes; approved staff
corrections: honour minutes) on the orders of the unit's subtree, checked in within the period
(local days, both ends included). Staff of that unit (unit admin, dispatcher) issue it; a
volunteer requests his own and it is issued at once (the rules make it free and due on request).

The row records the issuance and a snapshot of what is certified. The verification code is an
HMAC-SHA256, under a key derived from the server's secret key, of the certificate number and the
facts certified (volunteer, unit, period, minutes), 100 bits written as 20 base32 characters: it
cannot be guessed, and it changes when a fact changes. The row stores only the code's SHA-256;
the public verification finds the row by it and checks the HMAC again, so a forged code and a
code of altered facts are both refused. Rotating the secret key invalidates every code issued
before (the rows stay; issue the certificates again).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.identity import mask_id_number
from db.localtime import LOCAL_TZ, local_days
from resolvers.access.masking import mask_name
from resolvers.access.rules import UNIT_ROLES, Check
from resolvers.accounts.mutations import credential_access
from resolvers.certificates import pdf
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: the longest period one certificate covers
MAX_PERIOD = dt.timedelta(days=366 * 50)
#: the longest code the verification reads (a code is 23 characters with its dashes)
MAX_CODE_LENGTH = 64
ID_TYPE = "居民身份证"
_CODE_CHARS = re.compile(r"^[A-Z2-7]+$")


@dataclass(frozen=True)
class CertificateCheck:
    """What the public verification says of a code: only facts that name nobody in full."""

    valid: bool
    number: str | None = None
    volunteer_number: str | None = None
    masked_name: str | None = None
    credit_hours: float | None = None
    honour_hours: float | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    issuer: str | None = None
    issued_on: dt.date | None = None


@dataclass(frozen=True)
class Facts:
    """What a certificate certifies, copied from its row (the PDF and the code are made of these)."""

    number: str
    volunteer_id: int
    unit_id: int
    period_start: dt.date
    period_end: dt.date
    credit_minutes: int
    honour_minutes: int
    volunteer_name: str
    volunteer_number: str
    id_number_tail: str
    issuer_name: str
    issuer_head: str
    issuer_contact: str
    issuer_phone: str
    service_count: int
    service_content: str
    handler: str
    issued_at: dt.datetime


def facts(row: models.ServiceCertificate) -> Facts:
    return Facts(**{name: getattr(row, name) for name in Facts.__dataclass_fields__})


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"wenming record certificates", hashlib.sha256).digest()


def code_of(row: Facts, secret_key: str) -> str:
    """The verification code of `row` ("ABCDE-FGHIJ-KLMNO-PQRST"), derived from its facts."""
    facts = "|".join(str(v) for v in (row.number, row.volunteer_id, row.unit_id, row.period_start.isoformat(),
                                      row.period_end.isoformat(), row.credit_minutes, row.honour_minutes))
    mac = hmac.new(_key(secret_key), facts.encode(), hashlib.sha256).digest()
    text = base64.b32encode(mac).decode()[:20]
    return "-".join(text[i:i + 5] for i in range(0, 20, 5))


def _normal(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def _digest(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def check_period(checks: Checks, start: dt.date, end: dt.date) -> None:
    if end < start or end - start > MAX_PERIOD:
        checks.add(("input", "to"), "to: must be on or after `from`, at most 50 years later", ErrorCode.OUT_OF_RANGE)


def _service(session: Session, volunteer_id: int, unit: models.Unit, start: dt.date, end: dt.date
             ) -> tuple[int, int, int, str]:
    """Credit and honour minutes, the number of services and their content (item names with counts)."""
    sr, order, item = models.ServiceRecord, models.Order, models.ServiceItem
    low, high = local_days(start, end)
    subtree = select(models.Unit.id).where(models.Unit.path.like(f"{unit.path}%"))
    rows: list[Any] = list(session.execute(
        select(item.name, func.count(sr.id), func.coalesce(func.sum(sr.credit_minutes), 0),
               func.coalesce(func.sum(sr.honour_minutes), 0))
        .select_from(sr).join(order, order.id == sr.order_id).join(item, item.id == order.item_id)
        .where(sr.volunteer_id == volunteer_id, order.unit_id.in_(subtree), sr.checked_in_at >= low,
               sr.checked_in_at < high, sr.checked_out_at.is_not(None))
        .group_by(item.name).order_by(func.count(sr.id).desc(), item.name)))
    content = "；".join(f"{name}{count}次" for name, count, _, _ in rows)
    if len(content) > 1900:
        content = content[:1900] + "等"
    return (sum(int(r[2]) for r in rows), sum(int(r[3]) for r in rows), sum(int(r[1]) for r in rows), content)


def certificate_issue(info: Info, data: Any) -> Outcome[Any]:
    """Staff of the recording unit issue a volunteer's certificate; a volunteer requests his own."""
    caller = info.context.auth.caller
    if caller is None:
        raise RuntimeError("certificateIssue without an authenticated caller (the root gate admits none)")

    def work(session: Session) -> models.ServiceCertificate:
        checks = Checks(session)
        check_period(checks, data.from_, data.to)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        if data.volunteer is None:
            if caller.own_volunteer is None:
                checks.add(("input", "volunteer"), "volunteer: name the volunteer (your account is not exactly "
                           "one volunteer)", ErrorCode.REQUIRED)
            volunteer = session.get(models.Volunteer, caller.own_volunteer) if caller.own_volunteer else None
        else:
            volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        checks.raise_if_any()
        assert volunteer is not None
        himself = volunteer.id in caller.volunteer_ids
        check = Check(session, caller)
        if not (himself or caller.is_admin or check.in_subtree(UNIT_ROLES, unit.path)):
            raise abort(("input", "unit"), "staff of the unit that recorded the service issue its certificates "
                        "(a volunteer requests his own)", ErrorCode.FORBIDDEN)
        credit, honour, count, content = _service(session, volunteer.id, unit, data.from_, data.to)
        if count == 0:
            raise abort(("input", "unit"), "the unit (with its subtree) recorded no service of the volunteer in "
                        "the period: choose the unit he served or another period", ErrorCode.NO_SERVICE_RECORDED)
        now = dt.datetime.now(dt.UTC)
        row = models.ServiceCertificate(
            number=f"{now.astimezone(LOCAL_TZ):%Y%m%d}-{secrets.token_hex(4).upper()}", volunteer_id=volunteer.id,
            unit_id=unit.id, period_start=data.from_, period_end=data.to, volunteer_name=volunteer.name,
            volunteer_number=volunteer.volunteer_number, id_number_tail=volunteer.id_number_tail,
            issuer_name=unit.name, issuer_head=unit.person_in_charge, issuer_contact=unit.contact_name,
            issuer_phone=unit.contact_phone,
            credit_minutes=credit, honour_minutes=honour, service_count=count,
            service_content=content, issued_at=now, issued_by_account_id=caller.account_id,
            handler=caller.username, requested_by_volunteer=himself, code_digest="")
        row.code_digest = _digest(code_of(facts(row), info.context.settings.secret_key))
        session.add(row)
        session.flush()
        return row

    return run_mutation(info, work, info.context.present.service_certificate)


def certificates(info: Info, volunteer: str | None, first: int | None, after: str | None) -> Any:
    """Certificates the caller may read (his own; staff: of the volunteers and units they see), newest last."""
    stmt = select(models.ServiceCertificate)
    if volunteer is not None:
        stmt = stmt.where(models.ServiceCertificate.volunteer_id == globalid.decode_as(volunteer, "Volunteer",
                                                                                      ("volunteer",)))
    return paginate(info.context, stmt, models.ServiceCertificate.id, info.context.present.service_certificate,
                    first, after)


def text_of(row: Facts, secret_key: str) -> pdf.CertificateText:
    credit, honour = round(row.credit_minutes / 60, 2), round(row.honour_minutes / 60, 2)
    return pdf.CertificateText(
        number=row.number, name=row.volunteer_name, id_type=ID_TYPE, id_number=mask_id_number(row.id_number_tail),
        volunteer_number=row.volunteer_number, period_start=row.period_start, period_end=row.period_end,
        total_hours=round((row.credit_minutes + row.honour_minutes) / 60, 2), credit_hours=credit,
        honour_hours=honour, service_count=row.service_count, service_content=row.service_content,
        issuer=row.issuer_name, head=row.issuer_head, contact=row.issuer_contact, phone=row.issuer_phone,
        handler=row.handler,
        issued_on=row.issued_at.astimezone(LOCAL_TZ).date(),
        code=code_of(row, secret_key))


def pdf_of(row: Facts, secret_key: str) -> str:
    """The certificate's PDF, base64."""
    return base64.b64encode(pdf.render(text_of(row, secret_key))).decode()


def certificate_verify(info: Info, code: str) -> CertificateCheck:
    """The public check of a verification code: the certificate's non-personal facts, or not valid."""
    if len(code) > MAX_CODE_LENGTH:
        raise ClientError(f"code: at most {MAX_CODE_LENGTH} characters", ErrorCode.TOO_LARGE, ("code",))
    normal = _normal(code)
    if not normal or not _CODE_CHARS.match(normal):
        return CertificateCheck(valid=False)
    # a deliberate public read: the row is found by the code's digest alone, and only the facts
    # below leave it (resolvers/access/certificates.py)
    with credential_access(info) as session:
        row = session.scalar(select(models.ServiceCertificate).where(
            models.ServiceCertificate.code_digest == _digest(normal)))
    secret_key = info.context.settings.secret_key
    if row is None or not hmac.compare_digest(_normal(code_of(facts(row), secret_key)), normal):
        return CertificateCheck(valid=False)
    return CertificateCheck(
        valid=True, number=row.number, volunteer_number=row.volunteer_number, masked_name=mask_name(row.volunteer_name),
        credit_hours=round(row.credit_minutes / 60, 2), honour_hours=round(row.honour_minutes / 60, 2),
        period_start=row.period_start, period_end=row.period_end, issuer=row.issuer_name,
        issued_on=row.issued_at.astimezone(LOCAL_TZ).date())
