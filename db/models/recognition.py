"""Recognition (嘉许礼遇): the points ledger (积分) and the exchange mall (积分兑换商城).

The ledger is double-entry. Points live in accounts (`LedgerAccount`: a volunteer's, a unit's pool
that issues them, a unit's mall that takes them in, the one expiry account); every movement is a
`LedgerTransaction` of two or more `LedgerEntry` rows whose signed amounts sum to zero. Balances
are derived (the sum of an account's entries), never stored; entries are never changed or deleted,
and a mistake is corrected by a reversing transaction (`reverses_id`, at most one per original).
Each transaction links to what caused it (a service record, a time claim, a rating, a redemption)
and carries a unique idempotency key, so the same source earns once.

Signs: a positive amount credits the account. Unit pools issue points, so their balance is the
negative of what they issued net; every other balance (volunteer, mall, expiry) is never negative.

The mall: a unit offers `MallItem`s (price in points, stock, a per-person limit, a valid period, a
pickup station). A `Redemption` reserves stock and debits the volunteer in one transaction; staff
of the pickup station confirm the pickup; a cancellation refunds through a reversing transaction
and puts the stock back.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, UTCDateTime, enum_column, name_type, text_type, utcnow
from db.models.requests import Proposal


class LedgerAccountKind(StrEnum):
    """Whose points an account holds."""

    VOLUNTEER = "VOLUNTEER"  # 志愿者积分账户
    UNIT_POOL = "UNIT_POOL"  # 单位积分池: issues points for service
    MALL = "MALL"  # 单位兑换商城: takes in redeemed points
    EXPIRY = "EXPIRY"  # 过期积分: one account for the whole platform


class LedgerTransactionKind(StrEnum):
    """What a ledger transaction does."""

    EARN = "EARN"  # 积分获取: approved service hours, a rating bonus
    REDEEM = "REDEEM"  # 积分兑换
    REFUND = "REFUND"  # 兑换取消退回: reverses a REDEEM
    REVERSAL = "REVERSAL"  # 冲正: reverses a mistaken EARN or ADJUST
    EXPIRE = "EXPIRE"  # 积分过期
    ADJUST = "ADJUST"  # 调整: a staff correction, or a time claim that lowered the hours


class RedemptionState(StrEnum):
    """A redemption: reserved (points debited, stock held), then picked up or cancelled (refunded)."""

    RESERVED = "RESERVED"  # 已兑换待领取
    PICKED_UP = "PICKED_UP"  # 已领取
    CANCELLED = "CANCELLED"  # 已取消


class LedgerAccount(Base):
    """An account of the points ledger (积分账户); `key` names its owner once ("VOLUNTEER:12")."""

    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[LedgerAccountKind] = mapped_column(enum_column(LedgerAccountKind))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerTransaction(Base):
    """One movement of points (积分流水): entries summing to zero, stamped by the server."""

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[LedgerTransactionKind] = mapped_column(enum_column(LedgerTransactionKind), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str] = mapped_column(text_type(), default="")
    service_record_id: Mapped[int | None] = mapped_column(ForeignKey("service_records.id"), index=True)
    time_claim_id: Mapped[int | None] = mapped_column(ForeignKey("time_claims.id"))
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id"))
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("mall_redemptions.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transactions.id"), unique=True)


class LedgerEntry(Base):
    """One leg of a transaction (分录): a signed amount on one account; immutable."""

    __tablename__ = "ledger_entries"
    __table_args__ = (CheckConstraint("amount <> 0", name="amount_not_zero"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    #: read with the entry where a query joins it (contains_eager), never lazily
    transaction: Mapped[LedgerTransaction] = relationship(lazy="raise", viewonly=True)


class MallItem(Base):
    """An item of the exchange mall (兑换商品) offered by a unit, picked up at a station."""

    __tablename__ = "mall_items"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        CheckConstraint("per_person_limit IS NULL OR per_person_limit >= 1", name="limit_positive"),
        CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from",
                        name="valid_period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    pickup_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(name_type())
    description: Mapped[str] = mapped_column(text_type(), default="")
    price: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    per_person_limit: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Redemption(Base):
    """A volunteer's exchange of points for a mall item (兑换记录)."""

    __tablename__ = "mall_redemptions"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("mall_items.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    state: Mapped[RedemptionState] = mapped_column(enum_column(RedemptionState), default=RedemptionState.RESERVED,
                                                   index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    picked_up_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    cancel_reason: Mapped[str] = mapped_column(text_type(), default="")


class StarAward(Proposal, Base):
    """A star level of a volunteer (星级志愿者): proposed when his counted hours reach a threshold
    (automatically: no account proposed it) or applied for by himself, then approved or declined
    (with a reason) by a unit admin at the configured level of the tree. Never deleted."""

    __tablename__ = "star_awards"
    __table_args__ = (CheckConstraint("stars >= 1 AND stars <= 10", name="stars_range"),
                      CheckConstraint("counted_minutes >= 0", name="counted_non_negative"),
                      # one pending award per volunteer, also under concurrent proposals
                      Index("ux_star_awards_one_pending", "volunteer_id", unique=True,
                            sqlite_where=text("state = 'PENDING'"), postgresql_where=text("state = 'PENDING'")))

    stars: Mapped[int] = mapped_column(Integer)
    counted_minutes: Mapped[int] = mapped_column(Integer)  # the counted service time when proposed
    submitted_by: Mapped[str | None] = mapped_column(name_type())  # type: ignore[assignment]  # null: automatic
    submitted_by_account_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]
        ForeignKey("accounts.id"))
