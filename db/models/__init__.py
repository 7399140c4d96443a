"""The data model (SQLAlchemy 2.x typed). Every class is importable from `db.models`.

Modules: `base` (Base, column types), `network` (units, departments, bases, points), `forces`
(teams, skills, volunteers and their details), `menu` (service items, menu offers, orders),
`dispatch` (runs, tasks, service records), `accounts`, `scenarios` (analysts' scenario runs),
`requests` (volunteers' time claims and change requests, which staff decide), `recognition` (the
points ledger and the exchange mall), `insurance` (volunteers' insurance policies), `imports`
(the audit of applied imports).
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
from db.models.base import Base, UTCDateTime, utcnow
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
from db.models.imports import ImportChange, ImportRun
from db.models.insurance import InsurancePolicy, InsurancePolicyKind, InsuredVolunteer
from db.models.menu import MenuOffer, Order, ServiceItem, ServiceItemProvider, ServiceItemSkill
from db.models.network import Department, PracticeBase, PracticePoint, Unit
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

__all__ = [
    "ImportChange",
    "ImportRun",
    "Account",
    "AccountAction",
    "AccountEvent",
    "ApiKey",
    "Assignment",
    "AvailabilityException",
    "AvailabilityWindow",
    "Base",
    "Department",
    "InsurancePolicy",
    "InsurancePolicyKind",
    "InsuredVolunteer",
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
    "PracticePoint",
    "Rating",
    "Redemption",
    "RedemptionState",
    "RefreshToken",
    "Role",
    "RoleGrant",
    "ScenarioRun",
    "ServiceCorrection",
    "ServiceItem",
    "ServiceItemProvider",
    "ServiceItemSkill",
    "ServiceRecord",
    "Skill",
    "Team",
    "StarAward",
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
