"""Reading points and the mall: a volunteer's balance and entries (himself; staff: the volunteers
they see), the mall's items (the catalogue), redemptions in scope, and totals for analysts.

Every read goes through the request's restricted session: a volunteer outside the caller's scope
is not found, and the totals count only what the caller may read (analysts read everything)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from db import models
from db.models import LedgerAccountKind as K
from db.models import LedgerTransactionKind as T
from db.models import RedemptionState
from db.models.base import utcnow
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode
from resolvers.core.pagination import paginate

if TYPE_CHECKING:
    from resolvers.core.context import Info


@dataclass(frozen=True)
class Points:
    """A volunteer's balance and what made it: earned (net of reversals), spent (net of refunds), expired."""

    volunteer_pk: int
    balance: int
    earned: int
    spent: int
    expired: int


@dataclass(frozen=True)
class PointsTotals:
    """Totals over the ledger, no person named: what was issued, redeemed, expired, and is held."""

    earned: int
    redeemed: int
    expired: int
    outstanding: int
    volunteers_with_points: int
    redemptions: int


def volunteer_named(info: Info, volunteer: str | None) -> int | None:
    """The volunteer named (None when the caller may not see him), or the caller's own."""
    if volunteer is None:
        caller = info.context.auth.caller
        if caller is None or caller.own_volunteer is None:
            raise ClientError("volunteer: name the volunteer (your account is not exactly one volunteer)",
                              ErrorCode.REQUIRED, ("volunteer",))
        return caller.own_volunteer
    pk = globalid.decode_as(volunteer, "Volunteer", ("volunteer",))
    found = info.context.session.get(models.Volunteer, pk)
    return None if found is None else pk


def _account_of(info: Info, volunteer_pk: int) -> Any:
    return info.context.session.scalar(select(models.LedgerAccount).where(
        models.LedgerAccount.key == f"{K.VOLUNTEER.value}:{volunteer_pk}"))


def my_points(info: Info, volunteer: str | None) -> Points | None:
    pk = volunteer_named(info, volunteer)
    if pk is None:
        return None
    account = _account_of(info, pk)
    if account is None:
        return Points(pk, 0, 0, 0, 0)
    by_kind = dict(info.context.session.execute(
        select(models.LedgerTransaction.kind, func.sum(models.LedgerEntry.amount))
        .join(models.LedgerTransaction, models.LedgerTransaction.id == models.LedgerEntry.transaction_id)
        .where(models.LedgerEntry.account_id == account.id).group_by(models.LedgerTransaction.kind)).all())
    earned = sum(int(by_kind.get(k, 0)) for k in (T.EARN, T.ADJUST, T.REVERSAL))
    spent = -sum(int(by_kind.get(k, 0)) for k in (T.REDEEM, T.REFUND))
    expired = -int(by_kind.get(T.EXPIRE, 0))
    return Points(pk, earned - spent - expired, earned, spent, expired)


def my_ledger(info: Info, volunteer: str | None, first: int | None, after: str | None) -> Any:
    """The volunteer's entries, oldest first, each with its transaction."""
    pk = volunteer_named(info, volunteer)
    account = _account_of(info, pk) if pk is not None else None
    stmt = (select(models.LedgerEntry).join(models.LedgerEntry.transaction)
            .options(contains_eager(models.LedgerEntry.transaction))
            .where(models.LedgerEntry.account_id == (account.id if account else -1)))
    return paginate(info.context, stmt, models.LedgerEntry.id, info.context.present.ledger_entry, first, after)


def mall_items(info: Info, unit: str | None, available: bool | None, first: int | None, after: str | None) -> Any:
    """The mall's items (of `unit`'s subtree), oldest first; `available`: redeemable now."""
    stmt = select(models.MallItem)
    if unit is not None:
        unit_pk = globalid.decode_as(unit, "Unit", ("unit",))
        root = info.context.session.get(models.Unit, unit_pk)
        prefix = f"{root.path}%" if root is not None else ""
        stmt = stmt.where(models.MallItem.unit_id.in_(select(models.Unit.id).where(models.Unit.path.like(prefix))))
    if available:
        now = utcnow()
        stmt = stmt.where(models.MallItem.withdrawn_at.is_(None), models.MallItem.stock > 0,
                          (models.MallItem.valid_from.is_(None)) | (models.MallItem.valid_from <= now),
                          (models.MallItem.valid_until.is_(None)) | (models.MallItem.valid_until > now))
    return paginate(info.context, stmt, models.MallItem.id, info.context.present.mall_item, first, after)


def mall_redemptions(info: Info, state: RedemptionState | None, first: int | None, after: str | None) -> Any:
    """Redemptions the caller may read: his own; staff's of their items and pickup stations."""
    stmt = select(models.Redemption)
    if state is not None:
        stmt = stmt.where(models.Redemption.state == state)
    return paginate(info.context, stmt, models.Redemption.id, info.context.present.redemption, first, after)


def points_summary(info: Info) -> PointsTotals:
    """Totals over the volunteers' accounts the caller reads (analysts: all), no one named."""
    session = info.context.session
    volunteer_entries = (select(models.LedgerTransaction.kind.label("kind"), models.LedgerEntry.amount.label("amount"),
                                models.LedgerEntry.account_id.label("account_id"))
                         .join(models.LedgerTransaction,
                               models.LedgerTransaction.id == models.LedgerEntry.transaction_id)
                         .join(models.LedgerAccount, models.LedgerAccount.id == models.LedgerEntry.account_id)
                         .where(models.LedgerAccount.kind == K.VOLUNTEER).subquery())
    by_kind = dict(session.execute(select(volunteer_entries.c.kind, func.sum(volunteer_entries.c.amount))
                                   .group_by(volunteer_entries.c.kind)).all())
    balances = select(volunteer_entries.c.account_id, func.sum(volunteer_entries.c.amount).label("balance")
                      ).group_by(volunteer_entries.c.account_id).subquery()
    outstanding, holders = session.execute(select(func.coalesce(func.sum(balances.c.balance), 0),
                                                  func.coalesce(func.sum(case((balances.c.balance > 0, 1), else_=0)),
                                                                0))).one()
    redemptions = session.scalar(select(func.count()).select_from(models.Redemption).where(
        models.Redemption.state != RedemptionState.CANCELLED))
    return PointsTotals(
        earned=sum(int(by_kind.get(k, 0)) for k in (T.EARN, T.ADJUST, T.REVERSAL)),
        redeemed=-sum(int(by_kind.get(k, 0)) for k in (T.REDEEM, T.REFUND)),
        expired=-int(by_kind.get(T.EXPIRE, 0)), outstanding=int(outstanding), volunteers_with_points=int(holders),
        redemptions=int(redemptions or 0))
