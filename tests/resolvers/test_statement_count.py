"""No N+1: the whole-tree query costs the same number of SQL statements for 10 and 500 stations.

The statements are counted on the engine (before_cursor_execute) while the real ASGI app answers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db import models, tree
from db.enums import ServiceDomain, TeamKind, UnitLevel
from examples.load import load_city_into
from resolvers.core.globalid import encode
from tests.schema.support import GraphQLClient, StatementCounter

WHOLE_TREE = """
query WholeTree($id: ID!) {
  node(id: $id) {
    ... on Unit {
      name teamCount menu { name }
      children {
        name code teamCount menu { name }
        children { name code teamCount menu { name domain } }
      }
    }
  }
}
"""


@pytest.fixture
def counter(engine: Engine) -> Iterator[StatementCounter]:
    counting = StatementCounter(engine)
    try:
        yield counting
    finally:
        counting.remove()


def build_tree(session: Session, prefix: str, institutes: int, stations_each: int, item_id: int) -> str:
    """A center with `institutes` x `stations_each` stations, written in one transaction (500 units
    through mutations would spend seconds on commits); an institute team and one offer per institute."""
    place = {"lat": 34.3, "lon": 117.9}
    center = tree.create_unit(session, level=UnitLevel.CENTER, code=f"{prefix}C", name="中心", **place)
    session.add(models.MenuOffer(unit_id=center.id, item_id=item_id))
    for i in range(institutes):
        institute = tree.create_unit(session, level=UnitLevel.INSTITUTE, parent_id=center.id,
                                     code=f"{prefix}I{i}", name=f"所{i}", **place)
        session.add(models.Team(code=f"{prefix}T{i}", name=f"队{i}", kind=TeamKind.SPECIALIST,
                                unit_id=institute.id, domain=ServiceDomain.HEALTH))
        stations = [tree.create_unit(session, level=UnitLevel.STATION, parent_id=institute.id,
                                     code=f"{prefix}I{i}S{j}", name=f"站{i}-{j}", **place)
                    for j in range(stations_each)]
        session.add(models.MenuOffer(unit_id=stations[0].id, item_id=item_id))
        session.add(models.Team(code=f"{prefix}T{i}S", name=f"站队{i}", kind=TeamKind.TEAM, unit_id=stations[-1].id))
    session.commit()
    return encode("Unit", center.id)


def test_whole_tree_statement_count_does_not_grow_with_the_tree(
    api: GraphQLClient, session: Session, counter: StatementCounter
) -> None:
    # given a 10-station tree and a 500-station tree
    item = models.ServiceItem(code="clinic", name="义诊", domain=ServiceDomain.HEALTH, duration_minutes=120)
    session.add(item)
    session.flush()
    small = build_tree(session, "S", institutes=2, stations_each=5, item_id=item.id)
    large = build_tree(session, "L", institutes=25, stations_each=20, item_id=item.id)

    # when each whole tree is read
    counter.reset()
    small_tree = api.data(WHOLE_TREE, {"id": small})["node"]
    small_count = counter.count
    counter.reset()
    large_tree = api.data(WHOLE_TREE, {"id": large})["node"]
    large_count = counter.count

    # then both trees came back whole, with their menus and team counts
    assert sum(len(i["children"]) for i in small_tree["children"]) == 10
    assert sum(len(i["children"]) for i in large_tree["children"]) == 500
    assert [i["teamCount"] for i in large_tree["children"]] == [1] * 25
    assert sum(s["teamCount"] for i in large_tree["children"] for s in i["children"]) == 25
    assert sum(len(s["menu"]) for i in large_tree["children"] for s in i["children"]) == 25
    # and the statement count is the same: one per loader batch, never one per unit --
    # the caller's account and grants, the node, then per level its teamCount and menu batches
    # and the next level's children
    assert small_count == large_count
    assert large_count == 1 + 1 + 3 + 3 + 2


VOLUNTEER_PAGE = """
query VolunteerPage($first: Int!) {
  volunteers(first: $first) {
    totalCount
    edges {
      node {
        name phone
        skills { skill { name } level }
        domains
        availability { weekly { weekday } exceptions { available } }
        memberships { role team { name } }
        teams { name unit { name } }
        unit { name parent { name } }
      }
    }
  }
}
"""


def test_volunteer_page_statement_count_does_not_grow_with_the_page(
    api: GraphQLClient, engine: Engine, counter: StatementCounter
) -> None:
    # given Pizhou with 120 volunteers
    load_city_into(engine, "pizhou", volunteers=120, seed=3)
    # when a page of 20 and a page of 100 are read with all their details
    counter.reset()
    small = api.data(VOLUNTEER_PAGE, {"first": 20})["volunteers"]["edges"]
    small_count = counter.count
    counter.reset()
    large = api.data(VOLUNTEER_PAGE, {"first": 100})["volunteers"]["edges"]
    large_count = counter.count
    # then
    assert (len(small), len(large)) == (20, 100)
    for page in (small, large):  # both pages reach every loader (else the counts differ for that reason)
        assert any(v["node"]["teams"] for v in page) and any(v["node"]["availability"]["exceptions"] for v in page)
    assert small_count == large_count
