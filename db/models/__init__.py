"""The data model (SQLAlchemy 2.x typed). Every class is importable from `db.models`.

Modules: `base` (Base, column types), `network` (units, departments, bases, points), `forces`
(teams, skills, volunteers and their details), `menu` (service items, menu offers, orders),
`dispatch` (runs, tasks, service records), `accounts`, `scenarios` (analysts' scenario runs),
`requests` (volunteers' time claims and change requests, which staff decide), `recognition` (the
points ledger and the exchange mall), `insurance` (volunteers' insurance policies), `certificates`
(record certificates and publication preferences), `training` (courses, sessions, the certificates
they issue), `projects` (volunteer service projects and their library), `subsidies` (subsidy rules
and monthly batches), `civility` (the civility self-assessment), `assessment` (published quarterly
rankings), `imports` (the audit of applied imports), `hours` (historic hours backfill).
"""

from db.models.accounts import (
    Account,
    AccountAction,
    AccountEvent,
    ApiKey,
    OrderOwner,
    PersonalDataRead,
    RefreshToken,
    Role,
    RoleGrant,
)
from db.models.assessment import AssessmentPublication, AssessmentScore
from db.models.base import Base, UTCDateTime, utcnow
from db.models.certificates import PublicationListing, PublicationPreference, ServiceCertificate
from db.models.civility import CivilityAnswer, CivilityItem, CivilityQuestionnaire, CivilityResponse
from db.models.dispatch import (
    Assignment,
    DispatchProposal,
    DispatchRun,
    OrderEvent,
    OutboxEvent,
    Rating,
    ServiceCorrection,
    ServiceRecord,
)
from db.models.forces import (
    AvailabilityException,
    AvailabilityWindow,
    Skill,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerDomain,
    VolunteerSkill,
)
from db.models.hours import HoursBackfill, HoursBackfillRow
from db.models.imports import ImportChange, ImportRun
from db.models.insurance import InsurancePolicy, InsurancePolicyKind, InsuredVolunteer
from db.models.menu import MenuOffer, Order, ServiceItem, ServiceItemProvider, ServiceItemSkill
from db.models.network import Department, PracticeBase, PracticePoint, Unit
from db.models.projects import (
    Project,
    ProjectEvaluation,
    ProjectEvent,
    ProjectGrade,
    ProjectItem,
    ProjectState,
    ProjectStation,
)
from db.models.recognition import (
    LedgerAccount,
    LedgerAccountKind,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
    MallItem,
    Redemption,
    RedemptionState,
    StarAward,
)
from db.models.requests import TimeClaim, VolunteerChangeRequest
from db.models.scenarios import ScenarioRun
from db.models.subsidies import SubsidyBatch, SubsidyLine, SubsidyRule
from db.models.training import (
    Certificate,
    CertificateNotice,
    Enrolment,
    SessionLecturer,
    TrainingCourse,
    TrainingSession,
)

__all__ = [
    "HoursBackfill",
    "HoursBackfillRow",
    "Certificate",
    "CertificateNotice",
    "Enrolment",
    "SessionLecturer",
    "TrainingCourse",
    "TrainingSession",
    "ImportChange",
    "ImportRun",
    "Account",
    "AccountAction",
    "AccountEvent",
    "ApiKey",
    "AssessmentPublication",
    "AssessmentScore",
    "Assignment",
    "AvailabilityException",
    "AvailabilityWindow",
    "Base",
    "CivilityAnswer",
    "CivilityItem",
    "CivilityQuestionnaire",
    "CivilityResponse",
    "Department",
    "InsurancePolicy",
    "InsurancePolicyKind",
    "InsuredVolunteer",
    "Project",
    "ProjectEvaluation",
    "ProjectEvent",
    "ProjectGrade",
    "ProjectItem",
    "ProjectState",
    "ProjectStation",
    "DispatchProposal",
    "DispatchRun",
    "LedgerAccount",
    "LedgerAccountKind",
    "LedgerEntry",
    "LedgerTransaction",
    "LedgerTransactionKind",
    "MallItem",
    "MenuOffer",
    "Order",
    "OrderEvent",
    "OrderOwner",
    "OutboxEvent",
    "PersonalDataRead",
    "PracticeBase",
    "PublicationListing",
    "PublicationPreference",
    "PracticePoint",
    "Rating",
    "Redemption",
    "RedemptionState",
    "RefreshToken",
    "Role",
    "RoleGrant",
    "ScenarioRun",
    "ServiceCertificate",
    "ServiceCorrection",
    "ServiceItem",
    "ServiceItemProvider",
    "ServiceItemSkill",
    "ServiceRecord",
    "Skill",
    "Team",
    "StarAward",
    "SubsidyBatch",
    "SubsidyLine",
    "SubsidyRule",
    "TimeClaim",
    "TeamMembership",
    "UTCDateTime",
    "Unit",
    "Volunteer",
    "VolunteerChangeRequest",
    "VolunteerDomain",
    "VolunteerSkill",
    "utcnow",
]
