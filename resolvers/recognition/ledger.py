"""The points ledger (积分), double-entry (db/models/recognition.py): the only writer of its rows.

- `post` writes one transaction of two or more entries that sum to zero, once per idempotency key:
  a second post with the same key writes nothing and returns None.
- `balance` is derived: the sum of an account's entries. A debit first locks the account's row
  (`debit_account`: SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serialised anyway),
  then reads the balance, so two debits of one volunteer never both spend the same points.
- Earning (`earn_for_service`) follows the approved hours of a service record: the points due by
  the earning rules (Settings.points) minus what the record has earned already, so approving the
  same hours twice (a check-out, then a time claim of the same times) earns nothing twice. Both
  callers hold the task's row lock, so two approvals of one record never read the same "earned".
- `reverse` corrects a mistaken transaction with its mirror image (at most once); `expire` moves
  the points not spent within their validity to the expiry account, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import models
from db.models import LedgerAccountKind as K
from db.models import LedgerTransactionKind as T
from db.models.base import utcnow
from resolvers.core.errors import ErrorCode, abort
from resolvers.core.settings import PointsSettings

#: Accounts that only ever hold points handed to them; a unit pool issues them (negative balance).
NEVER_NEGATIVE = (K.VOLUNTEER, K.MALL, K.EXPIRY)
#: The largest number of points one transaction may move.
MAX_POINTS = 1_000_000
#: Kinds a staff reversal may correct; a redemption is undone by cancelling it (a REFUND).
REVERSIBLE = (T.EARN, T.ADJUST)

#: (ledger account id, signed amount): one leg of a transaction
Legs = Sequence[tuple[int, int]]

_accounts = models.LedgerAccount.__table__
_entries = models.LedgerEntry.__table__
_transactions = models.LedgerTransaction.__table__


def _read(session: Session, statement: Any) -> Any:
    """The ledger's own bookkeeping reads through the connection: exact whoever the caller is (a
    volunteer checking out credits the unit's pool he may not read); what callers see through the
    API is restricted by the access policy (resolvers/access/recognition.py)."""
    session.flush()
    return session.connection().execute(statement)


def _key(kind: K, volunteer_id: int | None, unit_id: int | None) -> str:
    owner = volunteer_id if kind == K.VOLUNTEER else unit_id
    return kind.value if owner is None else f"{kind.value}:{owner}"


def account(session: Session, kind: K, *, volunteer_id: int | None = None, unit_id: int | None = None) -> int:
    """The id of an owner's account, opened on first use (a concurrent opening of the same one is fine)."""
    key = _key(kind, volunteer_id, unit_id)
    found = _read(session, select(_accounts.c.id).where(_accounts.c.key == key)).scalar()
    if found is not None:
        return int(found)
    try:
        with session.begin_nested():
            row = models.LedgerAccount(key=key, kind=kind, volunteer_id=volunteer_id, unit_id=unit_id)
            session.add(row)
        return row.id
    except IntegrityError:  # opened by a concurrent transaction meanwhile
        return int(_read(session, select(_accounts.c.id).where(_accounts.c.key == key)).scalar_one())


def volunteer_account(session: Session, volunteer_id: int) -> int:
    return account(session, K.VOLUNTEER, volunteer_id=volunteer_id)


def debit_account(session: Session, account_id: int) -> int:
    """Lock the account's row for a debit: concurrent debits of the same account wait for each other."""
    _read(session, select(_accounts.c.id).where(_accounts.c.id == account_id).with_for_update()).scalar_one()
    return account_id


def balance(session: Session, account_id: int) -> int:
    """The account's balance: the sum of its entries."""
    return int(_read(session, select(func.coalesce(func.sum(_entries.c.amount), 0))
                     .where(_entries.c.account_id == account_id)).scalar() or 0)


def volunteer_balance(session: Session, volunteer_id: int) -> int:
    found = _read(session, select(_accounts.c.id).where(_accounts.c.key == _key(K.VOLUNTEER, volunteer_id, None))
                  ).scalar()
    return 0 if found is None else balance(session, found)


def post(session: Session, kind: T, key: str, legs: Legs, *, actor_account_id: int | None, note: str = "",
         **links: Any) -> models.LedgerTransaction | None:
    """Write one transaction (None: `key` was posted before, nothing is written). The legs must
    sum to zero, none zero; the links name what caused it (service_record_id, redemption_id, ...)."""
    if len(legs) < 2 or any(amount == 0 for _, amount in legs) or sum(amount for _, amount in legs) != 0:
        raise ValueError(f"a ledger transaction needs two or more non-zero legs summing to zero, not {legs}")
    if _read(session, select(_transactions.c.id).where(_transactions.c.idempotency_key == key)).scalar():
        return None
    transaction = models.LedgerTransaction(kind=kind, idempotency_key=key, at=utcnow(),
                                           actor_account_id=actor_account_id, note=note, **links)
    session.add(transaction)
    session.flush()
    session.add_all(models.LedgerEntry(transaction_id=transaction.id, account_id=account_id, amount=amount)
                    for account_id, amount in legs)
    session.flush()
    return transaction


def _earned_for_record(session: Session, volunteer_account_id: int, record_id: int) -> int:
    return int(_read(session, select(func.coalesce(func.sum(_entries.c.amount), 0))
                     .join(_transactions, _transactions.c.id == _entries.c.transaction_id)
                     .where(_entries.c.account_id == volunteer_account_id,
                            _transactions.c.service_record_id == record_id,
                            _transactions.c.rating_id.is_(None))).scalar() or 0)


def earn_for_service(session: Session, rules: PointsSettings, record: models.ServiceRecord, key: str, *,
                     actor_account_id: int | None, time_claim_id: int | None = None
                     ) -> models.LedgerTransaction | None:
    """Points for the approved hours of `record` (check-out or an approved time claim, `key` naming
    which): what the rules give for its credit minutes, minus what it has earned already. Fewer
    hours than before take back the difference, never more than the volunteer still holds."""
    order = session.get(models.Order, record.order_id)
    assert order is not None
    item = session.get(models.ServiceItem, order.item_id)
    due = rules.for_service(record.credit_minutes or 0, item.code if item is not None else "")
    volunteer = volunteer_account(session, record.volunteer_id)
    delta = due - _earned_for_record(session, volunteer, record.id)
    kind = T.EARN
    if delta < 0:
        delta = -min(-delta, balance(session, debit_account(session, volunteer)))
        kind = T.ADJUST
    if delta == 0:
        return None
    pool = account(session, K.UNIT_POOL, unit_id=order.unit_id)
    return post(session, kind, key, [(volunteer, delta), (pool, -delta)], actor_account_id=actor_account_id,
                note=f"{record.credit_minutes or 0} minutes of service", service_record_id=record.id,
                time_claim_id=time_claim_id)


def earn_rating_bonus(session: Session, rules: PointsSettings, rating: models.Rating, *,
                      actor_account_id: int | None) -> list[models.LedgerTransaction]:
    """The bonus of a good rating (评单) for each volunteer who served the order, once per rating."""
    if rules.rating_bonus <= 0 or rating.score < rules.bonus_min_rating:
        return []
    order = session.get(models.Order, rating.order_id)
    assert order is not None
    records = session.scalars(select(models.ServiceRecord).where(  # the rater reads the order's tasks
        models.ServiceRecord.order_id == rating.order_id, models.ServiceRecord.credit_minutes > 0)
        .order_by(models.ServiceRecord.id))
    pool = account(session, K.UNIT_POOL, unit_id=order.unit_id)
    posted = [post(session, T.EARN, f"rating:{rating.id}:{r.id}",
                   [(volunteer_account(session, r.volunteer_id), rules.rating_bonus), (pool, -rules.rating_bonus)],
                   actor_account_id=actor_account_id, note=f"rated {rating.score}/5", service_record_id=r.id,
                   rating_id=rating.id) for r in records]
    return [t for t in posted if t is not None]


def redemption_debit(session: Session, redemption_id: int) -> int:
    """The id of the REDEEM transaction of a redemption."""
    return int(_read(session, select(_transactions.c.id).where(_transactions.c.redemption_id == redemption_id,
                                                                _transactions.c.kind == T.REDEEM.value)).scalar_one())


def pool_units(session: Session, transaction_id: int) -> list[int]:
    """The units whose pools a transaction moves points from or to."""
    return [int(u) for u in _read(session, select(_accounts.c.unit_id).join(
        _entries, _entries.c.account_id == _accounts.c.id).where(
        _entries.c.transaction_id == transaction_id, _accounts.c.kind == K.UNIT_POOL.value)).scalars()]


def _legs_of(session: Session, transaction_id: int) -> list[tuple[int, K, int]]:
    """(account id, account kind, amount) of each entry of a transaction."""
    rows = _read(session, select(_entries.c.account_id, _accounts.c.kind, _entries.c.amount)
                 .join(_accounts, _accounts.c.id == _entries.c.account_id)
                 .where(_entries.c.transaction_id == transaction_id).order_by(_entries.c.id))
    return [(int(a), K(k), int(m)) for a, k, m in rows]


def _refuse_stale_hours(session: Session, original_id: int, path: Sequence[str]) -> None:
    """The points of a record's hours follow its latest approval: only the record's latest standing
    hours transaction may be reversed (reversing an older one would pay the same hours twice)."""
    t = _transactions
    hours = (t.c.rating_id.is_(None), t.c.kind.in_([T.EARN.value, T.ADJUST.value]))
    record = _read(session, select(t.c.service_record_id).where(t.c.id == original_id, *hours)).scalar()
    if record is None:
        return
    reversed_ids = select(t.c.reverses_id).where(t.c.reverses_id.is_not(None))
    later = _read(session, select(t.c.id).where(t.c.service_record_id == record, t.c.id > original_id,
                                                t.c.id.not_in(reversed_ids), *hours).limit(1)).scalar()
    if later is not None:
        raise abort(path, "the hours of this service record were approved again since; reverse the latest of its "
                          "transactions first", ErrorCode.NOT_REVERSIBLE)


def reverse(session: Session, original_id: int, kind: T, *, actor_account_id: int | None,
            note: str, path: Sequence[str] = ("input", "transaction")) -> models.LedgerTransaction:
    """The mirror image of `original` (each entry negated), posted once; refused (INSUFFICIENT_POINTS)
    when an account that must not go negative no longer holds what it would give back."""
    if _read(session, select(_transactions.c.id).where(_transactions.c.reverses_id == original_id)).scalar():
        raise abort(path, "this transaction was reversed before; a transaction is reversed once",
                    ErrorCode.ALREADY_REVERSED)
    _refuse_stale_hours(session, original_id, path)
    legs = []
    for account_id, kind_of_account, amount in _legs_of(session, original_id):
        if amount > 0 and kind_of_account in NEVER_NEGATIVE and balance(session, debit_account(session, account_id)
                                                                        ) < amount:
            raise abort(path, f"the account holds fewer than the {amount} points this would take back (they "
                              "were spent)", ErrorCode.INSUFFICIENT_POINTS)
        legs.append((account_id, -amount))
    names = ("service_record_id", "time_claim_id", "rating_id", "redemption_id")
    row = _read(session, select(*(_transactions.c[n] for n in names)).where(_transactions.c.id == original_id)).one()
    posted = post(session, kind, f"reverse:{original_id}", legs, actor_account_id=actor_account_id, note=note,
                  reverses_id=original_id, **dict(zip(names, row)))
    assert posted is not None  # the key names the original, reversed at most once (checked above)
    return posted


def expire(session: Session, valid_days: int, *, actor_account_id: int | None, now: dt.datetime | None = None
           ) -> list[models.LedgerTransaction]:
    """Move every volunteer's points older than `valid_days` and still unspent to the expiry
    account. Spending uses the oldest points first, so what may expire is the balance less what
    arrived within the validity (never below zero). Safe to repeat: the key names the day."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=valid_days)
    sink = account(session, K.EXPIRY)
    posted = []
    volunteers = _read(session, select(_accounts.c.id).where(_accounts.c.kind == K.VOLUNTEER.value)
                       .order_by(_accounts.c.id)).scalars().all()
    for acct in volunteers:
        debit_account(session, acct)
        recent = _read(session, select(func.coalesce(func.sum(_entries.c.amount), 0))
                       .join(_transactions, _transactions.c.id == _entries.c.transaction_id)
                       .where(_entries.c.account_id == acct, _entries.c.amount > 0, _transactions.c.at >= cutoff)
                       ).scalar()
        expiring = balance(session, acct) - int(recent or 0)
        if expiring > 0:
            done = post(session, T.EXPIRE, f"expire:{acct}:{now:%Y-%m-%dT%H:%M:%S.%f}",
                        [(acct, -expiring), (sink, expiring)], actor_account_id=actor_account_id,
                        note=f"unspent {valid_days} days after earning")
            if done is not None:
                posted.append(done)
    return posted
