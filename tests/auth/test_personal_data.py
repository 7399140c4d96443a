"""Personal data: phones masked for everyone, whole only through `phoneFull` / `residentPhoneFull`
for the roles of the table in docs/access.md, every such read audit-logged; ID numbers are never
returned whole to anyone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from db.models import Account, PersonalDataRead, Role
from db.session import session_factory
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.schema.support import GraphQLClient

VOLUNTEER = """
query V($id: ID!) { node(id: $id) { ... on Volunteer { phone phoneFull idNumber } } }
"""
ORDER = """
query O($id: ID!) { node(id: $id) { ... on Order { residentPhone residentPhoneFull } } }
"""
VA_PHONE = "13800000001"
RESIDENT_PHONE = "13900001111"


@pytest.fixture
def world(admin: GraphQLClient, client_for: ClientFor) -> w.World:
    return w.build(admin, client_for)


def _reads(engine: Engine) -> list[tuple[str, str, int, str]]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Account.username, PersonalDataRead.subject_type, PersonalDataRead.subject_id, PersonalDataRead.field)
            .join(Account, Account.id == PersonalDataRead.account_id).order_by(PersonalDataRead.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]  # tuple() of a Row loses its column types


def _volunteer(world: w.World, role: str) -> Any:
    return world.clients[role].data(VOLUNTEER, {"id": world.ids["va"]})["node"]


def test_volunteer_phones_are_whole_only_for_the_roles_that_may_see_them(world: w.World, engine: Engine) -> None:
    for role in ("admin", "unit_admin", "dispatcher", "team_leader", "volunteer"):
        seen = _volunteer(world, role)
        assert seen["phone"] == "138****0001", role
        assert seen["phoneFull"] == VA_PHONE, role
    assert _volunteer(world, "analyst") == {"phone": "138****0001", "phoneFull": None,
                                            "idNumber": _volunteer(world, "admin")["idNumber"]}


def test_an_analyst_grant_beside_a_scoped_role_does_not_open_every_phone(
        world: w.World, client_for: ClientFor) -> None:
    """ANALYST reads everything (de-identified); with a volunteer's own grant beside it, the
    account must not get whole phones of every volunteer it can now read."""
    both = client_for("analyst-and-volunteer",
                      [(Role.ANALYST, {}), (Role.VOLUNTEER, {"volunteer_id": w.pk(world.ids["va"])})])
    other = both.data(VOLUNTEER, {"id": world.ids["vb"]})["node"]
    assert other["phone"] == "138****0002"
    assert other["phoneFull"] is None


def test_id_numbers_are_never_whole(world: w.World) -> None:
    for role in ("admin", "unit_admin", "volunteer", "analyst"):
        id_number = _volunteer(world, role)["idNumber"]
        assert len(id_number) == 18 and id_number[:14] == "*" * 14, role


def test_every_full_read_is_audit_logged_and_masked_reads_are_not(world: w.World, engine: Engine) -> None:
    before = len(_reads(engine))
    _volunteer(world, "analyst")
    world.clients["unit_admin"].data("query V($id: ID!) { node(id: $id) { ... on Volunteer { phone } } }",
                                     {"id": world.ids["va"]})
    assert len(_reads(engine)) == before
    _volunteer(world, "unit_admin")
    assert _reads(engine)[before:] == [("unit_admin-account", "Volunteer", w.pk(world.ids["va"]), "phone")]


def test_resident_phones_on_orders(world: w.World, engine: Engine) -> None:
    ores = world.ids["ores"]
    for role in ("admin", "unit_admin", "dispatcher", "resident"):
        order = world.clients[role].data(ORDER, {"id": ores})["node"]
        assert order == {"residentPhone": "139****1111", "residentPhoneFull": RESIDENT_PHONE}, role
    assert world.clients["analyst"].data(ORDER, {"id": ores})["node"]["residentPhoneFull"] is None
    logged = [row for row in _reads(engine) if row[1] == "Order"]
    assert [row[0] for row in logged] == ["admin-account", "unit_admin-account", "dispatcher-account",
                                          "resident-account"]


NAMES = """
query N($v: ID!, $o: ID!) {
  v: node(id: $v) { ... on Volunteer { name } }
  o: node(id: $o) { ... on Order { residentName } }
}
"""


def test_analysts_see_names_de_identified(world: w.World) -> None:
    variables = {"v": world.ids["va"], "o": world.ids["ores"]}
    assert world.clients["analyst"].data(NAMES, variables) == {"v": {"name": "王*"}, "o": {"residentName": "李*"}}
    assert world.clients["unit_admin"].data(NAMES, variables) == {
        "v": {"name": "王芳"}, "o": {"residentName": "李大爷"},
    }
    listed = world.clients["analyst"].data("query { volunteers { edges { node { name } } } }")["volunteers"]["edges"]
    assert {e["node"]["name"] for e in listed} == {"王*"}
