"""Rows of certificates -> GraphQL objects of schema/certificates/types.py (no database work)."""

from __future__ import annotations

from typing import Any

from db import models
from db.identity import mask_id_number
from resolvers.certificates.issue import facts
from resolvers.core.globalid import encode
from schema.certificates.types import ServiceCertificate


def service_certificate(row: models.ServiceCertificate) -> Any:
    return ServiceCertificate(
        id=encode("ServiceCertificate", row.id), facts=facts(row), volunteer_pk=row.volunteer_id, unit_pk=row.unit_id,
        number=row.number, period_start=row.period_start, period_end=row.period_end,
        volunteer_number=row.volunteer_number, masked_id_number=mask_id_number(row.id_number_tail),
        credit_hours=round(row.credit_minutes / 60, 2), honour_hours=round(row.honour_minutes / 60, 2),
        service_count=row.service_count, service_content=row.service_content, issuer_name=row.issuer_name,
        issuer_head=row.issuer_head, issuer_contact=row.issuer_contact, issuer_phone=row.issuer_phone,
        handler=row.handler,
        issued_at=row.issued_at, requested_by_volunteer=row.requested_by_volunteer)
