"""The access policy on the import's bulk INSERTs (insert_volunteers through a restricted session):
each row of a statement is checked as a flushed object is, the rows' units read at once, so one
row outside the unit admin's subtree among many inside refuses the whole statement."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from db import models
from db.enums import VolunteerStatus
from resolvers.access.auth import load_caller
from resolvers.access.policy import AuthHolder, restrict_session
from resolvers.core.errors import ErrorCode, MutationAborted
from resolvers.forces.volunteer_mutations import insert_volunteers
from tests.imports.support import World
from tests.schema.support import StatementCounter


def _restricted(engine: Engine, username: str) -> Session:
    session = Session(engine)
    account = session.scalar(select(models.Account.id).where(models.Account.username == username))
    caller = load_caller(session, account or 0)
    session.rollback()
    holder = AuthHolder()
    holder.set(caller)
    return restrict_session(session, holder)


def _columns(unit_id: int, n: int) -> dict[str, object]:
    return {"volunteer_number": f"BULK-{n}", "name": f"志愿者{n}", "phone": "13800000000",
            "id_number_fingerprint": f"fp-{n}", "id_number_tail": "0000", "home_lat": 34.3, "home_lon": 117.9,
            "unit_id": unit_id, "status": VolunteerStatus.ACTIVE, "synthetic": False}


def _unit(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        return int(session.scalars(select(models.Unit.id).where(models.Unit.code == code)).one())


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(models.Volunteer)) or 0)


def test_a_unit_admins_bulk_insert_is_checked_row_by_row(world: World, engine: Engine) -> None:
    a1, b1 = _unit(engine, world.a1), _unit(engine, world.b1)
    with _restricted(engine, "town-a") as session:
        with pytest.raises(MutationAborted) as refused:
            insert_volunteers(session, [(_columns(a1 if n != 7 else b1, n), [], [], []) for n in range(10)])
        assert [(p.code, p.message.split(":")[0]) for p in refused.value.problems] == [(ErrorCode.FORBIDDEN,
                                                                                       "volunteers")]
        session.rollback()
        ids = insert_volunteers(session, [(_columns(a1, n), [], [], []) for n in range(10)])
        session.commit()
    assert len(ids) == 10 and _count(engine) == 10
    with Session(engine) as admin:  # a volunteer of town B, registered by the platform admin
        other = models.Volunteer(**_columns(b1, 99))
        admin.add(other)
        admin.commit()
        other_id = other.id
    with _restricted(engine, "town-a") as session:
        rows = [{"volunteer_id": pk, "domain": "HEALTH"} for pk in ids] + [{"volunteer_id": other_id,
                                                                             "domain": "HEALTH"}]
        with pytest.raises(MutationAborted) as refused:
            session.execute(insert(models.VolunteerDomain.__table__), rows)  # type: ignore[arg-type]
        assert [p.message.split(":")[0] for p in refused.value.problems] == ["volunteer domains"]
        session.rollback()
        session.connection()
        counter = StatementCounter(engine)
        try:
            session.execute(insert(models.VolunteerDomain.__table__), rows[:-1])  # type: ignore[arg-type]
        finally:
            counter.remove()
        # the ten volunteers' units and those units' paths are read at once, not per row
        assert counter.count == 3, counter.count
        session.commit()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(models.VolunteerDomain)) == 10
