"""The ledger's invariants under random sequences of earn, redeem, pickup, cancel, reverse and
expire (hypothesis): after every step every balance equals the sum of its entries, every
transaction and the whole ledger sum to zero, no volunteer, mall or expiry balance and no stock is
negative, stock plus what is held equals what was offered, and each mall holds exactly the
points of its redemptions that were not cancelled. A refused step writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db import models
from db.models import LedgerAccountKind as K
from db.models import LedgerTransactionKind as T
from db.models import RedemptionState as R
from db.models.base import utcnow
from db.session import session_factory
from resolvers.core.errors import ErrorCode, MutationAborted
from resolvers.core.settings import PointsSettings
from resolvers.recognition import ledger, mall
from tests.recognition import rows

RULES = PointsSettings(per_hour=10, max_hours_per_activity=2, per_task_kind=(("KIND5", 5),))
VOLUNTEERS, ITEMS = 3, 2
PRICES, STOCKS, LIMITS = (15, 40), (3, 1), (None, 2)
#: codes a refused step may give: the step was not possible, and nothing was written
EXPECTED_REFUSALS = {ErrorCode.INSUFFICIENT_POINTS, ErrorCode.OUT_OF_STOCK, ErrorCode.OVER_LIMIT,
                     ErrorCode.REDEMPTION_STATE, ErrorCode.ALREADY_REVERSED, ErrorCode.NOT_REVERSIBLE}

index = st.integers(min_value=0, max_value=50)
steps = st.one_of(
    st.tuples(st.just("earn"), index, st.integers(min_value=0, max_value=300), st.booleans()),
    st.tuples(st.just("reapprove"), index, st.integers(min_value=0, max_value=300)),
    st.tuples(st.just("redeem"), index, index, st.integers(min_value=1, max_value=3)),
    st.tuples(st.just("pickup"), index),
    st.tuples(st.just("cancel"), index),
    st.tuples(st.just("reverse"), index),
    st.tuples(st.just("expire"), st.integers(min_value=0, max_value=3)),
)


class World:
    """What the steps act on, and the checks after each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.unit = rows.center(session)
        self.volunteers = [rows.volunteer(session, self.unit) for _ in range(VOLUNTEERS)]
        self.services = [rows.item(session), rows.item(session, code="KIND5")]
        self.items = [rows.mall_item(session, self.unit, p, s, lim) for p, s, lim in zip(PRICES, STOCKS, LIMITS)]
        self.records: list[models.ServiceRecord] = []
        self.peak: dict[int, int] = {}  # record id -> the most minutes it was ever credited
        self.redemptions: list[int] = []
        self.reapprovals = 0
        self.clock = utcnow()

    def step(self, step: tuple[Any, ...]) -> None:
        """Run one step in a savepoint; a refusal must leave every row as it was."""
        before = self.snapshot()
        try:
            with self.session.begin_nested():
                self._do(step)
        except MutationAborted as exc:
            assert {p.code for p in exc.problems} <= EXPECTED_REFUSALS, exc.problems
            assert self.snapshot() == before, f"{step} was refused but wrote"

    def _do(self, step: tuple[Any, ...]) -> None:
        s = self.session
        kind = step[0]
        if kind == "earn":
            _, who, minutes, fixed = step
            record = rows.served(s, self.unit, self.volunteers[who % VOLUNTEERS], self.services[int(fixed)], minutes)
            self.records.append(record)
            self.peak[record.id] = minutes
            ledger.earn_for_service(s, RULES, record, f"checkout:{record.id}", actor_account_id=None)
            ledger.earn_for_service(s, RULES, record, f"checkout:{record.id}", actor_account_id=None)  # once
        elif kind == "reapprove" and self.records:  # a time claim sets other hours on a served task
            _, which, minutes = step
            record = self.records[which % len(self.records)]
            record.credit_minutes = minutes
            self.peak[record.id] = max(self.peak[record.id], minutes)
            self.reapprovals += 1
            ledger.earn_for_service(s, RULES, record, f"claim:{self.reapprovals}", actor_account_id=None)
        elif kind == "redeem":
            _, who, which, quantity = step
            redemption = mall.redeem(s, self.items[which % ITEMS].id, self.volunteers[who % VOLUNTEERS].id, quantity,
                                     actor_account_id=None)
            self.redemptions.append(redemption.id)
        elif kind in ("pickup", "cancel") and self.redemptions:
            target = self.redemptions[step[1] % len(self.redemptions)]
            (mall.pick_up if kind == "pickup" else mall.cancel)(s, target, actor_account_id=None)
        elif kind == "reverse":
            reversible = s.scalars(select(models.LedgerTransaction.id).where(
                models.LedgerTransaction.kind.in_(ledger.REVERSIBLE)).order_by(models.LedgerTransaction.id)).all()
            if reversible:
                ledger.reverse(s, reversible[step[1] % len(reversible)], T.REVERSAL, actor_account_id=None,
                               note="mistake")
        elif kind == "expire":
            self.clock += dt.timedelta(days=step[1])
            ledger.expire(s, 1, actor_account_id=None, now=self.clock)

    def snapshot(self) -> tuple[Any, ...]:
        s = self.session
        s.flush()
        return (s.scalar(select(func.count()).select_from(models.LedgerEntry)),
                s.scalar(select(func.count()).select_from(models.LedgerTransaction)),
                tuple(s.execute(select(models.MallItem.id, models.MallItem.stock).order_by(models.MallItem.id))),
                tuple(s.execute(select(models.Redemption.id, models.Redemption.state).order_by(models.Redemption.id))))

    def check(self) -> None:
        s = self.session
        s.flush()
        entries = s.execute(select(models.LedgerEntry.account_id, models.LedgerEntry.transaction_id,
                                   models.LedgerEntry.amount)).all()
        by_account: dict[int, int] = {}
        by_transaction: dict[int, int] = {}
        for account_id, transaction_id, amount in entries:
            assert amount != 0
            by_account[account_id] = by_account.get(account_id, 0) + amount
            by_transaction[transaction_id] = by_transaction.get(transaction_id, 0) + amount
        assert sum(amount for *_, amount in entries) == 0, "the whole ledger sums to zero"
        assert set(by_transaction.values()) <= {0}, "every transaction sums to zero"
        legs = s.execute(select(models.LedgerEntry.transaction_id, func.count()).group_by(
            models.LedgerEntry.transaction_id)).all()
        assert all(n >= 2 for _, n in legs)
        for account in s.scalars(select(models.LedgerAccount)):
            assert ledger.balance(s, account.id) == by_account.get(account.id, 0)
            if account.kind in ledger.NEVER_NEGATIVE:
                assert by_account.get(account.id, 0) >= 0, f"{account.key} is negative"
        for who in self.volunteers:
            assert ledger.volunteer_balance(s, who.id) >= 0
        for row, offered in zip(self.items, STOCKS):
            s.refresh(row)
            assert row.stock >= 0
            held = s.scalar(select(func.coalesce(func.sum(models.Redemption.quantity), 0)).where(
                models.Redemption.item_id == row.id, models.Redemption.state != R.CANCELLED))
            assert row.stock + held == offered, "stock plus what is held is what was offered"
        mall_key = f"{K.MALL.value}:{self.unit.id}"
        mall_id = s.scalar(select(models.LedgerAccount.id).where(models.LedgerAccount.key == mall_key))
        kept = s.scalar(select(func.coalesce(func.sum(models.Redemption.points), 0)).where(
            models.Redemption.state != R.CANCELLED))
        assert (by_account.get(mall_id, 0) if mall_id else 0) == kept, "the mall holds what was redeemed"
        for record in self.records:  # a record never earns more than its hours were worth (fewer hours
            # later take back only what the volunteer still holds)
            earned = ledger._earned_for_record(s, ledger.volunteer_account(s, record.volunteer_id), record.id)
            assert 0 <= earned <= RULES.for_service(self.peak[record.id], "KIND5")


def _run(make_session: Callable[[], Session], sequence: list[tuple[Any, ...]]) -> None:
    with make_session() as session:
        world = World(session)
        try:
            for number, step in enumerate(sequence):
                world.step(step)
                try:
                    world.check()
                except AssertionError as exc:
                    raise AssertionError(f"after step {number} of {sequence}: {exc}") from exc
        finally:
            session.rollback()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(steps, min_size=1, max_size=25))
def test_random_sequences_keep_the_ledger_balanced(engine: Engine, sequence: list[tuple[Any, ...]]) -> None:
    _run(session_factory(engine), sequence)


def test_a_known_sequence_moves_points_as_the_rules_say(engine: Engine) -> None:
    """Earn 2 h (capped) + 5 fixed, redeem, cancel, re-redeem and pick up, then expire the rest."""
    with session_factory(engine)() as session:
        world = World(session)
        who = world.volunteers[0].id
        for step, balance in ((("earn", 0, 180, True), 25), (("redeem", 0, 0, 1), 10), (("cancel", 0), 25),
                              (("redeem", 0, 0, 1), 10), (("pickup", 1), 10), (("redeem", 0, 1, 1), 10),
                              (("expire", 2), 0)):
            world.step(step)
            world.check()
            assert ledger.volunteer_balance(session, who) == balance, step
        assert [r.state for r in session.scalars(select(models.Redemption).order_by(models.Redemption.id))] == [
            R.CANCELLED, R.PICKED_UP]
        kinds = session.scalars(select(models.LedgerTransaction.kind).order_by(models.LedgerTransaction.id)).all()
        assert kinds == [T.EARN, T.REDEEM, T.REFUND, T.REDEEM, T.EXPIRE]
        session.rollback()


def test_the_property_check_sees_a_broken_ledger(engine: Engine) -> None:
    """The check above is not vacuous: an entry without its counterpart fails it."""
    with session_factory(engine)() as session:
        world = World(session)
        world.step(("earn", 0, 60, False))
        world.check()
        session.add(models.LedgerEntry(transaction_id=session.scalar(select(func.max(models.LedgerTransaction.id))),
                                       account_id=ledger.volunteer_account(session, world.volunteers[0].id), amount=5))
        try:
            world.check()
        except AssertionError as exc:
            assert "sums to zero" in str(exc)
        else:
            raise AssertionError("an unbalanced entry passed the check")
        finally:
            session.rollback()
