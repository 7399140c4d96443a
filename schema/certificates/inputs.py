"""Inputs of the certificates' mutations (schema/certificates/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry

from db.models import PublicationListing

strawberry.enum(PublicationListing, description="How the public honour roll names a volunteer: FULL_NAME, "
                "MASKED_NAME (the default: 张*), NOT_LISTED.")


@strawberry.input(description="Issue a record certificate (志愿服务记录证明) of the service `unit` (with its "
                               "subtree) recorded for a volunteer in a period: staff of the unit, or the volunteer "
                               "himself (leave `volunteer` out).")
class CertificateIssueInput:
    unit: strawberry.ID = strawberry.field(description="The issuing unit: the one that recorded the service.")
    from_: datetime.date = strawberry.field(name="from", description="The first day of the period.")
    to: datetime.date = strawberry.field(description="The last day of the period (included).")
    volunteer: strawberry.ID | None = None


@strawberry.input(description="How the public honour roll names you (set by the volunteer himself).")
class PublicationPreferenceSetInput:
    listing: PublicationListing
    volunteer: strawberry.ID | None = strawberry.field(
        default=None, description="Your own volunteer ID (only needed if your account is several).")
