"""Access to recognition: the points ledger and the exchange mall.

A volunteer reads his own ledger account and its entries; staff (unit admins, dispatchers) read
the accounts of the volunteers they see and their units' pools and malls; analysts and the
platform admin read everything, and analysts reach only the aggregate root field. The ledger is
append-only: its rows are written by the mutations that post them (check-out, an approved time
claim, a rating, a redemption and its cancellation, a staff reversal), never changed or deleted.
Mall items are the catalogue (every signed-in caller reads them); unit admins over the offering
unit and the pickup station write them, and a redemption changes only their stock. A volunteer
redeems and cancels his own redemptions; staff of the item's unit or of the pickup station read
them, confirm the pickup and cancel.

Hours totals (`serviceHours`) read the service records the caller sees (analysts: all, per team
and unit only). Star awards are requests (rules.Proposed): the volunteer applies for his own, a
unit admin over his unit proposes them, and one at the configured level decides
(resolvers/recognition/stars.py checks the level; nobody decides his own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, inspect, or_, select

from db import models
from db.models import LedgerAccountKind, RedemptionState, Role
from resolvers.access.rules import (
    ADMIN,
    ANALYSTS,
    DISPATCH,
    SIGNED_IN,
    STAFF,
    UNIT_ADMIN,
    UNIT_ROLES,
    AdminOnly,
    Check,
    Domain,
    Proposed,
    Scope,
    WriteRule,
    fields,
    old_value,
    values,
)

_accounts = models.LedgerAccount.__table__
_entries = models.LedgerEntry.__table__
_items = models.MallItem.__table__
_backfill_rows = models.HoursBackfillRow.__table__

VOLUNTEER_SIDE = ADMIN | {Role.VOLUNTEER}
READERS = DISPATCH | {Role.VOLUNTEER}
HOURS_READERS = READERS | ANALYSTS | {Role.TEAM_LEADER}
BACKFILL = ("by `wenming import --kind hours` (unit admin over each row's volunteer) and its approve/decline "
            "(another account, unit admin over every volunteer of the batch); never deleted")


def _account(s: Scope, t: Any) -> ColumnElement[bool]:
    """Unit pools and malls are aggregates every caller may see; a volunteer's account, whoever sees him."""
    return or_(t.c.kind != LedgerAccountKind.VOLUNTEER.value, s.volunteers(t.c.volunteer_id))


def _own_accounts(s: Scope) -> Any:
    """Ids of the accounts whose entries the caller reads: the volunteers he sees; his units' pools and malls."""
    units = s.units(*UNIT_ROLES)
    volunteers = (_accounts.c.kind == LedgerAccountKind.VOLUNTEER.value) & s.volunteers(_accounts.c.volunteer_id)
    return select(_accounts.c.id).where(volunteers if units is None else or_(volunteers,
                                                                            _accounts.c.unit_id.in_(units)))


def _star_award(s: Scope, t: Any) -> ColumnElement[bool]:
    return s.volunteers(t.c.volunteer_id)


def _entry(s: Scope, t: Any) -> ColumnElement[bool]:
    return t.c.account_id.in_(_own_accounts(s))


def _transaction(s: Scope, t: Any) -> ColumnElement[bool]:
    return t.c.id.in_(select(_entries.c.transaction_id).where(_entries.c.account_id.in_(_own_accounts(s))))


def _redemption(s: Scope, t: Any) -> ColumnElement[bool]:
    """The volunteer's own; staff's of their units' items and pickup stations."""
    units = s.units(*UNIT_ROLES)
    clauses = [t.c.volunteer_id.in_(s.selves())]
    if units is not None:
        clauses.append(t.c.item_id.in_(select(_items.c.id).where(or_(_items.c.unit_id.in_(units),
                                                                      _items.c.pickup_unit_id.in_(units)))))
    return or_(*clauses)


@dataclass(frozen=True)
class AppendOnly(WriteRule):
    """New rows by the mutations that post them; never changed or deleted."""

    sentence: str = "new rows only, by the mutations that post them; never changed or deleted"

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        return is_new and obj not in check.session.deleted

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class MallItems(WriteRule):
    """Unit admins over the offering unit and the pickup station; a redemption or its cancellation
    changes the stock alone (whoever the root gate admits to them)."""

    sentence: str = ("unit admin over the offering unit and the pickup station; redemptions change the stock "
                     "only; never deleted")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if obj in check.session.deleted:
            return False
        if not is_new:
            changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
            if changed == {"stock"}:
                return True
        return all(check.in_subtree(UNIT_ADMIN, check.unit_path(u))
                   for column in ("unit_id", "pickup_unit_id") for u in values(obj, column, is_new))

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


@dataclass(frozen=True)
class Redemptions(WriteRule):
    """The volunteer redeems (his own, RESERVED) and cancels while reserved; staff of the item's
    unit or of the pickup station confirm the pickup or cancel. Never deleted, never in bulk."""

    sentence: str = ("the volunteer redeems (own rows) and cancels while reserved; unit admin or dispatcher over "
                     "the item's unit or pickup station picks up and cancels; never deleted")

    def allows(self, check: Check, obj: Any, is_new: bool) -> bool:
        if obj in check.session.deleted:
            return False
        own = obj.volunteer_id in check.caller.volunteer_ids
        if is_new:
            return own and obj.state == RedemptionState.RESERVED
        if own and old_value(obj, "state") == RedemptionState.RESERVED and obj.state == RedemptionState.CANCELLED:
            return True
        units = check.session.connection().execute(
            select(_items.c.unit_id, _items.c.pickup_unit_id).where(_items.c.id == obj.item_id)).one()
        return any(check.in_subtree(UNIT_ROLES, check.unit_path(u)) for u in units)

    def criterion(self, scope: Scope, table: Any) -> ColumnElement[bool] | None:
        return None


DOMAIN = Domain(
    name="recognition",
    roots={
        **fields("Query", ("myPoints", "myLedger", "mallRedemptions"), READERS),
        "Query.mallItems": SIGNED_IN,
        "Query.pointsSummary": ANALYSTS | DISPATCH,
        "Query.serviceHours": HOURS_READERS,
        "Query.starAwards": READERS,
        "Mutation.starsPropose": STAFF,
        "Mutation.starApply": VOLUNTEER_SIDE,
        **fields("Mutation", ("starApprove", "starDecline"), STAFF),
        **fields("Mutation", ("mallItemCreate", "mallItemUpdate", "mallItemWithdraw", "ledgerTransactionReverse",
                              "pointsAdjust"), STAFF),
        "Mutation.mallRedeem": VOLUNTEER_SIDE,
        "Mutation.redemptionPickup": DISPATCH,
        "Mutation.redemptionCancel": READERS,
    },
    catalogue=frozenset({"Query.mallItems"}),
    scopes={
        "Query.myPoints": {Role.VOLUNTEER: "own points"},
        "Query.myLedger": {Role.VOLUNTEER: "own points"},
        "Query.pointsSummary": {Role.ANALYST: "all, totals only"},
        "Query.serviceHours": {Role.ANALYST: "all, per team and unit only"},
        "Mutation.starApprove": {Role.UNIT_ADMIN: "unit subtree, at the configured level"},
        "Mutation.starDecline": {Role.UNIT_ADMIN: "unit subtree, at the configured level"},
        "Mutation.mallRedeem": {Role.VOLUNTEER: "own points"},
        "Mutation.redemptionPickup": {r: "pickup station subtree" for r in (Role.UNIT_ADMIN, Role.DISPATCHER)},
    },
    reads={
        # historic hours (resolvers/imports/hours.py): a row whoever sees its volunteer; a batch its
        # importer and whoever sees one of its rows. Written by the import and its decision only.
        models.HoursBackfillRow: lambda s, t: s.volunteers(t.c.volunteer_id),
        models.HoursBackfill: lambda s, t: t.c.id.in_(
            select(_backfill_rows.c.batch_id).where(s.volunteers(_backfill_rows.c.volunteer_id))),
        models.LedgerAccount: _account,
        models.LedgerEntry: _entry,
        models.LedgerTransaction: _transaction,
        models.Redemption: _redemption,
        models.StarAward: _star_award,
    },
    writes={
        models.LedgerAccount: AppendOnly(),
        models.LedgerTransaction: AppendOnly(),
        models.LedgerEntry: AppendOnly(),
        models.MallItem: MallItems(),
        models.Redemption: Redemptions(),
        models.StarAward: Proposed("volunteer", staff_files=True),
        # written only by the hours import and its decision, which check the unit admin over each
        # row's volunteer themselves (resolvers/imports/hours.py, resolvers/recognition/backfill.py)
        models.HoursBackfill: AdminOnly(BACKFILL),
        models.HoursBackfillRow: AdminOnly(BACKFILL),
    },
)
