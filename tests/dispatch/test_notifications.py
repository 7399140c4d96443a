"""The outbox: events in order with a cursor, per order and per volunteer, reminders sent once,
and the per-order subscription seeing a status change live."""

from __future__ import annotations

from typing import Any

from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_run, submit_order
from tests.documents import DISPATCH_RUN_COMMIT, NOTIFICATIONS, ORDER_CANCEL, OUTBOX

REMIND = """
mutation Remind($input: TaskRemindersSendInput!) {
  taskRemindersSend(input: $input) { queued userErrors { field message code } }
}
"""


def test_reminders_are_queued_once_per_task_starting_soon(api: DispatchClient, world: dict[str, Any]) -> None:
    wang = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    order = submit_order(api, world, world["east"], 34.33, 117.96)
    run = start_run(api, world["center"])
    api.wait_run(run)
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")

    too_early = api.ok(REMIND, {"input": {"hoursAhead": 2, "now": f"{DAY}T06:00:00"}}, "taskRemindersSend")
    first = api.ok(REMIND, {"input": {"hoursAhead": 24, "now": f"{DAY}T06:00:00"}}, "taskRemindersSend")
    again = api.ok(REMIND, {"input": {"hoursAhead": 24, "now": f"{DAY}T07:00:00"}}, "taskRemindersSend")
    assert (too_early["queued"], first["queued"], again["queued"]) == (0, 1, 0)
    bad = api.data(REMIND, {"input": {"hoursAhead": 0}})["taskRemindersSend"]
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [(["input", "hoursAhead"], "OUT_OF_RANGE")]

    mine = api.data(OUTBOX, {"volunteer": wang})["outbox"]["events"]
    assert [e["kind"] for e in mine] == ["TASK_OFFERED", "TASK_REMINDER"]
    assert mine[1]["payload"]["start"] == f"{DAY}T09:00:00"
    of_order = api.data(OUTBOX, {"order": order})["outbox"]["events"]
    assert [(e["kind"], e["payload"].get("to_status")) for e in of_order] == [
        ("ORDER_STATUS_CHANGED", "REVIEWED"), ("TASK_OFFERED", None), ("ORDER_STATUS_CHANGED", "DISPATCHED"),
        ("TASK_REMINDER", None)]
    # Paging with a cursor returns the same events, in the same order, without gaps or repeats.
    pages, after = [], None
    while page := api.data(OUTBOX, {"after": after, "first": 2})["outbox"]["events"]:
        pages.extend(page)
        after = page[-1]["cursor"]
    assert pages == api.data(OUTBOX)["outbox"]["events"]


def test_an_order_subscription_sees_its_cancellation_and_the_volunteer_is_told(
        api: DispatchClient, world: dict[str, Any]) -> None:
    wang = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    order = submit_order(api, world, world["east"], 34.33, 117.96)
    run = start_run(api, world["center"])
    api.wait_run(run)
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
    # A client resumes from the last cursor it handled, so nothing between its read and its subscribe is lost.
    cursor = api.data(OUTBOX, {"order": order})["outbox"]["endCursor"]
    with api.subscription(NOTIFICATIONS, {"order": order, "after": cursor}) as next_update:
        cancelled = api.data(ORDER_CANCEL, {"input": {"order": order, "reason": "下雨改期"}})["orderCancel"]
        assert cancelled == {"order": {"status": "CANCELLED"}, "userErrors": []}
        seen = [next_update()["notifications"] for _ in range(2)]
    assert {e["kind"] for e in seen} == {"ORDER_STATUS_CHANGED", "TASK_CANCELLED"}
    status_change = next(e for e in seen if e["kind"] == "ORDER_STATUS_CHANGED")
    assert status_change["payload"]["to_status"] == "CANCELLED" and status_change["payload"]["note"] == "下雨改期"
    told = api.data(OUTBOX, {"volunteer": wang})["outbox"]["events"]
    assert [e["kind"] for e in told] == ["TASK_OFFERED", "TASK_CANCELLED"]
