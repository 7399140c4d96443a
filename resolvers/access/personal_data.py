"""Full personal data for the roles that may see it, each read audit-logged (who, when, whose).

Phones are masked on every object (schema/core/mapping.py). The `phoneFull` fields return the whole
number when the caller's role may see it, and null otherwise:

| role                         | full volunteer phones              | full resident phones on orders |
|------------------------------|------------------------------------|--------------------------------|
| platform admin               | all                                | all                            |
| unit admin, dispatcher       | volunteers of the subtree          | orders of the subtree          |
| team leader                  | members of the team                | -                              |
| volunteer                    | himself                            | -                              |
| resident                     | -                                  | his own orders                 |
| analyst (whatever else)      | - (de-identified)                  | -                              |

"In scope" needs no check here: the row is read through the caller's restricted session
(resolvers/access/policy.py), so a row outside the scope is simply not found. ID numbers are
never returned whole to anyone: only a fingerprint and the last four characters are stored.

Each batch of full reads is written to `personal_data_reads` in its own short transaction, so
the audit survives even though a query's own transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader

from db import models
from db.models import Role

if TYPE_CHECKING:
    from resolvers.core.context import Info

VOLUNTEER_PHONE_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.UNIT_ADMIN, Role.DISPATCHER, Role.TEAM_LEADER,
                                   Role.VOLUNTEER})
RESIDENT_PHONE_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.UNIT_ADMIN, Role.DISPATCHER, Role.RESIDENT})


def audit(session: Session, account_id: int, subject_type: str, field: str, subject_ids: Sequence[int]) -> None:
    """Record that `account_id` read `field` of these subjects (a separate, committed transaction)."""
    if not subject_ids:
        return
    with Session(bind=session.get_bind()) as log:
        log.execute(insert(models.PersonalDataRead), [
            {"account_id": account_id, "subject_type": subject_type, "subject_id": pk, "field": field}
            for pk in subject_ids
        ])
        log.commit()


class _PhoneLoader(DataLoader[int, Any]):
    """Full phones of visible rows by primary key, audited per batch."""

    def __init__(self, info: Info, model: Any, column: Any, subject: str) -> None:
        super().__init__(load_fn=self._load)
        self.info, self.model, self.column, self.subject = info, model, column, subject

    async def _load(self, keys: Sequence[int]) -> list[Any]:
        session = self.info.context.session
        stmt = select(self.model.id, self.column).where(self.model.id.in_(keys))
        rows: dict[int, Any] = dict(session.execute(stmt).all())
        found = [pk for pk in keys if rows.get(pk)]
        audit(session, self.info.context.auth.caller.account_id, self.subject, "phone", found)
        return [rows.get(pk) for pk in keys]


def _loader(info: Info, name: str, model: Any, column: Any, subject: str) -> _PhoneLoader:
    holder = info.context.auth
    loaders: dict[str, _PhoneLoader] = holder.__dict__.setdefault("phone_loaders", {})
    if name not in loaders:
        loaders[name] = _PhoneLoader(info, model, column, subject)
    return loaders[name]


def caller_may(caller: Any, roles: frozenset[Role]) -> bool:
    """May `caller` see whole personal data of the rows he reads? One of `roles`, and no ANALYST
    grant, whatever else it holds: it widens what the session reads to everything, de-identified
    (deidentify.py)."""
    return caller is not None and bool(caller.roles & roles) and not caller.deidentified


def _may(info: Info, roles: frozenset[Role]) -> bool:
    """May the caller see whole phones? (`caller_may`)"""
    return caller_may(info.context.auth.caller if info.context.auth is not None else None, roles)


async def volunteer_phone(info: Info, volunteer_pk: int) -> str | None:
    if not _may(info, VOLUNTEER_PHONE_ROLES):
        return None
    return await _loader(info, "volunteer", models.Volunteer, models.Volunteer.phone, "Volunteer").load(volunteer_pk)


async def resident_phone(info: Info, order_pk: int) -> str | None:
    if not _may(info, RESIDENT_PHONE_ROLES):
        return None
    return await _loader(info, "order", models.Order, models.Order.resident_phone, "Order").load(order_pk)
