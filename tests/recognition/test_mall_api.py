"""The exchange mall and the points ledger through the API, on SQLite and PostgreSQL: staff offer
items, a volunteer redeems his own points, the pickup station confirms, a cancellation refunds by a
reversing transaction; bad input and foreign callers get coded userErrors and nothing is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from tests.recognition.support import (
    LEDGER_REVERSE,
    MALL_ITEM_CREATE,
    MALL_ITEM_UPDATE,
    MALL_ITEM_WITHDRAW,
    MALL_ITEMS,
    MALL_REDEEM,
    MY_LEDGER,
    MY_POINTS,
    POINTS_ADJUST,
    REDEMPTION_CANCEL,
    REDEMPTION_PICKUP,
    REDEMPTIONS,
    SUMMARY,
    Mall,
    errors,
)
from tests.schema.support import StatementCounter


def _redeem(mall: Mall, who: str, item: str, volunteer: str | None = None, **extra: Any) -> dict[str, Any]:
    variables = {"input": {"item": item, "volunteer": mall.ids[volunteer or who], **extra}}
    return mall.as_(who).data(MALL_REDEEM, variables)["mallRedeem"]


def test_a_volunteer_redeems_his_points_the_station_hands_over_and_a_cancellation_refunds(mall: Mall) -> None:
    item = mall.item(price=30, stock=2, perPersonLimit=2)
    mall.give("v1", 100)
    assert mall.as_("v1").data(MY_POINTS)["myPoints"] == {"balance": 100, "earned": 100, "spent": 0, "expired": 0,
                                                          "volunteer": {"id": mall.ids["v1"]}}
    first = _redeem(mall, "v1", item)
    assert first["userErrors"] == []
    assert (first["redemption"]["state"], first["redemption"]["points"]) == ("RESERVED", 30)
    assert (mall.balance("v1"), mall.stock(item)) == (70, 1)
    # the pickup station's dispatcher confirms the pickup
    picked = mall.ok("station_dispatcher", REDEMPTION_PICKUP, {"input": {"redemption": first["redemption"]["id"]}},
                     "redemptionPickup")["redemption"]
    assert picked["state"] == "PICKED_UP" and picked["pickedUpAt"] is not None
    # a second one, cancelled by the volunteer: points and stock come back
    second = _redeem(mall, "v1", item)["redemption"]
    assert (mall.balance("v1"), mall.stock(item)) == (40, 0)
    cancelled = mall.ok("v1", REDEMPTION_CANCEL, {"input": {"redemption": second["id"], "reason": "没时间去领"}},
                        "redemptionCancel")["redemption"]
    assert cancelled["state"] == "CANCELLED"
    assert (mall.balance("v1"), mall.stock(item)) == (70, 1)
    ledger = mall.as_("v1").data(MY_LEDGER)["myLedger"]
    assert [(e["node"]["kind"], e["node"]["amount"]) for e in ledger["edges"]] == [
        ("ADJUST", 100), ("REDEEM", -30), ("REDEEM", -30), ("REFUND", 30)]
    redeem_tx, refund = ledger["edges"][2]["node"], ledger["edges"][3]["node"]
    assert refund["reversesTransactionId"] == redeem_tx["transactionId"]
    assert refund["redemptionId"] == second["id"]
    assert mall.as_("v1").data(MY_POINTS)["myPoints"]["spent"] == 30
    # a cancelled or picked-up redemption does not change again
    again = mall.as_("v1").data(REDEMPTION_CANCEL, {"input": {"redemption": second["id"]}})["redemptionCancel"]
    assert errors(again) == [(["input", "redemption"], "REDEMPTION_STATE")]
    assert mall.balance("v1") == 70
    # staff read the redemptions of their items, the volunteer his own, the other volunteer none
    assert mall.as_("staff").data(REDEMPTIONS)["mallRedemptions"]["totalCount"] == 2
    assert mall.as_("v1").data(REDEMPTIONS)["mallRedemptions"]["totalCount"] == 2
    assert mall.as_("v2").data(REDEMPTIONS)["mallRedemptions"]["totalCount"] == 0


def test_bad_item_input_gets_coded_errors_naming_the_field_and_writes_nothing(mall: Mall) -> None:
    base = {"unit": mall.ids["center"], "pickupStation": mall.ids["station"], "name": "环保袋", "price": 10, "stock": 1}
    cases = [
        ({"price": 0}, [(["input", "price"], "OUT_OF_RANGE")]),
        ({"price": -5}, [(["input", "price"], "OUT_OF_RANGE")]),
        ({"stock": -1}, [(["input", "stock"], "OUT_OF_RANGE")]),
        ({"perPersonLimit": 0}, [(["input", "perPersonLimit"], "OUT_OF_RANGE")]),
        ({"name": " "}, [(["input", "name"], "REQUIRED")]),
        ({"validFrom": "2026-12-10T00:00:00", "validUntil": "2026-12-01T00:00:00"},
         [(["input", "validUntil"], "OUT_OF_RANGE")]),
        ({"price": 0, "stock": -2}, [(["input", "price"], "OUT_OF_RANGE"), (["input", "stock"], "OUT_OF_RANGE")]),
        ({"pickupStation": mall.ids["other_center"]}, [(["input", "pickupStation"], "OUT_OF_RANGE")]),
    ]
    for change, expected in cases:
        payload = mall.as_("staff").data(MALL_ITEM_CREATE, {"input": {**base, **change}})["mallItemCreate"]
        assert (payload["item"], errors(payload)) == (None, expected), change
    assert mall.admin.data(MALL_ITEMS)["mallItems"]["totalCount"] == 0
    item = mall.item(price=10, stock=1)
    payload = mall.as_("staff").data(MALL_ITEM_UPDATE, {"input": {"item": item, "price": 0}})["mallItemUpdate"]
    assert errors(payload) == [(["input", "price"], "OUT_OF_RANGE")]
    assert mall.admin.data(MALL_ITEMS)["mallItems"]["edges"][0]["node"]["price"] == 10


def test_redemptions_that_cannot_be_served_are_refused_and_write_nothing(mall: Mall) -> None:
    cheap = mall.item(name="书签", price=10, stock=1, perPersonLimit=1)
    dear = mall.item(name="保温杯", price=500, stock=3)
    over = mall.item(name="雨伞", price=10, stock=3, validUntil="2020-01-01T00:00:00")
    withdrawn = mall.item(name="徽章", price=10, stock=3)
    mall.ok("staff", MALL_ITEM_WITHDRAW, {"input": {"item": withdrawn}}, "mallItemWithdraw")
    mall.give("v1", 100)
    mall.give("v2", 100)
    refusals = [
        (_redeem(mall, "v1", cheap, volunteer="v2"), [(["input", "volunteer"], "NOT_YOUR_POINTS")]),
        (_redeem(mall, "v1", dear), [(["input", "volunteer"], "INSUFFICIENT_POINTS")]),
        (_redeem(mall, "v1", over), [(["input", "item"], "NOT_AVAILABLE")]),
        (_redeem(mall, "v1", withdrawn), [(["input", "item"], "NOT_AVAILABLE")]),
        (_redeem(mall, "v1", cheap, quantity=2), [(["input", "item"], "OUT_OF_STOCK")]),
        (_redeem(mall, "v1", cheap, quantity=0), [(["input", "quantity"], "OUT_OF_RANGE")]),
        (_redeem(mall, "v1", mall.ids["v1"]), [(["input", "item"], "MALFORMED_ID")]),
    ]
    for payload, expected in refusals:
        assert (payload["redemption"], errors(payload)) == (None, expected)
    assert (mall.balance("v1"), mall.balance("v2")) == (100, 100)
    assert mall.admin.data(REDEMPTIONS)["mallRedemptions"]["totalCount"] == 0
    # the per-person limit: one each, the second is refused; and then the stock is gone
    limited = mall.item(name="门票", price=10, stock=5, perPersonLimit=1)
    assert _redeem(mall, "v1", limited)["userErrors"] == []
    assert errors(_redeem(mall, "v1", limited)) == [(["input", "quantity"], "OVER_LIMIT")]
    assert _redeem(mall, "v2", cheap)["userErrors"] == []
    assert errors(_redeem(mall, "v1", cheap)) == [(["input", "item"], "OUT_OF_STOCK")]
    assert (mall.balance("v1"), mall.balance("v2"), mall.stock(limited), mall.stock(cheap)) == (90, 90, 4, 0)
    assert [n["node"]["name"] for n in mall.admin.data(MALL_ITEMS, {"a": True})["mallItems"]["edges"]] == [
        "保温杯", "门票"]


def test_callers_outside_the_scope_are_refused(mall: Mall) -> None:
    item = mall.item()
    mall.give("v1", 100)
    redemption = _redeem(mall, "v1", item)["redemption"]["id"]
    # a volunteer neither offers items nor adjusts points (the root gate)
    body = mall.as_("v1").execute(MALL_ITEM_CREATE, {"input": {"unit": mall.ids["center"],
                                                               "pickupStation": mall.ids["station"], "name": "x",
                                                               "price": 1, "stock": 1}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # another center's admin: not his item, not his redemption, not his volunteer
    outsider = mall.as_("outsider")
    assert errors(outsider.data(MALL_ITEM_UPDATE, {"input": {"item": item, "price": 1}})["mallItemUpdate"]) == [
        (["input", "item"], "FORBIDDEN")]
    assert errors(outsider.data(REDEMPTION_PICKUP, {"input": {"redemption": redemption}})["redemptionPickup"]) == [
        (["input", "redemption"], "NOT_FOUND")]
    adjust = outsider.data(POINTS_ADJUST, {"input": {"volunteer": mall.ids["v1"], "points": 5, "reason": "x"}})
    assert errors(adjust["pointsAdjust"]) == [(["input", "volunteer"], "NOT_FOUND")]
    assert outsider.data(MY_POINTS, {"v": mall.ids["v1"]})["myPoints"] is None
    # the other volunteer neither reads nor cancels v1's points
    assert mall.as_("v2").data(MY_POINTS, {"v": mall.ids["v1"]})["myPoints"] is None
    assert mall.as_("v2").data(MY_LEDGER, {"v": mall.ids["v1"]})["myLedger"]["totalCount"] == 0
    cancel = mall.as_("v2").data(REDEMPTION_CANCEL, {"input": {"redemption": redemption}})["redemptionCancel"]
    assert errors(cancel) == [(["input", "redemption"], "NOT_FOUND")]
    # analysts read totals only
    body = mall.as_("analyst").execute(MY_POINTS, {"v": mall.ids["v1"]})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert mall.as_("analyst").data(SUMMARY)["pointsSummary"] == {
        "earned": 100, "redeemed": 30, "expired": 0, "outstanding": 70, "volunteersWithPoints": 1, "redemptions": 1}
    assert mall.as_("outsider").data(SUMMARY)["pointsSummary"]["outstanding"] == 0  # his subtree holds none
    assert mall.balance("v1") == 70


def test_a_mistake_is_reversed_once_and_adjustments_are_bounded(mall: Mall) -> None:
    mall.give("v1", 40)
    item = mall.item(price=10)
    redeemed = _redeem(mall, "v1", item)
    assert redeemed["userErrors"] == []
    entries = mall.admin.data(MY_LEDGER, {"v": mall.ids["v1"]})["myLedger"]["edges"]
    adjust_tx, redeem_tx = (e["node"]["transactionId"] for e in entries)
    staff = mall.as_("staff")
    # a redemption is undone by cancelling it, not by a reversal
    payload = staff.data(LEDGER_REVERSE, {"input": {"transaction": redeem_tx, "reason": "误"}})
    assert errors(payload["ledgerTransactionReverse"]) == [(["input", "transaction"], "NOT_REVERSIBLE")]
    # the adjustment of 40 cannot be taken back while 10 of it are spent
    payload = staff.data(LEDGER_REVERSE, {"input": {"transaction": adjust_tx, "reason": "误"}})
    assert errors(payload["ledgerTransactionReverse"]) == [(["input", "transaction"], "INSUFFICIENT_POINTS")]
    mall.ok("v1", REDEMPTION_CANCEL, {"input": {"redemption": redeemed["redemption"]["id"]}}, "redemptionCancel")
    reversed_ = mall.ok("staff", LEDGER_REVERSE, {"input": {"transaction": adjust_tx, "reason": "发错人了"}},
                        "ledgerTransactionReverse")["transaction"]
    assert (reversed_["kind"], reversed_["reversesTransactionId"]) == ("REVERSAL", adjust_tx)
    assert mall.balance("v1") == 0
    payload = staff.data(LEDGER_REVERSE, {"input": {"transaction": adjust_tx, "reason": "再来"}})
    assert errors(payload["ledgerTransactionReverse"]) == [(["input", "transaction"], "ALREADY_REVERSED")]
    payload = staff.data(LEDGER_REVERSE, {"input": {"transaction": adjust_tx, "reason": " "}})
    assert errors(payload["ledgerTransactionReverse"]) == [(["input", "reason"], "REQUIRED")]
    # adjustments: never zero, never past the bound, never below what the volunteer holds
    for points, expected in ((0, "OUT_OF_RANGE"), (10_001, "OUT_OF_RANGE"), (-1, "INSUFFICIENT_POINTS")):
        payload = staff.data(POINTS_ADJUST, {"input": {"volunteer": mall.ids["v1"], "points": points,
                                                       "reason": "调整"}})["pointsAdjust"]
        assert errors(payload) == [(["input", "points"], expected)], points
    assert mall.balance("v1") == 0
    assert mall.admin.data(MY_LEDGER, {"v": mall.ids["v1"]})["myLedger"]["totalCount"] == 4


def test_reading_the_ledger_and_the_mall_costs_the_same_statements_for_one_row_or_many(
        mall: Mall, engine: Engine) -> None:
    reads = [(MY_LEDGER, {"v": mall.ids["v1"]}), (MALL_ITEMS, {}), (REDEMPTIONS, {})]

    def costs() -> list[int]:
        counter = StatementCounter(engine)
        try:
            result = []
            for document, variables in reads:
                counter.reset()
                mall.admin.data(document, variables)
                result.append(counter.count)
            return result
        finally:
            counter.remove()

    item = mall.item(price=1, stock=50)
    mall.give("v1", 10)
    _redeem(mall, "v1", item)
    one = costs()
    for _ in range(4):
        mall.give("v1", 10)
        mall.item(price=1, stock=5)
        _redeem(mall, "v1", item)
    assert costs() == one
