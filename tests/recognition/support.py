"""Documents and a small world for the mall tests: a center with a station, its unit admin, the
station's dispatcher, two volunteers with accounts, an admin of another center, an analyst."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db.models import Role
from resolvers.core import globalid
from tests.schema.support import GraphQLClient, create_unit, register_volunteer

ERRORS = "userErrors { field code message }"
ITEM_FIELDS = "id name price stock perPersonLimit available withdrawnAt unit { id } pickupStation { id }"
REDEMPTION_FIELDS = "id itemId quantity points state pickedUpAt cancelledAt volunteer { id }"

MALL_ITEM_CREATE = (f"mutation M($input: MallItemCreateInput!) {{ mallItemCreate(input: $input) {{ item {{ "
                    f"{ITEM_FIELDS} }} {ERRORS} }} }}")
MALL_ITEM_UPDATE = (f"mutation M($input: MallItemUpdateInput!) {{ mallItemUpdate(input: $input) {{ item {{ "
                    f"{ITEM_FIELDS} }} {ERRORS} }} }}")
MALL_ITEM_WITHDRAW = (f"mutation M($input: MallItemWithdrawInput!) {{ mallItemWithdraw(input: $input) {{ item {{ "
                      f"{ITEM_FIELDS} }} {ERRORS} }} }}")
MALL_REDEEM = (f"mutation M($input: MallRedeemInput!) {{ mallRedeem(input: $input) {{ redemption {{ "
               f"{REDEMPTION_FIELDS} }} {ERRORS} }} }}")
REDEMPTION_PICKUP = (f"mutation M($input: RedemptionPickupInput!) {{ redemptionPickup(input: $input) {{ "
                     f"redemption {{ {REDEMPTION_FIELDS} }} {ERRORS} }} }}")
REDEMPTION_CANCEL = (f"mutation M($input: RedemptionCancelInput!) {{ redemptionCancel(input: $input) {{ "
                     f"redemption {{ {REDEMPTION_FIELDS} }} {ERRORS} }} }}")
POINTS_ADJUST = ("mutation M($input: PointsAdjustInput!) { pointsAdjust(input: $input) { transaction { id kind "
                 f"note }} {ERRORS} }} }}")
LEDGER_REVERSE = ("mutation M($input: LedgerTransactionReverseInput!) { ledgerTransactionReverse(input: $input) "
                  f"{{ transaction {{ id kind reversesTransactionId }} {ERRORS} }} }}")
MY_POINTS = "query P($v: ID) { myPoints(volunteer: $v) { balance earned spent expired volunteer { id } } }"
MY_LEDGER = ("query L($v: ID) { myLedger(volunteer: $v) { totalCount edges { node { amount kind note "
             "transactionId reversesTransactionId redemptionId } } } }")
MALL_ITEMS = (f"query I($a: Boolean) {{ mallItems(available: $a) {{ totalCount edges {{ node {{ {ITEM_FIELDS} }} }} "
              "} }")
REDEMPTIONS = f"query R {{ mallRedemptions {{ totalCount edges {{ node {{ {REDEMPTION_FIELDS} }} }} }} }}"
SUMMARY = "query { pointsSummary { earned redeemed expired outstanding volunteersWithPoints redemptions } }"


def pk(global_id: str) -> int:
    return globalid.decode(global_id)[1]


def errors(payload: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@dataclass
class Mall:
    """The world of the module docstring; `as_(name)` is the client of one of its accounts."""

    admin: GraphQLClient
    ids: dict[str, str]
    clients: dict[str, GraphQLClient] = field(default_factory=dict)

    def as_(self, who: str) -> GraphQLClient:
        return self.clients[who]

    def ok(self, who: str, document: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
        payload = self.as_(who).data(document, variables)[name]
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload

    def item(self, **overrides: Any) -> str:
        values = {"unit": self.ids["center"], "pickupStation": self.ids["station"], "name": "环保袋", "price": 30,
                  "stock": 5, **overrides}
        return self.ok("staff", MALL_ITEM_CREATE, {"input": values}, "mallItemCreate")["item"]["id"]

    def give(self, volunteer: str, points: int) -> None:
        self.ok("staff", POINTS_ADJUST, {"input": {"volunteer": self.ids[volunteer], "points": points,
                                                   "reason": "志愿服务奖励"}}, "pointsAdjust")

    def balance(self, volunteer: str) -> int:
        return int(self.admin.data(MY_POINTS, {"v": self.ids[volunteer]})["myPoints"]["balance"])

    def stock(self, item: str) -> int:
        nodes = self.admin.data(MALL_ITEMS)["mallItems"]["edges"]
        return int(next(n["node"]["stock"] for n in nodes if n["node"]["id"] == item))


def build_mall(admin: GraphQLClient, client_for: Callable[..., GraphQLClient]) -> Mall:
    ids: dict[str, str] = {}
    ids["center"] = create_unit(admin, "CENTER", name="昆山市新时代文明实践中心", lat=31.38, lon=120.98)
    ids["institute"] = create_unit(admin, "INSTITUTE", ids["center"], lat=31.38, lon=120.98)
    ids["station"] = create_unit(admin, "STATION", ids["institute"], lat=31.38, lon=120.98)
    ids["other_center"] = create_unit(admin, "CENTER", lat=31.0, lon=121.0)
    for name in ("v1", "v2"):
        ids[name] = register_volunteer(admin, ids["station"])
    mall = Mall(admin, ids)
    grants: dict[str, list[tuple[Role, dict[str, int]]]] = {
        "staff": [(Role.UNIT_ADMIN, {"unit_id": pk(ids["center"])})],
        "station_dispatcher": [(Role.DISPATCHER, {"unit_id": pk(ids["station"])})],
        "outsider": [(Role.UNIT_ADMIN, {"unit_id": pk(ids["other_center"])})],
        "analyst": [(Role.ANALYST, {})],
        "v1": [(Role.VOLUNTEER, {"volunteer_id": pk(ids["v1"])})],
        "v2": [(Role.VOLUNTEER, {"volunteer_id": pk(ids["v2"])})],
    }
    mall.clients = {who: client_for(f"mall-{who}", g) for who, g in grants.items()}
    return mall
