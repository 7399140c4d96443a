"""Rows for ledger tests written straight into a session: a center, volunteers, an item and its
orders, served tasks with service records, mall items (only the columns the ledger reads)."""

from __future__ import annotations

import datetime as dt
from itertools import count

from sqlalchemy.orm import Session

from db import models
from db.enums import OrderChannel, ServiceDomain, UnitLevel
from db.models.dispatch import AssignmentStatus
from db.tree import create_unit

_numbers = count(1)
DAY = dt.datetime(2026, 12, 7, 9, 0)


def center(session: Session) -> models.Unit:
    n = next(_numbers)
    return create_unit(session, level=UnitLevel.CENTER, code=f"L-C{n}", name=f"中心{n}", lat=31.38, lon=120.98)


def volunteer(session: Session, unit: models.Unit) -> models.Volunteer:
    n = next(_numbers)
    row = models.Volunteer(volunteer_number=f"LV{n}", name=f"志愿者{n}", phone="13800000000",
                           id_number_fingerprint=f"fp-{n}", id_number_tail="0000", home_lat=31.38, home_lon=120.98,
                           unit_id=unit.id)
    session.add(row)
    session.flush()
    return row


def item(session: Session, code: str = "") -> models.ServiceItem:
    n = next(_numbers)
    row = models.ServiceItem(code=code or f"LI{n}", name=f"服务{n}", domain=ServiceDomain.HEALTH, duration_minutes=120)
    session.add(row)
    session.flush()
    return row


def served(session: Session, unit: models.Unit, who: models.Volunteer, service: models.ServiceItem,
           minutes: int, order_id: int | None = None) -> models.ServiceRecord:
    """A completed task of `who` on a new order of `unit` (or on order `order_id`), credited `minutes`."""
    n = next(_numbers)
    if order_id is None:
        order = models.Order(code=f"LO{n}", item_id=service.id, unit_id=unit.id, lat=31.38, lon=120.98,
                             window_start=DAY, window_end=DAY + dt.timedelta(hours=3), channel=OrderChannel.HOTLINE)
        session.add(order)
        session.flush()
        order_id = order.id
    task = models.Assignment(order_id=order_id, volunteer_id=who.id, skill_code="doctor", start=DAY,
                             end=DAY + dt.timedelta(hours=3), status=AssignmentStatus.COMPLETED)
    session.add(task)
    session.flush()
    start = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
    record = models.ServiceRecord(assignment_id=task.id, volunteer_id=who.id, order_id=order_id, checked_in_at=start,
                                  checked_out_at=start + dt.timedelta(minutes=minutes), credit_minutes=minutes)
    session.add(record)
    session.flush()
    return record


def mall_item(session: Session, unit: models.Unit, price: int, stock: int, limit: int | None = None,
              name: str = "帆布袋") -> models.MallItem:
    row = models.MallItem(unit_id=unit.id, pickup_unit_id=unit.id, name=name, price=price, stock=stock,
                          per_person_limit=limit)
    session.add(row)
    session.flush()
    return row
