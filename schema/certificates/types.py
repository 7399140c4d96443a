"""GraphQL types of record certificates and the honour roll."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.certificates.honours import Honoured, HonourRoll
from resolvers.certificates.issue import CertificateCheck, Facts, code_of, pdf_of
from resolvers.core.context import Info

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer
    from schema.network.types import Unit

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]

@strawberry.type(description="An issued record certificate (志愿服务记录证明): what it certified when issued.")
class ServiceCertificate:
    id: strawberry.ID
    facts: strawberry.Private[Facts]
    volunteer_pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    number: str = strawberry.field(description="The certificate number (证明编号).")
    period_start: datetime.date
    period_end: datetime.date = strawberry.field(description="The last day of the period (included).")
    volunteer_number: str
    masked_id_number: str
    credit_hours: float
    honour_hours: float
    service_count: int
    service_content: str
    issuer_name: str
    issuer_head: str = strawberry.field(description="负责人: the issuing unit's person in charge when it was issued.")
    issuer_contact: str = strawberry.field(description="联系人: the issuing unit's contact when it was issued.")
    issuer_phone: str = strawberry.field(description="联系电话: the issuing unit's contact phone.")
    handler: str = strawberry.field(description="经办人: the account that issued it.")
    issued_at: datetime.datetime
    requested_by_volunteer: bool

    @strawberry.field(description="The volunteer certified (null outside your scope).")
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        return await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)

    @strawberry.field(description="The issuing unit.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The code printed on it, which certificateVerify checks.")
    def verification_code(self, info: Info) -> str:
        return code_of(self.facts, info.context.settings.secret_key)

    @strawberry.field(description="The certificate as a one-page PDF, base64 (rendered on each read).")
    def pdf(self, info: Info) -> str:
        return pdf_of(self.facts, info.context.settings.secret_key)


@strawberry.type(description="What the public verification says of a code: valid, and then only facts that name "
                             "nobody in full.")
class CertificateCheckResult:
    valid: bool
    number: str | None
    volunteer_number: str | None
    masked_name: str | None
    credit_hours: float | None
    honour_hours: float | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    issuer: str | None
    issued_on: datetime.date | None


@strawberry.type(description="One line of the honour roll: a name as the volunteer allows it (or a team's), hours "
                             "and the average rating of completed orders.")
class HonourRollEntry:
    rank: int
    name: str
    team_id: strawberry.ID | None = strawberry.field(description="The team (null on a volunteer's line).")
    hours: float
    credit_hours: float
    honour_hours: float
    average_rating: float | None


@strawberry.type(description="The honour roll (嘉许礼遇) of a unit's subtree and a period.")
class HonourRollResult:
    unit_name: str
    period_start: datetime.date
    period_end: datetime.date
    volunteers: list[HonourRollEntry]
    teams: list[HonourRollEntry]


def check_result(value: CertificateCheck) -> CertificateCheckResult:
    return CertificateCheckResult(**value.__dict__)


def _entry(value: Honoured) -> HonourRollEntry:
    return HonourRollEntry(rank=value.rank, name=value.name,
                           team_id=None if value.team_id is None else strawberry.ID(value.team_id), hours=value.hours,
                           credit_hours=value.credit_hours, honour_hours=value.honour_hours,
                           average_rating=value.average_rating)


def roll_result(value: HonourRoll) -> HonourRollResult:
    return HonourRollResult(unit_name=value.unit_name, period_start=value.period_start, period_end=value.period_end,
                            volunteers=[_entry(e) for e in value.volunteers], teams=[_entry(e) for e in value.teams])
