"""The mall and the ledger through the API: staff manage their units' items, volunteers redeem
their own points, staff of the pickup station confirm pickups, and staff reverse a mistaken
transaction. Every mutation runs through the one runner (all or nothing); the actor is the
signed-in account and every time is the server's. Those that move points or stock take the write
lock first on SQLite (BEGIN IMMEDIATE: one writer at a time, so a balance or stock read is still
true when it is written); on PostgreSQL the rows are locked (resolvers/recognition/mall.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from db import models
from db.localtime import LOCAL_TZ
from db.models import LedgerAccountKind as K
from db.models import LedgerTransactionKind as T
from db.models.base import utcnow
from db.session import lock_for_write
from resolvers.access.rules import Check
from resolvers.core import globalid
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.recognition import ledger, mall

if TYPE_CHECKING:
    from resolvers.core.context import Info

#: The most points one adjustment adds or deducts.
MAX_ADJUST = 10_000


def _caller(info: Info) -> Any:
    caller = info.context.auth.caller
    if caller is None:
        raise RuntimeError("a mall mutation without an authenticated caller (the root gate admits none)")
    return caller


def _moment(value: dt.datetime | None) -> dt.datetime | None:
    """A time of the input as UTC; one without zone is local wall clock."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)).astimezone(dt.UTC)


def _check_terms(checks: Checks, price: int | None, stock: int | None, limit: int | None,
                 valid_from: dt.datetime | None, valid_until: dt.datetime | None) -> None:
    if price is not None and not 1 <= price <= mall.MAX_PRICE:
        checks.add(("input", "price"), f"price must be a whole number of points within 1..{mall.MAX_PRICE}",
                   ErrorCode.OUT_OF_RANGE)
    if stock is not None and not 0 <= stock <= mall.MAX_STOCK:
        checks.add(("input", "stock"), f"stock must be within 0..{mall.MAX_STOCK}", ErrorCode.OUT_OF_RANGE)
    if limit is not None and not 1 <= limit <= mall.MAX_QUANTITY:
        checks.add(("input", "perPersonLimit"), f"perPersonLimit must be within 1..{mall.MAX_QUANTITY} (leave it "
                   "out for no limit)", ErrorCode.OUT_OF_RANGE)
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        checks.add(("input", "validUntil"), "validUntil must be after validFrom", ErrorCode.OUT_OF_RANGE)


def mall_item_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.MallItem:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        station = checks.ref(data.pickup_station, "Unit", ("input", "pickupStation"))
        name = checks.name(data.name, ("input", "name"))
        description = checks.text(data.description, ("input", "description"))
        valid_from, valid_until = _moment(data.valid_from), _moment(data.valid_until)
        _check_terms(checks, data.price, data.stock, data.per_person_limit, valid_from, valid_until)
        checks.raise_if_any()
        if not station.path.startswith(unit.path):
            raise abort(("input", "pickupStation"), "the pickup station must be the offering unit or lie under it",
                        ErrorCode.OUT_OF_RANGE)
        item = models.MallItem(unit_id=unit.id, pickup_unit_id=station.id, name=name, description=description,
                               price=data.price, stock=data.stock, per_person_limit=data.per_person_limit,
                               valid_from=valid_from, valid_until=valid_until, created_at=utcnow())
        session.add(item)
        session.flush()
        return item

    return run_mutation(info, work, info.context.present.mall_item)


def _over(info: Info, session: Session, unit_id: int, *roles: models.Role) -> bool:
    """The caller is the platform admin or holds one of `roles` over the unit."""
    check = Check(session, _caller(info))
    return check.caller.is_admin or check.in_subtree(roles, check.unit_path(unit_id))


def _staff_item(info: Info, session: Session, global_id: str) -> models.MallItem:
    """The item, locked, after checking the caller administers its unit (reads are the catalogue's)."""
    item: models.MallItem = globalid.load(session, global_id, "MallItem", mall.ITEM, lock=True)
    if not _over(info, session, item.unit_id, models.Role.UNIT_ADMIN):
        raise abort(mall.ITEM, "only a unit admin over the offering unit manages its items", ErrorCode.FORBIDDEN)
    return item


def mall_item_update(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.MallItem:
        checks = Checks(session)
        name = checks.name(data.name, ("input", "name")) if data.name is not None else None
        description = checks.text(data.description, ("input", "description")) if data.description is not None \
            else None
        item = _staff_item(info, session, data.item)
        valid_from = _moment(data.valid_from) if data.valid_from is not None else item.valid_from
        valid_until = _moment(data.valid_until) if data.valid_until is not None else item.valid_until
        _check_terms(checks, data.price, data.stock, data.per_person_limit, valid_from, valid_until)
        checks.raise_if_any()
        for attr, value in (("name", name), ("description", description), ("price", data.price),
                            ("stock", data.stock), ("per_person_limit", data.per_person_limit)):
            if value is not None:
                setattr(item, attr, value)
        item.valid_from, item.valid_until = valid_from, valid_until
        session.flush()
        return item

    return run_mutation(info, work, info.context.present.mall_item)


def mall_item_withdraw(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.MallItem:
        item = _staff_item(info, session, data.item)
        if item.withdrawn_at is None:
            item.withdrawn_at = utcnow()
        session.flush()
        return item

    return run_mutation(info, work, info.context.present.mall_item)


def mall_redeem(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Redemption:
        lock_for_write(session)
        caller = _caller(info)
        named = globalid.decode_pk(data.volunteer, "Volunteer")
        if named is not None and not (caller.is_admin or named in caller.volunteer_ids):
            raise abort(("input", "volunteer"), "a volunteer redeems his own points only: pass your own volunteer ID",
                        ErrorCode.NOT_YOUR_POINTS)
        checks = Checks(session)
        quantity = 1 if data.quantity is None else data.quantity
        checks.in_range(quantity, 1, mall.MAX_QUANTITY, ("input", "quantity"))
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        item_pk = globalid.decode_pk(data.item, "MallItem")
        if item_pk is None:
            checks.add(mall.ITEM, "item: not the ID of a MallItem; pass an `id` returned by this API",
                       ErrorCode.MALFORMED_ID)
        checks.raise_if_any()
        assert item_pk is not None
        return mall.redeem(session, item_pk, volunteer.id, quantity, actor_account_id=caller.account_id)

    return run_mutation(info, work, info.context.present.redemption)


def _redemption_pk(global_id: str) -> int:
    pk = globalid.decode_pk(global_id, "MallRedemption")
    if pk is None:
        raise abort(mall.REDEMPTION, "redemption: not the ID of a MallRedemption; pass an `id` returned by this API",
                    ErrorCode.MALFORMED_ID)
    return pk


def redemption_pickup(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Redemption:
        lock_for_write(session)
        pk = _redemption_pk(data.redemption)
        row = session.get(models.Redemption, pk)  # read in scope: not found outside it
        if row is None:
            raise abort(mall.REDEMPTION, "no MallRedemption has this ID", ErrorCode.NOT_FOUND)
        item = session.get(models.MallItem, row.item_id)
        assert item is not None
        if not _over(info, session, item.pickup_unit_id, models.Role.UNIT_ADMIN, models.Role.DISPATCHER):
            raise abort(mall.REDEMPTION, "staff of the pickup station confirm the pickup", ErrorCode.FORBIDDEN)
        return mall.pick_up(session, pk, actor_account_id=actor_account_id(info))

    return run_mutation(info, work, info.context.present.redemption)


def redemption_cancel(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Redemption:
        lock_for_write(session)
        checks = Checks(session)
        reason = checks.text(data.reason, ("input", "reason"))
        checks.raise_if_any()
        pk = _redemption_pk(data.redemption)
        if session.get(models.Redemption, pk) is None:  # read in scope: not found outside it
            raise abort(mall.REDEMPTION, "no MallRedemption has this ID", ErrorCode.NOT_FOUND)
        return mall.cancel(session, pk, actor_account_id=actor_account_id(info), reason=reason)

    return run_mutation(info, work, info.context.present.redemption)


def ledger_transaction_reverse(info: Info, data: Any) -> Outcome[Any]:
    """Staff correct a mistaken EARN or ADJUST with its reversing transaction (once)."""
    def work(session: Session) -> models.LedgerTransaction:
        lock_for_write(session)
        checks = Checks(session)
        reason = checks.name(data.reason, ("input", "reason"), max_length=2000)
        checks.raise_if_any()
        path = ("input", "transaction")
        original = globalid.load(session, data.transaction, "LedgerTransaction", path)  # read in scope
        if original.kind not in ledger.REVERSIBLE:
            raise abort(path, f"a {original.kind} transaction is not reversed here: cancel the redemption instead"
                        if original.kind == T.REDEEM else f"a {original.kind} transaction cannot be reversed",
                        ErrorCode.NOT_REVERSIBLE)
        if not all(_over(info, session, unit, models.Role.UNIT_ADMIN) for unit in ledger.pool_units(session,
                                                                                                   original.id)):
            raise abort(path, "a unit admin over the unit that issued the points reverses them", ErrorCode.FORBIDDEN)
        return ledger.reverse(session, original.id, T.REVERSAL, actor_account_id=actor_account_id(info),
                              note=reason, path=path)

    return run_mutation(info, work, info.context.present.ledger_transaction)


def points_adjust(info: Info, data: Any) -> Outcome[Any]:
    """A unit admin over the volunteer's unit adds or deducts points (from or to the unit's pool), with
    a reason; a deduction never takes more than the volunteer holds."""
    def work(session: Session) -> models.LedgerTransaction:
        lock_for_write(session)
        checks = Checks(session)
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        reason = checks.name(data.reason, ("input", "reason"), max_length=2000)
        if data.points == 0 or abs(data.points) > MAX_ADJUST:
            checks.add(("input", "points"), f"points must be within -{MAX_ADJUST}..{MAX_ADJUST}, not zero",
                       ErrorCode.OUT_OF_RANGE)
        checks.raise_if_any()
        if not _over(info, session, volunteer.unit_id, models.Role.UNIT_ADMIN):
            raise abort(("input", "volunteer"), "a unit admin over the volunteer's unit adjusts his points",
                        ErrorCode.FORBIDDEN)
        account = ledger.volunteer_account(session, volunteer.id)
        if data.points < 0:
            have = ledger.balance(session, ledger.debit_account(session, account))
            if have + data.points < 0:
                raise abort(("input", "points"), f"the volunteer holds {have} points; deduct at most that",
                            ErrorCode.INSUFFICIENT_POINTS)
        pool = ledger.account(session, K.UNIT_POOL, unit_id=volunteer.unit_id)
        posted = ledger.post(session, T.ADJUST, f"adjust:{uuid.uuid4().hex}", [(account, data.points),
                                                                                (pool, -data.points)],
                             actor_account_id=actor_account_id(info), note=reason)
        assert posted is not None
        return posted

    return run_mutation(info, work, info.context.present.ledger_transaction)
