"""Access to dispatch (派单 -> 接单 -> 评单): runs, proposals, tasks, service records, the outbox.

Runs and proposals belong to the dispatchers and unit admins of the run's scope. Tasks, service
records and the outbox events addressed to a volunteer are read by the staff of the order's unit
or of the volunteer's, his team leader, himself and the resident who ordered (rules.Scope.tasks),
not by everyone who reads the order: a volunteer does not see the other volunteers' tasks on his
order, a team leader not the non-members'. Events about an order as a whole go to its readers.
Volunteers act on tasks, dispatchers on runs. A volunteer's time claims are read by himself and
by the unit admins and dispatchers over the order's unit; unit admins decide them (like
service-record corrections, they change credited service time, which dispatchers do not).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from db import models
from db.models import Role
from resolvers.access.rules import (
    ADMIN,
    DISPATCH,
    SIGNED_IN,
    STAFF,
    UNIT_ROLES,
    ByUnit,
    Domain,
    Proposed,
    Readable,
    Scope,
    fields,
)

_records = models.ServiceRecord.__table__
_orders = models.Order.__table__


def _task(s: Scope, t: Any) -> ColumnElement[bool]:
    return s.tasks(t.c.order_id, t.c.volunteer_id)


def _correction(s: Scope, t: Any) -> ColumnElement[bool]:
    return t.c.record_id.in_(select(_records.c.id).where(s.tasks(_records.c.order_id, _records.c.volunteer_id)))


def _event(s: Scope, t: Any) -> ColumnElement[bool]:
    """An event addressed to a volunteer is his task's; one about an order as a whole (no
    volunteer) is read by whoever reads the order."""
    return or_(s.tasks(t.c.order_id, t.c.volunteer_id), and_(t.c.volunteer_id.is_(None), s.orders(t.c.order_id)))


def _claim(s: Scope, t: Any) -> ColumnElement[bool]:
    """The claimant himself, and staff over the order's unit (not every reader of the volunteer)."""
    units = s.units(*UNIT_ROLES)
    selves = s.selves()
    clauses = [t.c.order_id.in_(select(_orders.c.id).where(_orders.c.unit_id.in_(units))) if units is not None
               else None, t.c.volunteer_id.in_(selves) if selves else None]
    present = [c for c in clauses if c is not None]
    return or_(*present) if present else false()


DOMAIN = Domain(
    name="dispatch",
    roots={
        **fields("Query", ("dispatchRun", "dispatchRuns", "myTasks", "orderTasks", "outbox", "teamStats",
                           "volunteerStats", "timeClaims"), SIGNED_IN),
        **fields("Mutation", ("serviceRecordCorrect", "timeClaimApprove", "timeClaimDecline"), STAFF),
        **fields("Mutation", ("dispatchRunStart", "dispatchRunCancel", "dispatchRunCommit", "dispatchProposalPin",
                              "dispatchProposalRemove", "dispatchProposalReplace", "taskRemindersSend"), DISPATCH),
        **fields("Mutation", ("assignmentAccept", "assignmentDecline", "assignmentCheckIn", "assignmentCheckOut",
                              "timeClaimSubmit", "timeClaimWithdraw"),
                 ADMIN | {Role.VOLUNTEER}),
        "Subscription.dispatchRunProgress": DISPATCH | {Role.ANALYST},
        "Subscription.notifications": SIGNED_IN,
    },
    reads={
        models.Assignment: _task,
        models.ServiceRecord: _task,
        models.ServiceCorrection: _correction,
        models.OutboxEvent: _event,
        models.TimeClaim: _claim,
        models.DispatchRun: lambda s, t: s.runs(t.c.id),
        models.DispatchProposal: lambda s, t: s.runs(t.c.run_id),
    },
    scopes={"Query.myTasks": {role: "own tasks" for role in Role}},
    writes={
        models.DispatchRun: Readable(lambda s, t: s.runs(t.c.id), new=ByUnit("scope_unit_id", UNIT_ROLES)),
        models.DispatchProposal: Readable(lambda s, t: s.runs(t.c.run_id)),
        models.Assignment: Readable(_task),
        models.ServiceRecord: Readable(_task),
        models.ServiceCorrection: Readable(_correction),
        models.OutboxEvent: Readable(_event),
        models.TimeClaim: Proposed("order"),
    },
)


