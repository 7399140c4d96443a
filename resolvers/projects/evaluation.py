"""A project's results (跟踪问效) and its evaluation at close; the graded library (优秀项目库).

The figures come from the project's own orders (`orders.project_id`): orders placed (not cancelled
or rejected), orders served (completed or rated), the approved hours (credit minutes of their
service records: check-in/out and approved time claims), their ratings, and the budget spent as
reported at close. The score (0..100) weighs the completion rate, the mean rating (of 5) and the
reviewer's score (0..100) by `Settings.projects.weights`; the grade is the best whose threshold the
score reaches (`Settings.projects.grades`, WENMING_PROJECT_GRADES). A graded project is in the
library, searchable by domain, grade and region (a unit's subtree).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.enums import OrderStatus
from db.models import ProjectGrade, ProjectState
from db.models.base import utcnow
from resolvers.core.context import actor_account_id, actor_of
from resolvers.core.mutation import Outcome
from resolvers.core.settings import ProjectSettings
from resolvers.core.validation import Checks
from resolvers.projects import lifecycle

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: the most residents one evaluation reports
MAX_RESIDENTS = 10_000_000
SERVED = (OrderStatus.COMPLETED, OrderStatus.RATED)
NOT_PLACED = (OrderStatus.CANCELLED, OrderStatus.REJECTED)


@dataclass(frozen=True)
class Figures:
    """A project's results from its orders (the schema's ProjectFigures reads it as it is)."""

    orders_total: int
    orders_served: int
    approved_minutes: int
    ratings: int
    rating_sum: int

    @property
    def completion_rate(self) -> float:
        """Served / placed (0 when none was placed)."""
        return round(self.orders_served / self.orders_total, 4) if self.orders_total else 0.0

    @property
    def approved_hours(self) -> float:
        return round(self.approved_minutes / 60, 2)

    @property
    def mean_rating(self) -> float | None:
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None


def figures(session: Session, project_id: int) -> Figures:
    """The project's figures, from the orders the session reads (three grouped statements)."""
    Ord = models.Order
    mine = Ord.project_id == project_id
    total, served = session.execute(
        select(func.count(Ord.id).filter(Ord.status.not_in(NOT_PLACED)),
               func.count(Ord.id).filter(Ord.status.in_(SERVED)))
        .where(mine)).one()
    minutes = session.scalar(select(func.coalesce(func.sum(models.ServiceRecord.credit_minutes), 0))
                             .join(Ord, Ord.id == models.ServiceRecord.order_id).where(mine))
    count, total_score = session.execute(
        select(func.count(models.Rating.id), func.coalesce(func.sum(models.Rating.score), 0))
        .join(Ord, Ord.id == models.Rating.order_id).where(mine)).one()
    return Figures(int(total or 0), int(served or 0), int(minutes or 0), int(count or 0), int(total_score or 0))


def score(found: Figures, reviewer_score: int, settings: ProjectSettings) -> int:
    """The weighted score 0..100, rounded half up (exact fractions: the same on every machine)."""
    completion = Fraction(found.orders_served, found.orders_total) if found.orders_total else Fraction(0)
    rating = Fraction(found.rating_sum, 5 * found.ratings) if found.ratings else Fraction(0)
    w_completion, w_rating, w_reviewer = settings.weights
    value = (w_completion * completion * 100 + w_rating * rating * 100 + w_reviewer * reviewer_score) / 100
    return int(value + Fraction(1, 2))


class _Evaluation:
    """projectEvaluate's input: checked with the input, the evaluation written with the step."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def check(self, checks: Checks) -> None:
        checks.in_range(self.data.reviewer_score, 0, 100, ("input", "reviewerScore"))
        checks.in_range(self.data.residents_reached, 0, MAX_RESIDENTS, ("input", "residentsReached"))

    def apply(self, info: Info, session: Session, project: models.Project, note: str) -> None:
        found = figures(session, project.id)
        settings = info.context.settings.projects
        total = score(found, self.data.reviewer_score, settings)
        grade = settings.grade(total)
        session.add(models.ProjectEvaluation(
            project_id=project.id, orders_total=found.orders_total, orders_served=found.orders_served,
            approved_minutes=found.approved_minutes, ratings=found.ratings, rating_sum=found.rating_sum,
            residents_reached=self.data.residents_reached, budget_fen=project.budget_fen,
            spent_fen=project.spent_fen or 0, reviewer_score=self.data.reviewer_score, score=total,
            grade=None if grade is None else ProjectGrade(grade), reviewer=actor_of(info),
            reviewer_account_id=actor_account_id(info), note=note,
            at=utcnow()))


def project_evaluate(info: Info, data: Any) -> Outcome[Any]:
    """Evaluate a CLOSED project (staff of the unit above, not its submitter): EVALUATED, graded
    by its figures and the reviewer's score."""
    return lifecycle.step(info, data.project, (ProjectState.CLOSED,), ProjectState.EVALUATED, "evaluated",
                          data.note, _Evaluation(data))
