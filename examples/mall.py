"""Kunshan's exchange mall (积分兑换商城): what volunteers may exchange their points for.

The bulletin says Kunshan's points are exchanged "for public services or goods"; the items below
are invented examples of both, offered by the center (picked up there) and by each institute
(picked up at its first station). Names, prices and stock are invented: the whole mall is
example data (mall items have no `synthetic` column).
"""

from __future__ import annotations

from datetime import datetime

from examples.network import Network
from examples.rows import Ids, Tables

#: (name, description, price in points, stock, per-person limit)
CENTER_ITEMS: tuple[tuple[str, str, int, int, int | None], ...] = (
    ("昆曲演出门票", "昆山市文化艺术中心公益场次一张", 200, 40, 2),
    ("周庄古镇游览券", "周庄景区单人门票一张", 300, 20, 1),
    ("公共自行车年卡", "城区公共自行车一年免押金骑行", 150, 100, 1),
    ("图书馆借阅VIP卡", "昆山图书馆借阅上限加倍一年", 80, 200, None),
)
INSTITUTE_ITEMS: tuple[tuple[str, str, int, int, int | None], ...] = (
    ("志愿者帆布袋", "印有文明实践标识的帆布袋", 30, 50, 2),
    ("社区理发服务", "社区便民理发一次", 20, 30, 4),
    ("体检套餐", "社区卫生服务中心基础体检一次", 120, 10, 1),
)


def build_mall(city_key: str, ids: Ids, tables: Tables, network: Network, created_at: datetime) -> None:
    """Add Kunshan's mall items to `tables` (other cities have none yet)."""
    if city_key != "kunshan":
        return
    offers = [(network.center.id, network.center.id, item) for item in CENTER_ITEMS]
    for institute in network.institutes:
        station = institute.children[0].id if institute.children else institute.id
        offers += [(institute.id, station, item) for item in INSTITUTE_ITEMS]
    for unit, pickup, (name, description, price, stock, limit) in offers:
        tables["mall_items"].append({
            "id": ids.take("mall_items"), "unit_id": unit, "pickup_unit_id": pickup, "name": name,
            "description": description, "price": price, "stock": stock, "per_person_limit": limit,
            "valid_from": None, "valid_until": None, "withdrawn_at": None, "created_at": created_at,
        })
