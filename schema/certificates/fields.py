"""Record certificates and the honour roll in the API. Fields declare and delegate: the work is in
resolvers/certificates/ (issue.py, honours.py)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from db.models import PublicationListing
from resolvers.certificates import honours, issue
from resolvers.core.context import Info
from schema.certificates.inputs import CertificateIssueInput, PublicationPreferenceSetInput
from schema.certificates.types import (
    CertificateCheckResult,
    HonourRollResult,
    ServiceCertificate,
    check_result,
    roll_result,
)
from schema.core.common import UserError
from schema.core.relay import Connection


@strawberry.type
class ServiceCertificatePayload:
    certificate: ServiceCertificate | None
    user_errors: list[UserError]


@strawberry.type
class PublicationPreferencePayload:
    listing: PublicationListing | None
    user_errors: list[UserError]


@strawberry.type
class CertificateQueries:
    @strawberry.field(description="Record certificates you may read, oldest first: your own; staff: those of the "
                                  "volunteers they see and those their units issued.")
    def certificates(self, info: Info, volunteer: strawberry.ID | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[ServiceCertificate]:
        return issue.certificates(info, volunteer, first, after)

    @strawberry.field(description="Public (no sign-in): check a certificate's verification code. A real code gives "
                                  "the certificate's number, volunteer number, masked name, hours, period and "
                                  "issuer; a forged or altered one gives valid: false.")
    def certificate_verify(self, info: Info, code: str) -> CertificateCheckResult:
        return check_result(issue.certificate_verify(info, code))

    @strawberry.field(description="Public (no sign-in): the outstanding volunteers and teams of `unit`'s subtree in "
                                  "the period [from, to] (days, both included), by approved hours then average "
                                  "rating; volunteers named as they allow (not listed: absent). `first`: 1..100 "
                                  "per list, default 10.")
    def honour_roll(self, info: Info, unit: strawberry.ID,
                    from_: Annotated[datetime.date, strawberry.argument(name="from")], to: datetime.date,
                    first: int | None = None) -> HonourRollResult:
        return roll_result(honours.honour_roll(info, unit, from_, to, first))

    @strawberry.field(description="How the honour roll names a volunteer: yours (leave `volunteer` out), or, for "
                                  "staff, a volunteer they see (null outside their scope). Default MASKED_NAME.")
    def publication_listing(self, info: Info, volunteer: strawberry.ID | None = None) -> PublicationListing | None:
        return honours.listing_of(info, volunteer)


@strawberry.type
class CertificateMutations:
    @strawberry.mutation(description="Issue a record certificate: staff of the unit that recorded the service, or "
                                     "the volunteer requesting his own. Free; recorded with who issued it and when.")
    def certificate_issue(self, info: Info, input: CertificateIssueInput) -> ServiceCertificatePayload:
        out = issue.certificate_issue(info, input)
        return ServiceCertificatePayload(certificate=out.value, user_errors=out.errors)

    @strawberry.mutation(description="A volunteer chooses how the public honour roll names him.")
    def publication_preference_set(self, info: Info, input: PublicationPreferenceSetInput
                                   ) -> PublicationPreferencePayload:
        out = honours.publication_preference_set(info, input)
        return PublicationPreferencePayload(listing=out.value, user_errors=out.errors)
