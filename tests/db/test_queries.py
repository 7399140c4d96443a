"""Shared queries (db/queries.py): subtrees, ancestors and the effective menu."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from db.enums import ServiceDomain, UnitLevel
from db.errors import TreeError
from db.models import MenuOffer, ServiceItem
from db.queries import ancestor_unit_ids, effective_menu_item_ids, subtree_unit_ids
from db.tree import move_unit
from tests.db.helpers import make_unit, small_tree


def _item(session: Session, code: str) -> ServiceItem:
    item = ServiceItem(code=code, name=code, domain=ServiceDomain.HEALTH, duration_minutes=60)
    session.add(item)
    session.flush()
    return item


def _offer(session: Session, unit_id: int, item: ServiceItem) -> None:
    session.add(MenuOffer(unit_id=unit_id, item_id=item.id))
    session.flush()


def test_subtree_and_ancestors(session: Session) -> None:
    center, (first, second), stations = small_tree(session)
    other_center = make_unit(session, UnitLevel.CENTER)
    make_unit(session, UnitLevel.INSTITUTE, other_center)
    assert subtree_unit_ids(session, first.id) == [first.id] + [s.id for s in stations[:2]]
    assert set(subtree_unit_ids(session, center.id)) == {center.id, first.id, second.id} | {
        s.id for s in stations
    }
    assert subtree_unit_ids(session, stations[3].id) == [stations[3].id]
    assert ancestor_unit_ids(session, stations[3].id) == [center.id, second.id]
    assert ancestor_unit_ids(session, center.id) == []


def test_effective_menu_is_own_offers_plus_ancestors(session: Session) -> None:
    center, (first, second), stations = small_tree(session)
    clinic, lecture, tutoring, haircut = (
        _item(session, c) for c in ("clinic", "lecture", "tutoring", "haircut")
    )
    _offer(session, center.id, clinic)
    _offer(session, first.id, lecture)
    _offer(session, stations[0].id, tutoring)
    _offer(session, stations[2].id, haircut)  # a station under the other institute
    _offer(session, stations[0].id, clinic)  # offered twice along the chain: listed once
    assert effective_menu_item_ids(session, stations[0].id) == sorted([clinic.id, lecture.id, tutoring.id])
    assert effective_menu_item_ids(session, stations[1].id) == sorted([clinic.id, lecture.id])
    assert effective_menu_item_ids(session, first.id) == sorted([clinic.id, lecture.id])
    assert effective_menu_item_ids(session, second.id) == [clinic.id]
    assert effective_menu_item_ids(session, stations[2].id) == sorted([clinic.id, haircut.id])


def test_effective_menu_follows_a_move(session: Session) -> None:
    _center, (first, second), stations = small_tree(session)
    lecture = _item(session, "lecture")
    _offer(session, first.id, lecture)
    assert lecture.id in effective_menu_item_ids(session, stations[0].id)
    move_unit(session, stations[0].id, second.id)
    assert lecture.id not in effective_menu_item_ids(session, stations[0].id)


def test_queries_on_a_missing_unit_say_not_found(session: Session) -> None:
    for query in (subtree_unit_ids, ancestor_unit_ids, effective_menu_item_ids):
        with pytest.raises(TreeError) as info:
            query(session, 424242)
        assert info.value.code == "NOT_FOUND"
