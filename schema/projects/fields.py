"""Projects in the API. Fields declare and delegate: the work is in resolvers/projects/."""

from __future__ import annotations

from typing import Any

import strawberry

from db.models import ProjectGrade, ProjectState
from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.projects import evaluation, lifecycle, queries
from schema.core.common import UserError
from schema.core.enums import ServiceDomain
from schema.core.relay import Connection
from schema.projects.inputs import (
    ProjectCloseInput,
    ProjectCopyInput,
    ProjectCreateInput,
    ProjectEvaluateInput,
    ProjectReturnInput,
    ProjectStepInput,
    ProjectUpdateInput,
)
from schema.projects.types import Project


@strawberry.type
class ProjectPayload:
    project: Project | None
    user_errors: list[UserError]


def _payload(out: Outcome[Any]) -> ProjectPayload:
    return ProjectPayload(project=out.value, user_errors=out.errors)


@strawberry.type
class ProjectQueries:
    @strawberry.field(description="A project you may read.")
    def project(self, info: Info, id: strawberry.ID) -> Project | None:
        return queries.project(info, id)

    @strawberry.field(description="Projects you may read (of `unit`'s subtree), oldest first.")
    def projects(self, info: Info, unit: strawberry.ID | None = None, state: ProjectState | None = None,
                 domain: ServiceDomain | None = None, first: int | None = None,
                 after: str | None = None) -> Connection[Project]:
        return queries.projects(info, unit, state, domain, first, after)

    @strawberry.field(description="The excellent-project library (优秀项目库): graded projects, oldest first, of "
                                  "`domain`, `grade` and `region` (a unit's subtree).")
    def project_library(self, info: Info, domain: ServiceDomain | None = None, grade: ProjectGrade | None = None,
                        region: strawberry.ID | None = None, first: int | None = None,
                        after: str | None = None) -> Connection[Project]:
        return queries.library(info, domain, grade, region, first, after)


@strawberry.type
class ProjectMutations:
    @strawberry.mutation(description="Staff write a DRAFT project of their unit.")
    def project_create(self, info: Info, input: ProjectCreateInput) -> ProjectPayload:
        return _payload(lifecycle.project_create(info, input))

    @strawberry.mutation(description="Change a DRAFT or RETURNED project.")
    def project_update(self, info: Info, input: ProjectUpdateInput) -> ProjectPayload:
        return _payload(lifecycle.project_update(info, input))

    @strawberry.mutation(description="Submit a DRAFT or RETURNED project (申报) to the unit above.")
    def project_submit(self, info: Info, input: ProjectStepInput) -> ProjectPayload:
        return _payload(lifecycle.project_submit(info, input))

    @strawberry.mutation(description="Staff of the unit above approve a SUBMITTED project (立项); not its submitter.")
    def project_approve(self, info: Info, input: ProjectStepInput) -> ProjectPayload:
        return _payload(lifecycle.project_approve(info, input))

    @strawberry.mutation(description="Staff of the unit above return a SUBMITTED project with a reason.")
    def project_return(self, info: Info, input: ProjectReturnInput) -> ProjectPayload:
        return _payload(lifecycle.project_return(info, input))

    @strawberry.mutation(description="Start an APPROVED project: orders may name it from now on.")
    def project_start(self, info: Info, input: ProjectStepInput) -> ProjectPayload:
        return _payload(lifecycle.project_start(info, input))

    @strawberry.mutation(description="Close a RUNNING project (结项), reporting what it spent.")
    def project_close(self, info: Info, input: ProjectCloseInput) -> ProjectPayload:
        return _payload(lifecycle.project_close(info, input))

    @strawberry.mutation(description="Staff of the unit above evaluate a CLOSED project: graded ones enter the "
                                     "library.")
    def project_evaluate(self, info: Info, input: ProjectEvaluateInput) -> ProjectPayload:
        return _payload(evaluation.project_evaluate(info, input))

    @strawberry.mutation(description="Copy a library entry into a new DRAFT at a unit you administer.")
    def project_copy(self, info: Info, input: ProjectCopyInput) -> ProjectPayload:
        return _payload(lifecycle.project_copy(info, input))
