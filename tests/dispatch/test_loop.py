"""The whole closed loop through GraphQL, as a frontend would drive it (点单 -> 派单 -> 接单 -> 评单):
submit and review orders, start a dispatch run and watch its progress by subscription, commit it,
accept, decline and let the repair run refill the gap, check in, check out, rate, and read the
audit trail, notifications and statistics. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from tests.auth.support import ADMIN
from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_run, submit_order
from tests.documents import (
    ASSIGNMENT_ACCEPT,
    ASSIGNMENT_CHECK_IN,
    ASSIGNMENT_CHECK_OUT,
    ASSIGNMENT_DECLINE,
    DISPATCH_RUN,
    DISPATCH_RUN_COMMIT,
    DISPATCH_RUN_PROGRESS,
    MY_TASKS,
    NOTIFICATIONS,
    ORDER_HISTORY,
    ORDER_RATE,
    OUTBOX,
    VOLUNTEER_STATS,
    run_lists,
)

CORRECT = """
mutation Correct($input: ServiceRecordCorrectInput!) {
  serviceRecordCorrect(input: $input) {
    assignment { serviceRecord { creditMinutes honourMinutes corrections { minutes staff reason } } }
    userErrors { field message code }
  }
}
"""

TEAM_STATS = """
query TeamStats($team: ID!) { teamStats(team: $team) { creditHours honourHours tasksCompleted averageRating noShows } }
"""


def _task(api: DispatchClient, volunteer: str) -> dict[str, Any]:
    tasks = api.data(MY_TASKS, {"volunteer": volunteer})["myTasks"]
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_the_whole_loop(api: DispatchClient, world: dict[str, Any]) -> None:
    # Given doctors Wang and Zhao near the east station, Li near the west station,
    wang = register_doctor(api, world["east"], world["team"], world["doctor"], 34.335, 117.955, name="王医生")
    zhao = register_doctor(api, world["east"], world["team"], world["doctor"], 34.36, 117.99, name="赵医生")
    li = register_doctor(api, world["west"], world["team"], world["doctor"], 34.32, 117.81, name="李医生")
    # and two residents' orders for a free clinic, reviewed by staff.
    east_order = submit_order(api, world, world["east"], 34.331, 117.961)
    west_order = submit_order(api, world, world["west"], 34.331, 117.801)

    # When the dispatcher starts a run over the whole center, it returns at once, QUEUED or later,
    run = start_run(api, world["center"])
    # and the progress subscription streams the run until it ends.
    with api.subscription(DISPATCH_RUN_PROGRESS, {"run": run}) as next_update:
        updates = []
        while (update := next_update()) is not None:
            updates.append(update["dispatchRunProgress"])
    assert updates[-1]["state"] == "SUCCEEDED"
    assert updates[-1]["progress"]["phase"] == "done"
    assert updates[-1]["progress"]["bestObjective"] == {"staffing": 6}  # two orders of priority 3
    order_of_states = ["QUEUED", "RUNNING", "SUCCEEDED"]
    assert [order_of_states.index(u["state"]) for u in updates] == sorted(order_of_states.index(u["state"])
                                                                          for u in updates)

    # Then the run proposes the nearest doctor for each order, with the engine's explanation.
    proposals = run_lists(api.data(DISPATCH_RUN, {"id": run})["dispatchRun"])["proposals"]
    assert {(p["order"]["id"], p["volunteer"]["id"]) for p in proposals} == {(east_order, wang), (west_order, li)}
    east = next(p for p in proposals if p["order"]["id"] == east_order)
    assert east["explanation"]["skillsMatched"] == [{"skill": "doctor", "level": 3}]
    assert east["explanation"]["runnerUp"]["reason"] == "FARTHER"  # Zhao lives farther away
    assert east["start"] == f"{DAY}T09:00:00"

    # When the dispatcher commits, while Zhao's app listens for notifications,
    cursor = api.data(OUTBOX, {"after": None})["outbox"]["endCursor"]
    with api.subscription(NOTIFICATIONS, {"volunteer": zhao, "after": cursor}) as zhao_notified:
        committed = api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
        assert committed["run"]["committedAt"] is not None
        # then Wang and Li are offered their tasks.
        wang_task = _task(api, wang)
        assert (wang_task["status"], wang_task["order"]["status"]) == ("OFFERED", "DISPATCHED")
        li_task = _task(api, li)

        # When Wang declines, a repair run keeps Li and refills the east order with Zhao.
        declined = api.ok(ASSIGNMENT_DECLINE, {"input": {"assignment": wang_task["id"], "volunteer": wang,
                                              "reason": "家里有事"}}, "assignmentDecline")
        assert declined["assignment"] == {"status": "DECLINED", "declineReason": "家里有事"}
        assert declined["repairRun"]["kind"] == "REPAIR"
        repair = api.wait_run(declined["repairRun"]["id"])
        assert repair["state"] == "SUCCEEDED" and repair["committedAt"] is not None, repair
        # Zhao hears about the new task live.
        offered = zhao_notified()["notifications"]
        assert (offered["kind"], offered["order"]) == ("TASK_OFFERED", east_order)
    zhao_task = _task(api, zhao)
    assert (zhao_task["status"], zhao_task["order"]["id"]) == ("OFFERED", east_order)
    assert _task(api, li)["id"] == li_task["id"]  # Li's task was kept, not re-created

    # When both accept, the orders are CONFIRMED.
    accepted = api.ok(ASSIGNMENT_ACCEPT, {"input": {"assignment": zhao_task["id"], "volunteer": zhao}},
                      "assignmentAccept")
    assert accepted["assignment"] == {"status": "ACCEPTED", "order": {"status": "CONFIRMED"}}
    api.ok(ASSIGNMENT_ACCEPT, {"input": {"assignment": li_task["id"], "volunteer": li}}, "assignmentAccept")

    # When Zhao checks in at 09:05 and out at 11:00 (local time), the order is in service, then completed,
    checked_in = api.ok(ASSIGNMENT_CHECK_IN, {"input": {"assignment": zhao_task["id"], "volunteer": zhao,
                                             "at": f"{DAY}T09:05:00"}}, "assignmentCheckIn")
    assert checked_in["assignment"] == {"status": "CHECKED_IN", "order": {"status": "IN_SERVICE"}}
    checked_out = api.ok(ASSIGNMENT_CHECK_OUT, {"input": {"assignment": zhao_task["id"], "volunteer": zhao,
                                               "at": f"{DAY}T11:00:00+08:00"}}, "assignmentCheckOut")
    # and Zhao is credited the 115 minutes on site (travel excluded).
    assert checked_out["assignment"] == {"status": "COMPLETED", "serviceRecord": {"creditMinutes": 115},
                                         "order": {"status": "COMPLETED"}}

    # When staff add half an hour of honour time, it is kept apart from the credit time and audited.
    corrected = api.ok(CORRECT, {"input": {"assignment": zhao_task["id"], "minutes": 30,
                                           "reason": "提前布置场地"}}, "serviceRecordCorrect")
    assert corrected["assignment"]["serviceRecord"] == {
        "creditMinutes": 115, "honourMinutes": 30,
        "corrections": [{"minutes": 30, "staff": ADMIN, "reason": "提前布置场地"}]}

    # When the resident rates the clinic, the order is RATED.
    rated = api.ok(ORDER_RATE, {"input": {"order": east_order, "score": 5, "comment": "很好"}}, "orderRate")
    assert rated["rating"] == {"score": 5, "comment": "很好"}

    # Then the audit trail tells the order's whole story,
    history = api.data(ORDER_HISTORY, {"order": east_order})["orderHistory"]
    assert [(h["fromStatus"], h["toStatus"]) for h in history] == [
        ("SUBMITTED", "REVIEWED"), ("REVIEWED", "DISPATCHED"), ("DISPATCHED", "REVIEWED"),
        ("REVIEWED", "DISPATCHED"), ("DISPATCHED", "CONFIRMED"), ("CONFIRMED", "IN_SERVICE"),
        ("IN_SERVICE", "COMPLETED"), ("COMPLETED", "RATED")]
    # every line by the signed-in account (here the platform admin), never a name the client typed
    assert {h["actor"] for h in history} <= {ADMIN, "repair"} and history[0]["actor"] == ADMIN
    assert "家里有事" in history[2]["note"]
    # the statistics count Zhao's hours, task and rating,
    assert api.data(VOLUNTEER_STATS, {"volunteer": zhao})["volunteerStats"] == {
        "creditHours": 1.92, "honourHours": 0.5, "tasksCompleted": 1, "averageRating": 5.0, "noShows": 0}
    assert api.data(TEAM_STATS, {"team": world["team"]})["teamStats"]["tasksCompleted"] == 1
    # and the outbox holds every notification in order, resumable from any cursor.
    page = api.data(OUTBOX, {"after": None})["outbox"]
    kinds = [e["kind"] for e in page["events"]]
    assert kinds.count("TASK_OFFERED") == 3 and "TASK_CHANGED" in kinds
    assert api.data(OUTBOX, {"after": page["endCursor"]})["outbox"]["events"] == []
    middle = page["events"][3]["cursor"]
    assert api.data(OUTBOX, {"after": middle})["outbox"]["events"] == page["events"][4:]
