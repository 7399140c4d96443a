"""A decline on a two-doctor order: the repair run (the engine's re-solve with stability) keeps
the doctor who accepted, untouched, and offers the gap to someone else; the decliner is not asked
again."""

from __future__ import annotations

from typing import Any

from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_run
from tests.documents import (
    ASSIGNMENT_ACCEPT,
    ASSIGNMENT_DECLINE,
    DISPATCH_RUN,
    DISPATCH_RUN_COMMIT,
    ORDER_REVIEW,
    ORDER_SUBMIT,
    ORDER_TASKS,
)
from tests.schema.support import create_item, offer


def test_a_repair_keeps_who_accepted_and_refills_the_gap(api: DispatchClient, world: dict[str, Any]) -> None:
    pair_item = create_item(api, world["doctor"], headcount=2, teams=[world["team"]])
    offer(api, world["center"], pair_item)
    near = [register_doctor(api, world["east"], world["team"], world["doctor"], 34.335, 117.955 + i / 1000)
            for i in range(2)]
    spare = register_doctor(api, world["east"], world["team"], world["doctor"], 34.40, 118.02)  # farther away
    order = api.ok(ORDER_SUBMIT, {"input": {
        "item": pair_item, "unit": world["east"], "residentName": "李大爷", "location": {"lat": 34.331, "lon": 117.961},
        "windowStart": f"{DAY}T14:00:00", "windowEnd": f"{DAY}T16:00:00", "headcount": 2, "channel": "STATION",
    }}, "orderSubmit")["order"]["id"]
    api.ok(ORDER_REVIEW, {"input": {"order": order}}, "orderReview")
    run = start_run(api, world["center"])
    assert sorted(p["volunteer"]["id"] for p in api.wait_run(run)["proposals"]) == sorted(near)
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
    stays, leaves = api.data(ORDER_TASKS, {"order": order})["orderTasks"]
    api.ok(ASSIGNMENT_ACCEPT, {"input": {"assignment": stays["id"], "volunteer": stays["volunteer"]["id"]}},
           "assignmentAccept")

    repair = api.ok(ASSIGNMENT_DECLINE, {"input": {"assignment": leaves["id"], "volunteer": leaves["volunteer"]["id"],
                                        "reason": "临时出差"}}, "assignmentDecline")["repairRun"]["id"]
    api.wait_run(repair)

    after = api.data(ORDER_TASKS, {"order": order})["orderTasks"]
    tasks = {t["id"]: (t["volunteer"]["id"], t["status"]) for t in after}
    assert tasks[stays["id"]] == (stays["volunteer"]["id"], "ACCEPTED")  # the same task, untouched
    assert tasks[leaves["id"]] == (leaves["volunteer"]["id"], "DECLINED")
    new = [v for tid, (v, status) in tasks.items() if status == "OFFERED"]
    assert new == [spare]
    moved = api.data(DISPATCH_RUN, {"id": repair})["dispatchRun"]
    assert moved["kind"] == "REPAIR" and moved["committedAt"] is not None
    assert moved["moved"] == {"kept": [{"volunteer": stays["volunteer"]["id"]}], "added": [{"volunteer": spare}],
                              "removed": []}
