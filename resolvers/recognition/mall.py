"""The exchange mall (积分兑换商城): staff of a unit offer items; volunteers redeem points for them.

`redeem` reserves stock and debits points in one transaction: the item's row is locked first, then
the volunteer's ledger account (always in this order, so two redemptions never deadlock), and only
then are stock, the per-person limit and the balance read. Twenty volunteers racing for the last
item therefore get one success and nineteen OUT_OF_STOCK; one volunteer racing himself never
spends a point twice. `pick_up` is confirmed by staff of the pickup station; `cancel` (the
volunteer while it is reserved, or staff) refunds with the redemption's reversing transaction and
puts the stock back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.models import LedgerAccountKind as K
from db.models import LedgerTransactionKind as T
from db.models import RedemptionState as R
from db.models.base import utcnow
from resolvers.core import globalid
from resolvers.core.errors import ErrorCode, abort
from resolvers.recognition import ledger

ITEM = ("input", "item")
REDEMPTION = ("input", "redemption")
#: The most of one item a single redemption takes.
MAX_QUANTITY = 100
#: Bounds of an item's price and stock.
MAX_PRICE = ledger.MAX_POINTS
MAX_STOCK = 1_000_000


def held(session: Session, item_id: int, volunteer_id: int) -> int:
    """How many of the item the volunteer holds (reserved or picked up, not cancelled)."""
    total = session.scalar(select(func.coalesce(func.sum(models.Redemption.quantity), 0)).where(
        models.Redemption.item_id == item_id, models.Redemption.volunteer_id == volunteer_id,
        models.Redemption.state != R.CANCELLED))
    return int(total or 0)


def unavailable(item: models.MallItem) -> str | None:
    """Why the item cannot be redeemed now (None: it can)."""
    now = utcnow()
    if item.withdrawn_at is not None:
        return "the item was withdrawn from the mall"
    if item.valid_from is not None and now < item.valid_from:
        return f"the item is offered from {item.valid_from:%Y-%m-%d %H:%M} UTC"
    if item.valid_until is not None and now >= item.valid_until:
        return f"the item was offered until {item.valid_until:%Y-%m-%d %H:%M} UTC"
    return None


def redeem(session: Session, item_id: int, volunteer_id: int, quantity: int, *, actor_account_id: int | None,
           path: Sequence[str] = ITEM) -> models.Redemption:
    """Reserve `quantity` of the item for the volunteer and debit its price, all or nothing."""
    item = session.get(models.MallItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise abort(path, "no MallItem has this ID", ErrorCode.NOT_FOUND)
    why = unavailable(item)
    if why is not None:
        raise abort(path, f"{why}; choose another item", ErrorCode.NOT_AVAILABLE)
    if item.stock < quantity:
        raise abort(path, f"only {item.stock} left in stock", ErrorCode.OUT_OF_STOCK)
    account = ledger.debit_account(session, ledger.volunteer_account(session, volunteer_id))
    if item.per_person_limit is not None:
        already = held(session, item.id, volunteer_id)
        if already + quantity > item.per_person_limit:
            raise abort(("input", "quantity"), f"one person may redeem {item.per_person_limit} of this item; "
                                               f"you hold {already}", ErrorCode.OVER_LIMIT)
    points = item.price * quantity
    have = ledger.balance(session, account)
    if have < points:
        raise abort(("input", "volunteer"), f"this costs {points} points; the balance is {have}",
                    ErrorCode.INSUFFICIENT_POINTS)
    item.stock -= quantity
    redemption = models.Redemption(item_id=item.id, volunteer_id=volunteer_id, quantity=quantity, points=points,
                                   state=R.RESERVED, created_at=utcnow(), created_by_account_id=actor_account_id)
    session.add(redemption)
    session.flush()
    mall = ledger.account(session, K.MALL, unit_id=item.unit_id)
    ledger.post(session, T.REDEEM, f"redeem:{redemption.id}", [(account, -points), (mall, points)],
                actor_account_id=actor_account_id, note=item.name, redemption_id=redemption.id)
    return redemption


def _reserved(session: Session, redemption_id: int, path: Sequence[str]) -> models.Redemption:
    row = session.get(models.Redemption, redemption_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise abort(path, "no MallRedemption has this ID", ErrorCode.NOT_FOUND)
    if row.state != R.RESERVED:
        raise abort(path, f"the redemption is {row.state}; only a RESERVED one can change", ErrorCode.REDEMPTION_STATE)
    return row


def pick_up(session: Session, redemption_id: int, *, actor_account_id: int | None,
            path: Sequence[str] = REDEMPTION) -> models.Redemption:
    row = _reserved(session, redemption_id, path)
    row.state, row.picked_up_at, row.picked_up_by_account_id = R.PICKED_UP, utcnow(), actor_account_id
    session.flush()
    return row


def cancel(session: Session, redemption_id: int, *, actor_account_id: int | None, reason: str = "",
           path: Sequence[str] = REDEMPTION) -> models.Redemption:
    """Refund a reserved redemption (its reversing transaction) and put its stock back."""
    row = _reserved(session, redemption_id, path)
    item = session.get(models.MallItem, row.item_id, with_for_update=True, populate_existing=True)
    assert item is not None
    ledger.reverse(session, ledger.redemption_debit(session, row.id), T.REFUND, actor_account_id=actor_account_id,
                   note=reason or "redemption cancelled", path=path)
    item.stock += row.quantity
    row.state, row.cancelled_at, row.cancelled_by_account_id = R.CANCELLED, utcnow(), actor_account_id
    row.cancel_reason = reason
    session.flush()
    return row


def load_item(session: Session, global_id: str, path: Sequence[str] = ITEM) -> Any:
    return globalid.load(session, global_id, "MallItem", path)
