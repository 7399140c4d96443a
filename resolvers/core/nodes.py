"""The one registry of Node types: GraphQL type name -> the model whose rows it presents.

Global IDs (resolvers/core/globalid.py) decode exactly these names for `node(id)`, the by-ID
DataLoaders read these tables, and the schema registers one strawberry type per name
(schema/core/present.py checks that the two lists agree).
"""

from __future__ import annotations

from typing import Any

from db import models

NODE_MODELS: dict[str, type[Any]] = {
    "Unit": models.Unit,
    "Department": models.Department,
    "PracticeBase": models.PracticeBase,
    "PracticePoint": models.PracticePoint,
    "Team": models.Team,
    "Skill": models.Skill,
    "Volunteer": models.Volunteer,
    "ServiceItem": models.ServiceItem,
    "Order": models.Order,
}

#: Objects with global IDs that `node(id)` does not resolve (yet): decoded by their own fields.
OTHER_MODELS: dict[str, type[Any]] = {
    "DispatchRun": models.DispatchRun,
    "DispatchProposal": models.DispatchProposal,
    "Assignment": models.Assignment,
    "ScenarioRun": models.ScenarioRun,
    "Account": models.Account,
    "RoleGrant": models.RoleGrant,
    "ApiKey": models.ApiKey,
    "TimeClaim": models.TimeClaim,
    "VolunteerChangeRequest": models.VolunteerChangeRequest,
    "StarAward": models.StarAward,
    "MallItem": models.MallItem,
    "MallRedemption": models.Redemption,
    "LedgerTransaction": models.LedgerTransaction,
    "LedgerEntry": models.LedgerEntry,
    "InsurancePolicy": models.InsurancePolicy,
    "ServiceCertificate": models.ServiceCertificate,
    "TrainingCourse": models.TrainingCourse,
    "TrainingSession": models.TrainingSession,
    "Enrolment": models.Enrolment,
    "TrainingCertificate": models.Certificate,
    "Project": models.Project,
    "ProjectEvent": models.ProjectEvent,
    "SubsidyRule": models.SubsidyRule,
    "SubsidyBatch": models.SubsidyBatch,
    "SubsidyLine": models.SubsidyLine,
    "CivilityQuestionnaire": models.CivilityQuestionnaire,
    "CivilityResponse": models.CivilityResponse,
}
