"""The dispatch workflow in the API: order transitions, dispatch runs and their review, the
volunteers' tasks, service records, ratings, statistics, the outbox, and live subscriptions.

Fields declare and delegate: the work is in resolvers/orders/workflow.py, dispatch_mutations.py,
dispatch_review.py, dispatch_tasks.py, dispatch_queries.py and dispatch_live.py.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.mutation import Outcome
from resolvers.dispatch import live as dispatch_live
from resolvers.dispatch import mutations as dispatch_mutations
from resolvers.dispatch import queries as dispatch_queries
from resolvers.dispatch import reminders as dispatch_reminders
from resolvers.dispatch import review as dispatch_review
from resolvers.dispatch import tasks as dispatch_tasks
from resolvers.dispatch import time_claims as dispatch_claims
from resolvers.orders import workflow as orders_workflow
from schema.core.common import UserError
from schema.core.enums import RequestState
from schema.core.relay import Connection
from schema.dispatch import mapping as dispatch_mapping
from schema.dispatch.inputs import (
    AssignmentActInput,
    AssignmentDeclineInput,
    DispatchProposalPinInput,
    DispatchProposalRemoveInput,
    DispatchProposalReplaceInput,
    DispatchRunInput,
    DispatchRunStartInput,
    OrderRateInput,
    OrderReasonInput,
    OrderReviewInput,
    ServiceRecordCorrectInput,
    TaskRemindersSendInput,
    TimeClaimApproveInput,
    TimeClaimDeclineInput,
    TimeClaimSubmitInput,
    TimeClaimWithdrawInput,
)
from schema.dispatch.types import (
    Assignment,
    AssignmentStatus,
    DispatchProposal,
    DispatchRun,
    OrderEvent,
    OutboxEvent,
    OutboxPage,
    Rating,
    ServiceStats,
    TimeClaim,
)
from schema.orders.types import Order


@strawberry.type
class TaskRemindersSendPayload:
    queued: int | None = strawberry.field(description="Reminders put in the outbox by this call.")
    user_errors: list[UserError]


@strawberry.type
class OrderWorkflowPayload:
    order: Order | None
    user_errors: list[UserError]


@strawberry.type
class OrderRatePayload:
    rating: Rating | None
    user_errors: list[UserError]


@strawberry.type
class DispatchRunPayload:
    run: DispatchRun | None
    user_errors: list[UserError]


@strawberry.type
class DispatchProposalPayload:
    proposal: DispatchProposal | None
    user_errors: list[UserError]


@strawberry.type
class AssignmentPayload:
    assignment: Assignment | None
    user_errors: list[UserError]


@strawberry.type
class AssignmentDeclinePayload:
    assignment: Assignment | None
    repair_run: DispatchRun | None = strawberry.field(description="The run refilling the gap.")
    user_errors: list[UserError]


@strawberry.type
class TimeClaimPayload:
    claim: TimeClaim | None
    user_errors: list[UserError]


@strawberry.type
class DispatchQueries:
    @strawberry.field(description="A dispatch run by ID: poll it for state and progress.")
    def dispatch_run(self, info: Info, id: strawberry.ID) -> DispatchRun | None:
        return dispatch_queries.run(info, id)

    @strawberry.field(description="The latest runs over a scope, newest first.")
    def dispatch_runs(self, info: Info, scope: strawberry.ID, first: int = 20) -> list[DispatchRun]:
        return dispatch_mutations.runs_of_scope(info, scope, first)

    @strawberry.field(description="The caller's own tasks, soonest first; staff may name a volunteer they see.")
    def my_tasks(self, info: Info, volunteer: strawberry.ID | None = None, status: AssignmentStatus | None = None
                 ) -> list[Assignment]:
        return dispatch_queries.my_tasks(info, volunteer, status)

    @strawberry.field(description="Every task on an order.")
    def order_tasks(self, info: Info, order: strawberry.ID) -> list[Assignment]:
        return dispatch_queries.order_tasks(info, order)

    @strawberry.field(description="An order's audit trail: who moved it, when, from -> to, why.")
    def order_history(self, info: Info, order: strawberry.ID) -> list[OrderEvent]:
        return dispatch_queries.order_history(info, order)

    @strawberry.field
    def order_rating(self, info: Info, order: strawberry.ID) -> Rating | None:
        return dispatch_queries.order_rating(info, order)

    @strawberry.field(description="Notifications after a cursor, in order (for app and SMS gateways).")
    def outbox(self, info: Info, after: str | None = None, first: int | None = None,
               volunteer: strawberry.ID | None = None, order: strawberry.ID | None = None) -> OutboxPage:
        return dispatch_queries.outbox(info, after, first, volunteer, order)

    @strawberry.field
    def volunteer_stats(self, info: Info, volunteer: strawberry.ID) -> ServiceStats:
        return dispatch_queries.volunteer_stats(info, volunteer)

    @strawberry.field(description="Statistics over the team's members.")
    def team_stats(self, info: Info, team: strawberry.ID) -> ServiceStats:
        return dispatch_queries.team_stats(info, team)

    @strawberry.field(description="Time claims the caller may read, oldest first: a volunteer's own; staff's on "
                                  "their units' orders.")
    def time_claims(self, info: Info, state: RequestState | None = None, first: int | None = None,
                    after: str | None = None) -> Connection[TimeClaim]:
        return dispatch_claims.time_claims(info, state, first, after)


def _order(out: Outcome[Any]) -> OrderWorkflowPayload:
    return OrderWorkflowPayload(order=out.value, user_errors=out.errors)


def _run(out: Outcome[Any]) -> DispatchRunPayload:
    return DispatchRunPayload(run=out.value, user_errors=out.errors)


def _task(out: Outcome[Any]) -> AssignmentPayload:
    return AssignmentPayload(assignment=out.value, user_errors=out.errors)


def _claim(out: Outcome[Any]) -> TimeClaimPayload:
    return TimeClaimPayload(claim=out.value, user_errors=out.errors)


@strawberry.type
class DispatchMutations:
    @strawberry.mutation(description="SUBMITTED -> REVIEWED: accepted for dispatch.")
    def order_review(self, info: Info, input: OrderReviewInput) -> OrderWorkflowPayload:
        return _order(orders_workflow.order_review(info, input))

    @strawberry.mutation(description="SUBMITTED -> REJECTED, with a reason the orderer sees.")
    def order_reject(self, info: Info, input: OrderReasonInput) -> OrderWorkflowPayload:
        return _order(orders_workflow.order_reject(info, input))

    @strawberry.mutation(description="Cancel an order before service starts; its open tasks are cancelled.")
    def order_cancel(self, info: Info, input: OrderReasonInput) -> OrderWorkflowPayload:
        return _order(orders_workflow.order_cancel(info, input))

    @strawberry.mutation(description="评单: rate a COMPLETED order once.")
    def order_rate(self, info: Info, input: OrderRateInput) -> OrderRatePayload:
        out = dispatch_tasks.order_rate(info, input)
        return OrderRatePayload(rating=dispatch_mapping.rating(out.value), user_errors=out.errors)

    @strawberry.mutation(description="Start a background run; returns at once (poll or subscribe for progress).")
    def dispatch_run_start(self, info: Info, input: DispatchRunStartInput) -> DispatchRunPayload:
        return _run(dispatch_mutations.dispatch_run_start(info, input))

    @strawberry.mutation
    def dispatch_run_cancel(self, info: Info, input: DispatchRunInput) -> DispatchRunPayload:
        return _run(dispatch_mutations.dispatch_run_cancel(info, input))

    @strawberry.mutation(description="Offer every proposal as a task and move the orders to DISPATCHED, all or "
                                     "nothing; refused if a volunteer or order changed since the run.")
    def dispatch_run_commit(self, info: Info, input: DispatchRunInput) -> DispatchRunPayload:
        return _run(dispatch_mutations.dispatch_run_commit(info, input))

    @strawberry.mutation(description="Place a volunteer on an order of the run, re-checked against every rule.")
    def dispatch_proposal_pin(self, info: Info, input: DispatchProposalPinInput) -> DispatchProposalPayload:
        out = dispatch_review.proposal_pin(info, input)
        return DispatchProposalPayload(proposal=out.value, user_errors=out.errors)

    @strawberry.mutation
    def dispatch_proposal_remove(self, info: Info, input: DispatchProposalRemoveInput) -> DispatchRunPayload:
        return _run(dispatch_review.proposal_remove(info, input))

    @strawberry.mutation(description="Another volunteer in a proposal's slot, re-checked against every rule.")
    def dispatch_proposal_replace(self, info: Info, input: DispatchProposalReplaceInput) -> DispatchProposalPayload:
        out = dispatch_review.proposal_replace(info, input)
        return DispatchProposalPayload(proposal=out.value, user_errors=out.errors)

    @strawberry.mutation
    def assignment_accept(self, info: Info, input: AssignmentActInput) -> AssignmentPayload:
        return _task(dispatch_tasks.assignment_accept(info, input))

    @strawberry.mutation(description="Decline a task; a repair run refills the gap keeping the others.")
    def assignment_decline(self, info: Info, input: AssignmentDeclineInput) -> AssignmentDeclinePayload:
        out = dispatch_tasks.assignment_decline(info, input)
        task, repair = out.value or (None, None)
        return AssignmentDeclinePayload(assignment=task, repair_run=repair, user_errors=out.errors)

    @strawberry.mutation
    def assignment_check_in(self, info: Info, input: AssignmentActInput) -> AssignmentPayload:
        return _task(dispatch_tasks.assignment_check_in(info, input))

    @strawberry.mutation(description="Check out: credit time = check-out minus check-in (travel excluded).")
    def assignment_check_out(self, info: Info, input: AssignmentActInput) -> AssignmentPayload:
        return _task(dispatch_tasks.assignment_check_out(info, input))

    @strawberry.mutation(description="One TASK_REMINDER per task starting soon; safe to call repeatedly.")
    def task_reminders_send(self, info: Info, input: TaskRemindersSendInput) -> TaskRemindersSendPayload:
        out = dispatch_reminders.task_reminders_send(info, input)
        return TaskRemindersSendPayload(queued=out.value, user_errors=out.errors)

    @strawberry.mutation
    def service_record_correct(self, info: Info, input: ServiceRecordCorrectInput) -> AssignmentPayload:
        return _task(dispatch_tasks.service_record_correct(info, input))

    @strawberry.mutation(description="A volunteer claims his times on his own task that is over: PENDING until "
                                     "staff decide.")
    def time_claim_submit(self, info: Info, input: TimeClaimSubmitInput) -> TimeClaimPayload:
        return _claim(dispatch_claims.time_claim_submit(info, input))

    @strawberry.mutation(description="A unit admin over the order's unit (not the claimant) approves: the service "
                                     "record follows the claim, credit bounded as at check-out.")
    def time_claim_approve(self, info: Info, input: TimeClaimApproveInput) -> TimeClaimPayload:
        return _claim(dispatch_claims.time_claim_approve(info, input))

    @strawberry.mutation(description="Decline a pending claim with a reason; the claim stays on record.")
    def time_claim_decline(self, info: Info, input: TimeClaimDeclineInput) -> TimeClaimPayload:
        return _claim(dispatch_claims.time_claim_decline(info, input))

    @strawberry.mutation(description="The volunteer takes back his pending claim; it stays on record, WITHDRAWN.")
    def time_claim_withdraw(self, info: Info, input: TimeClaimWithdrawInput) -> TimeClaimPayload:
        return _claim(dispatch_claims.time_claim_withdraw(info, input))


@strawberry.type
class DispatchSubscriptions:
    @strawberry.subscription(description="The run now, then at each change, until it ends.")
    async def dispatch_run_progress(self, info: Info, run: strawberry.ID) -> AsyncGenerator[DispatchRun, None]:
        async for value in dispatch_live.run_progress(info, run):
            yield value

    @strawberry.subscription(description="Outbox events for one volunteer and/or one order, from the cursor "
                                         "`after` (pass the last one handled; default: from now on).")
    async def notifications(self, info: Info, volunteer: strawberry.ID | None = None,
                            order: strawberry.ID | None = None, after: str | None = None
                            ) -> AsyncGenerator[OutboxEvent, None]:
        async for value in dispatch_live.notifications(info, volunteer, order, after):
            yield value
