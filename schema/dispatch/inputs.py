"""Inputs of the dispatch workflow's mutations (schema/dispatch/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime
import enum

import strawberry


@strawberry.input
class OrderReviewInput:
    order: strawberry.ID
    note: str | None = None


@strawberry.input
class OrderReasonInput:
    order: strawberry.ID
    reason: str = strawberry.field(description="Shown to the orderer.")


@strawberry.input(description="评单: 1..5 and a comment, once per completed order.")
class OrderRateInput:
    order: strawberry.ID
    score: int
    comment: str | None = None


@strawberry.enum(description="What the staffing level of the objective counts.")
class Staffing(enum.Enum):
    PEOPLE = strawberry.enum_value("people", description="Each person placed (a request of 4 weighs 4 times one of 1).")
    REQUESTS = strawberry.enum_value("requests", description="Each request's share served: as many orders served "
                                                             "as possible, whatever their headcounts.")


@strawberry.input(description="How the engine solves: seconds, parallel workers, seed, rules of the day.")
class DispatchRunOptionsInput:
    time_limit: float | None = None
    workers: int | None = None
    seed: int | None = None
    requires_insurance: bool | None = strawberry.field(default=None, description="Default true.")
    allow_partial: bool | None = strawberry.field(default=None, description="Default false.")
    staffing: Staffing | None = strawberry.field(default=None, description="Default PEOPLE.")


@strawberry.input(description="Dispatch the REVIEWED orders served in `scope`'s subtree, dates inclusive.")
class DispatchRunStartInput:
    scope: strawberry.ID
    date_from: datetime.date = strawberry.field(name="from")
    date_to: datetime.date = strawberry.field(name="to")
    options: DispatchRunOptionsInput | None = None


@strawberry.input
class DispatchRunInput:
    run: strawberry.ID


@strawberry.input(description="Place `volunteer` on `order` in the run; `skill` defaults to the item's first.")
class DispatchProposalPinInput:
    run: strawberry.ID
    order: strawberry.ID
    volunteer: strawberry.ID
    skill: str | None = None


@strawberry.input
class DispatchProposalRemoveInput:
    proposal: strawberry.ID
    whole_order: bool = strawberry.field(default=False, description="Remove every proposal of its order.")


@strawberry.input
class DispatchProposalReplaceInput:
    proposal: strawberry.ID
    volunteer: strawberry.ID


@strawberry.input(description="`volunteer` is the acting volunteer (the caller); the server stamps the time "
                              "(`at`: platform admins only, to type in a paper sheet).")
class AssignmentActInput:
    assignment: strawberry.ID
    volunteer: strawberry.ID
    at: datetime.datetime | None = None


@strawberry.input
class AssignmentDeclineInput:
    assignment: strawberry.ID
    volunteer: strawberry.ID
    reason: str


@strawberry.input(description="Staff add (or, negative, take back) honour minutes; audited, kept apart.")
class ServiceRecordCorrectInput:
    assignment: strawberry.ID
    minutes: int
    reason: str


@strawberry.input(description="Remind volunteers of tasks starting within `hoursAhead` hours of `now`.")
class TaskRemindersSendInput:
    hours_ahead: int = 24
    now: datetime.datetime | None = strawberry.field(default=None, description="Default: the current time.")


@strawberry.input(description="The volunteer's own times on a task that is over (he forgot to check in or out, "
                              "or the stamp is wrong); a time without zone is local wall clock.")
class TimeClaimSubmitInput:
    assignment_id: strawberry.ID
    started_at: datetime.datetime
    ended_at: datetime.datetime
    note: str | None = None


@strawberry.input
class TimeClaimApproveInput:
    claim_id: strawberry.ID
    note: str | None = None


@strawberry.input
class TimeClaimDeclineInput:
    claim_id: strawberry.ID
    reason: str = strawberry.field(description="Required: the volunteer sees it.")


@strawberry.input
class TimeClaimWithdrawInput:
    claim_id: strawberry.ID
