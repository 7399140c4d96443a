"""Service time and no-shows on a two-doctor order: whoever checked in and out is credited their
time on site; whoever accepted but never came is a NO_SHOW once the order completes."""

from __future__ import annotations

from typing import Any

from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_run
from tests.documents import (
    ASSIGNMENT_ACCEPT,
    ASSIGNMENT_CHECK_IN,
    ASSIGNMENT_CHECK_OUT,
    DISPATCH_RUN_COMMIT,
    ORDER_REVIEW,
    ORDER_SUBMIT,
    ORDER_TASKS,
    VOLUNTEER_STATS,
)
from tests.schema.support import create_item, offer

ACTS = {"assignmentAccept": ASSIGNMENT_ACCEPT, "assignmentCheckIn": ASSIGNMENT_CHECK_IN,
        "assignmentCheckOut": ASSIGNMENT_CHECK_OUT}


def _act(api: DispatchClient, field: str, task: dict[str, Any], at: str | None = None) -> dict[str, Any]:
    variables = {"input": {"assignment": task["id"], "volunteer": task["volunteer"]["id"], "at": at}}
    return api.ok(ACTS[field], variables, field)


def test_the_absent_volunteer_is_a_no_show_and_only_time_on_site_counts(api: DispatchClient, world: dict[str, Any]
                                                                        ) -> None:
    pair_item = create_item(api, world["doctor"], headcount=2, teams=[world["team"]])
    offer(api, world["center"], pair_item)
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.335, 117.955, name="王医生")
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.34, 117.95, name="赵医生")
    order = api.ok(ORDER_SUBMIT, {"input": {
        "item": pair_item, "unit": world["east"], "residentName": "李大爷", "location": {"lat": 34.331, "lon": 117.961},
        "windowStart": f"{DAY}T14:00:00", "windowEnd": f"{DAY}T16:00:00", "headcount": 2, "channel": "STATION",
    }}, "orderSubmit")["order"]["id"]
    api.ok(ORDER_REVIEW, {"input": {"order": order}}, "orderReview")
    run = start_run(api, world["center"])
    assert len(api.wait_run(run)["proposals"]) == 2
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
    present, absent = api.data(ORDER_TASKS, {"order": order})["orderTasks"]
    _act(api, "assignmentAccept", present)
    assert _act(api, "assignmentAccept", absent)["assignment"]["order"] == {"status": "CONFIRMED"}

    _act(api, "assignmentCheckIn", present, f"{DAY}T13:50:00")
    done = _act(api, "assignmentCheckOut", present, f"{DAY}T16:20:00")
    assert done["assignment"] == {"status": "COMPLETED", "serviceRecord": {"creditMinutes": 150},
                                  "order": {"status": "COMPLETED"}}

    statuses = {t["volunteer"]["id"]: t["status"] for t in api.data(ORDER_TASKS, {"order": order})["orderTasks"]}
    assert statuses == {present["volunteer"]["id"]: "COMPLETED", absent["volunteer"]["id"]: "NO_SHOW"}
    assert api.data(VOLUNTEER_STATS, {"volunteer": present["volunteer"]["id"]})["volunteerStats"] == {
        "creditHours": 2.5, "honourHours": 0.0, "tasksCompleted": 1, "averageRating": None, "noShows": 0}
    assert api.data(VOLUNTEER_STATS, {"volunteer": absent["volunteer"]["id"]})["volunteerStats"] == {
        "creditHours": 0.0, "honourHours": 0.0, "tasksCompleted": 0, "averageRating": None, "noShows": 1}
