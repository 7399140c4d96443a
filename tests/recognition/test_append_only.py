"""The ledger is append-only under the access policy: whoever the caller (short of the platform
admin, who passes every write rule), a changed or deleted entry, transaction or account is refused
at flush, and a mall item's staff fields are written only by a unit admin over its unit."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from db import models
from db.models import Role
from db.session import session_factory
from resolvers.access.auth import Caller, Grant
from resolvers.access.policy import AuthHolder, restrict_session
from resolvers.core.errors import MutationAborted
from resolvers.core.settings import PointsSettings
from resolvers.recognition import ledger
from tests.recognition import rows


def test_ledger_rows_never_change_and_mall_items_are_their_unit_admins(engine: Engine) -> None:
    with session_factory(engine)() as session:
        unit = rows.center(session)
        who = rows.volunteer(session, unit)
        record = rows.served(session, unit, who, rows.item(session), 60)
        ledger.earn_for_service(session, PointsSettings(), record, f"checkout:{record.id}", actor_account_id=None)
        item = rows.mall_item(session, unit, price=10, stock=3)
        session.commit()
        unit_id, unit_path, volunteer_id, item_id = unit.id, unit.path, who.id, item.id
    callers = {
        "unit admin": Caller(1, "staff", (Grant(Role.UNIT_ADMIN, unit_id=unit_id, unit_path=unit_path),)),
        "volunteer": Caller(2, "self", (Grant(Role.VOLUNTEER, volunteer_id=volunteer_id),)),
    }
    changes = {
        "entry amount": lambda s: setattr(s.get(models.LedgerEntry, 1), "amount", 999),
        "entry deleted": lambda s: s.delete(s.get(models.LedgerEntry, 1)),
        "transaction note": lambda s: setattr(s.get(models.LedgerTransaction, 1), "note", "改"),
        "account owner": lambda s: setattr(s.get(models.LedgerAccount, 1), "volunteer_id", None),
    }
    for caller in callers.values():
        for change in changes.values():
            holder = AuthHolder()
            holder.set(caller)
            with session_factory(engine)() as session:
                restrict_session(session, holder)
                change(session)
                with pytest.raises(MutationAborted, match="problem"):
                    session.flush()
                session.rollback()
    # a mall item: its price by the unit admin, not by a volunteer; its stock alone by the redemption path
    for name, expected_ok in (("unit admin", True), ("volunteer", False)):
        holder = AuthHolder()
        holder.set(callers[name])
        with session_factory(engine)() as session:
            restrict_session(session, holder)
            row = session.get(models.MallItem, item_id)
            assert row is not None
            row.price = 11
            if expected_ok:
                session.flush()
            else:
                with pytest.raises(MutationAborted):
                    session.flush()
            session.rollback()
            row = session.get(models.MallItem, item_id)
            assert row is not None
            row.stock -= 1
            session.flush()  # what a redemption changes
            session.rollback()
