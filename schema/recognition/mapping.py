"""Rows of recognition -> GraphQL objects of schema/recognition/types.py (no database work)."""

from __future__ import annotations

from typing import Any

import strawberry

import schema.recognition.types as t
from db import models
from resolvers.core.globalid import encode
from resolvers.recognition.hours import HoursTotal
from resolvers.recognition.mall import unavailable
from schema.core.proposal import request_fields


def _tx(pk: int | None) -> Any:
    return None if pk is None else encode("LedgerTransaction", pk)


def ledger_entry(row: models.LedgerEntry) -> Any:
    tx = row.transaction
    return t.LedgerEntry(id=encode("LedgerEntry", row.id), amount=row.amount, kind=tx.kind, at=tx.at, note=tx.note,
                         transaction_id=encode("LedgerTransaction", tx.id), reverses_transaction_id=_tx(tx.reverses_id),
                         redemption_id=None if tx.redemption_id is None else encode("MallRedemption", tx.redemption_id))


def ledger_transaction(row: models.LedgerTransaction) -> Any:
    return t.LedgerTransaction(id=encode("LedgerTransaction", row.id), kind=row.kind, at=row.at, note=row.note,
                               reverses_transaction_id=_tx(row.reverses_id))


def mall_item(row: models.MallItem) -> Any:
    return t.MallItem(id=encode("MallItem", row.id), unit_pk=row.unit_id, pickup_pk=row.pickup_unit_id, name=row.name,
                      description=row.description, price=row.price, stock=row.stock,
                      per_person_limit=row.per_person_limit, valid_from=row.valid_from, valid_until=row.valid_until,
                      withdrawn_at=row.withdrawn_at, available=unavailable(row) is None and row.stock > 0)


def redemption(row: models.Redemption) -> Any:
    return t.MallRedemption(id=encode("MallRedemption", row.id), item_id=encode("MallItem", row.item_id),
                            volunteer_pk=row.volunteer_id, quantity=row.quantity, points=row.points, state=row.state,
                            created_at=row.created_at, picked_up_at=row.picked_up_at, cancelled_at=row.cancelled_at,
                            cancel_reason=row.cancel_reason)


def star_award(row: models.StarAward) -> Any:
    return t.StarAward(**request_fields("StarAward", row), stars=row.stars,
                       counted_hours=round(row.counted_minutes / 60, 2))


def service_hours(row: HoursTotal) -> Any:
    return t.ServiceHours(group=row.group, id=strawberry.ID(row.global_id), name=row.name,
                          credit_hours=row.credit_hours, honour_hours=row.honour_hours)
