"""orderSubmit (点单): validate an order against the unit's effective menu and write it once.

An order may name the running project (志愿服务项目) it is an activity of
(resolvers/projects/activities.py).

Idempotency: a submission with an `idempotencyKey` already used returns the order first written
with that key when the payload is the same (a retry), and IDEMPOTENCY_CONFLICT when it differs.
Two concurrent first submissions race on the unique key; the loser rolls back and answers as a
retry would.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models, queries
from db.localtime import wall_clock
from db.models.base import NAME_LENGTH
from resolvers.core.errors import ErrorCode, MutationAborted, Problem
from resolvers.core.mutation import Outcome, run, user_error
from resolvers.core.validation import Checks
from resolvers.projects.activities import project_of_order

if TYPE_CHECKING:
    from resolvers.core.context import Info

KEY_PATH = ("input", "idempotencyKey")


def _fields(data: Any, item_id: int, unit_id: int, orderer_id: int | None, phone: str | None) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "unit_id": unit_id,
        "orderer_unit_id": orderer_id,
        "resident_name": (data.resident_name or "").strip() or None,
        "resident_phone": phone,
        "lat": data.location.lat,
        "lon": data.location.lon,
        "address": (data.address or "").strip(),
        "window_start": wall_clock(data.window_start),
        "window_end": wall_clock(data.window_end),
        "headcount": data.headcount,
        "priority": data.priority,
        "channel": data.channel,
        "note": (data.note or "").strip(),
    }


def _replay(session: Session, key: str, fields: dict[str, Any]) -> models.Order | None:
    """The order already written with `key` if `fields` match it; a conflict if they do not."""
    existing = session.scalar(select(models.Order).where(models.Order.idempotency_key == key))
    if existing is None:
        return None
    if any(getattr(existing, name) != value for name, value in fields.items()):
        raise MutationAborted([Problem(KEY_PATH, "this idempotencyKey was used for a different order: "
                                                 "use a new key for a new order", ErrorCode.IDEMPOTENCY_CONFLICT)])
    return existing


def order_submit(info: Info, data: Any) -> Outcome[Any]:
    key = (data.idempotency_key or "").strip() or None
    state: dict[str, Any] = {}

    def work(session: Session) -> models.Order:
        checks = Checks(session)
        item = checks.ref(data.item, "ServiceItem", ("input", "item"))
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        orderer = checks.ref(data.orderer_unit, "Unit", ("input", "ordererUnit"))
        phone = checks.phone(data.resident_phone, ("input", "residentPhone"))
        if data.orderer_unit is None and not (data.resident_name or "").strip():
            checks.add(("input", "residentName"), "give the ordering unit or the resident's name", ErrorCode.REQUIRED)
        checks.location(data.location, ("input", "location"))
        if wall_clock(data.window_end) <= wall_clock(data.window_start):
            checks.add(("input", "windowEnd"), "windowEnd must be after windowStart", ErrorCode.OUT_OF_RANGE)
        checks.in_range(data.headcount, 1, None, ("input", "headcount"))
        checks.in_range(data.priority, 1, 5, ("input", "priority"))
        checks.text(data.note, ("input", "note"))
        checks.text(data.resident_name, ("input", "residentName"), max_length=NAME_LENGTH)
        checks.text(data.address, ("input", "address"))
        if key is not None and len(key) > 128:
            checks.add(KEY_PATH, "idempotencyKey is longer than 128 characters", ErrorCode.INVALID)
        if item is not None and unit is not None and item.id not in queries.effective_menu_item_ids(session, unit.id):
            checks.add(("input", "item"), "the unit's effective menu does not offer this item", ErrorCode.NOT_OFFERED)
        project = project_of_order(session, checks, data.project, item, unit, wall_clock(data.window_start))
        checks.raise_if_any()
        fields = state["fields"] = _fields(data, item.id, unit.id, orderer.id if orderer else None, phone)
        fields["project_id"] = project
        if key is not None and (existing := _replay(session, key, fields)) is not None:
            return existing
        order = models.Order(code=_new_code(fields["window_start"]), idempotency_key=key, **fields)
        session.add(order)
        session.flush()
        return order

    def lost_race(session: Session) -> Outcome[Any]:
        """A concurrent submission with the same key won the race: answer as a retry would."""
        existing = None
        if key is not None and "fields" in state:
            try:
                existing = _replay(session, key, state["fields"])
            except MutationAborted as exc:
                return Outcome(None, [user_error(info, p) for p in exc.problems])
        if existing is None:  # the order code collided instead: the client may simply retry
            message = "the order could not be stored at once: submit it again with the same idempotencyKey"
            return Outcome(None, [user_error(info, Problem(("input",), message, ErrorCode.CONFLICT))])
        return Outcome(info.context.present.order(existing))

    return run(info, work, info.context.present.order, on_duplicate=lost_race)


def _new_code(window_start: datetime.datetime) -> str:
    """A human-readable order code: the service day and a random suffix, e.g. 20261128-3F9A1C."""
    return f"{window_start:%Y%m%d}-{secrets.token_hex(3).upper()}"
