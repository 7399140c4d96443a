"""GraphQL types of projects: a project (志愿服务项目), its figures, evaluation and audit trail."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.models import ProjectGrade, ProjectState
from resolvers.core.context import Info
from resolvers.core.globalid import encode
from resolvers.projects import evaluation, queries
from resolvers.projects.evaluation import Figures
from schema.core.enums import ServiceDomain
from schema.core.relay import Connection

if TYPE_CHECKING:
    from schema.network.types import Unit
    from schema.orders.types import Order, ServiceItem

UnitRef = Annotated["Unit", strawberry.lazy("schema.network.types")]
ItemRef = Annotated["ServiceItem", strawberry.lazy("schema.orders.types")]
OrderRef = Annotated["Order", strawberry.lazy("schema.orders.types")]

# registered in place: the very classes of db/models/projects.py
strawberry.enum(ProjectState, description="DRAFT -> SUBMITTED -> APPROVED | RETURNED (resubmitted) -> RUNNING -> "
                                          "CLOSED -> EVALUATED")
strawberry.enum(ProjectGrade, description="The grade of an evaluated project in the library (优秀项目库)")


@strawberry.type(description="A project's results from its orders (跟踪问效), as they stand.")
class ProjectFigures:
    orders_total: int = strawberry.field(description="Orders placed for it, not cancelled or rejected.")
    orders_served: int = strawberry.field(description="Of them, completed or rated.")
    completion_rate: float = strawberry.field(description="ordersServed / ordersTotal (0 when none).")
    approved_hours: float = strawberry.field(description="Credit hours of its service records.")
    ratings: int
    mean_rating: float | None = strawberry.field(description="Of 5; null without ratings.")


def _figures(found: Figures) -> ProjectFigures:
    return ProjectFigures(orders_total=found.orders_total, orders_served=found.orders_served,
                          completion_rate=found.completion_rate, approved_hours=found.approved_hours,
                          ratings=found.ratings, mean_rating=found.mean_rating)


@strawberry.type(description="The evaluation of a closed project: its figures when evaluated, the reviewer's score, "
                             "the weighted score and the grade (null: below every grade, not in the library).")
class ProjectEvaluation:
    figures: ProjectFigures
    residents_reached: int | None = strawberry.field(description="As the reviewer reports them.")
    budget_fen: int
    spent_fen: int
    budget_used: float | None = strawberry.field(description="spentFen / budgetFen (null without a budget).")
    reviewer_score: int
    score: int
    grade: ProjectGrade | None
    reviewer: str
    note: str
    at: datetime.datetime


@strawberry.type(description="One step of a project's audit trail: who moved it, when (the server's time), why.")
class ProjectEvent:
    id: strawberry.ID
    from_state: ProjectState | None
    to_state: ProjectState
    actor: str
    note: str
    at: datetime.datetime


@strawberry.type(description="A volunteer service project (志愿服务项目) of a unit: money in fen (分).")
class Project:
    id: strawberry.ID
    pk: strawberry.Private[int]
    unit_pk: strawberry.Private[int]
    team_pk: strawberry.Private[int | None]
    copied_pk: strawberry.Private[int | None]
    name: str
    domain: ServiceDomain
    goals: str
    target_groups: str
    starts_on: datetime.date
    ends_on: datetime.date
    budget_fen: int
    spent_fen: int | None = strawberry.field(description="Reported at close.")
    state: ProjectState
    return_reason: str = strawberry.field(description="Why it was last returned (empty otherwise).")
    created_at: datetime.datetime

    @strawberry.field(description="The unit the project belongs to.")
    async def unit(self, info: Info) -> UnitRef | None:
        return await info.context.loaders.node("Unit").load(self.unit_pk)

    @strawberry.field(description="The team running it, if one does.")
    def team_id(self) -> strawberry.ID | None:
        return None if self.team_pk is None else encode("Team", self.team_pk)

    @strawberry.field(description="The library entry it was copied from.")
    def copied_from_id(self) -> strawberry.ID | None:
        return None if self.copied_pk is None else encode("Project", self.copied_pk)

    @strawberry.field(description="The service items it runs: its orders are for these.")
    async def service_items(self, info: Info) -> list[ItemRef]:
        loader = info.context.loaders.node("ServiceItem")
        found = [await loader.load(pk) for pk in queries.item_ids(info.context.session, self.pk)]
        return [f for f in found if f is not None]

    @strawberry.field(description="The stations where its activities take place (none: its unit's subtree).")
    async def stations(self, info: Info) -> list[UnitRef]:
        loader = info.context.loaders.node("Unit")
        found = [await loader.load(pk) for pk in queries.station_ids(info.context.session, self.pk)]
        return [f for f in found if f is not None]

    @strawberry.field(description="Its results so far, from its orders you may read (the evaluation keeps them as "
                                  "they were when it was evaluated).")
    def figures(self, info: Info) -> ProjectFigures:
        return _figures(evaluation.figures(info.context.session, self.pk))

    @strawberry.field(description="Its evaluation, once EVALUATED.")
    def evaluation(self, info: Info) -> ProjectEvaluation | None:
        row = queries.evaluation_of(info.context.session, self.pk)
        if row is None:
            return None
        found = Figures(row.orders_total, row.orders_served, row.approved_minutes, row.ratings, row.rating_sum)
        return ProjectEvaluation(figures=_figures(found), residents_reached=row.residents_reached,
                                 budget_fen=row.budget_fen, spent_fen=row.spent_fen,
                                 budget_used=round(row.spent_fen / row.budget_fen, 4) if row.budget_fen else None,
                                 reviewer_score=row.reviewer_score, score=row.score, grade=row.grade,
                                 reviewer=row.reviewer, note=row.note, at=row.at)

    @strawberry.field(description="Its audit trail, oldest first.")
    def history(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ProjectEvent]:
        return queries.history(info, self.pk, first, after)

    @strawberry.field(description="The orders placed for it (its activities), oldest first; those you may read.")
    def orders(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[OrderRef]:
        return queries.orders(info, self.pk, first, after)


def project_object(row: Any) -> Project:
    return Project(id=encode("Project", row.id), pk=row.id, unit_pk=row.unit_id, team_pk=row.team_id,
                   copied_pk=row.copied_from_id, name=row.name, domain=row.domain, goals=row.goals,
                   target_groups=row.target_groups, starts_on=row.starts_on, ends_on=row.ends_on,
                   budget_fen=row.budget_fen, spent_fen=row.spent_fen, state=row.state,
                   return_reason=row.return_reason, created_at=row.created_at)


def event_object(row: Any) -> ProjectEvent:
    return ProjectEvent(id=encode("ProjectEvent", row.id), from_state=row.from_state, to_state=row.to_state,
                        actor=row.actor, note=row.note, at=row.at)
