"""Two practice networks, A and B, built through the API by a platform admin, and one account per
role scoped inside A (plus a unit admin of B: the caller outside A's scope).

A: center -> institute A1 -> station A1s; team A (at A1) with volunteer va; orders oa (by the
admin) and ores (by the resident), both at A1s. B: center -> institute -> station; team B with
volunteer vb; order ob. `EXPECTED` lists, per role, which of the personal-data objects each may
see: written out by hand from the permission table in docs/access.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db.models import Role
from resolvers.core import globalid
from tests.auth.conftest import ClientFor
from tests.documents import ORDER_SUBMIT, TEAM_MEMBER_ADD
from tests.schema.support import (
    GraphQLClient,
    create_item,
    create_skill,
    create_team,
    create_unit,
    offer,
    register_volunteer,
)

#: role -> the objects (by world name) of volunteers and orders it may see.
EXPECTED: dict[str, set[str]] = {
    "admin": {"va", "vb", "oa", "ob", "ores"},
    "analyst": {"va", "vb", "oa", "ob", "ores"},
    "unit_admin": {"va", "oa", "ores"},
    "dispatcher": {"va", "oa", "ores"},
    "team_leader": {"va"},
    "volunteer": {"va"},
    "resident": {"ores"},
    "outsider": {"vb", "ob"},
}


def pk(global_id: str) -> int:
    return globalid.decode(global_id)[1]


def order_input(world: dict[str, str], unit: str) -> dict[str, Any]:
    return {"item": world["item"], "unit": unit, "residentName": "李大爷", "residentPhone": "13900001111",
            "location": {"lat": 34.3, "lon": 117.9}, "windowStart": "2026-12-07T09:00:00",
            "windowEnd": "2026-12-07T11:00:00", "channel": "HOTLINE"}


def submit(client: GraphQLClient, world: dict[str, str], unit: str) -> str:
    payload = client.data(ORDER_SUBMIT, {"input": order_input(world, unit)})["orderSubmit"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["order"]["id"]


@dataclass
class World:
    ids: dict[str, str]
    clients: dict[str, GraphQLClient] = field(default_factory=dict)


def build(admin: GraphQLClient, client_for: ClientFor) -> World:
    w: dict[str, str] = {}
    for side in ("a", "b"):
        w[f"center_{side}"] = create_unit(admin, "CENTER")
        w[f"institute_{side}"] = create_unit(admin, "INSTITUTE", w[f"center_{side}"])
        w[f"station_{side}"] = create_unit(admin, "STATION", w[f"institute_{side}"])
        w[f"team_{side}"] = create_team(admin, w[f"institute_{side}"])
        w[f"v{side}"] = register_volunteer(admin, w[f"station_{side}"], phone=f"1380000000{'12'[side == 'b']}")
        added = admin.data(TEAM_MEMBER_ADD, {"input": {"team": w[f"team_{side}"], "volunteer": w[f"v{side}"]}})
        assert added["teamMemberAdd"]["userErrors"] == []
    w["skill"] = create_skill(admin)
    w["item"] = create_item(admin, w["skill"], teams=[w["team_a"]])
    offer(admin, w["center_a"], w["item"])
    offer(admin, w["center_b"], w["item"])
    w["oa"] = submit(admin, w, w["station_a"])
    w["ob"] = submit(admin, w, w["station_b"])
    grants: dict[str, list[tuple[Role, dict[str, int]]]] = {
        "admin": [(Role.PLATFORM_ADMIN, {})],
        "analyst": [(Role.ANALYST, {})],
        "unit_admin": [(Role.UNIT_ADMIN, {"unit_id": pk(w["center_a"])})],
        "dispatcher": [(Role.DISPATCHER, {"unit_id": pk(w["institute_a"])})],
        "team_leader": [(Role.TEAM_LEADER, {"team_id": pk(w["team_a"])})],
        "volunteer": [(Role.VOLUNTEER, {"volunteer_id": pk(w["va"])})],
        "resident": [(Role.RESIDENT, {})],
        "outsider": [(Role.UNIT_ADMIN, {"unit_id": pk(w["center_b"])})],
    }
    world = World(w, {role: client_for(f"{role}-account", g) for role, g in grants.items()})
    w["ores"] = submit(world.clients["resident"], w, w["station_a"])
    return world
