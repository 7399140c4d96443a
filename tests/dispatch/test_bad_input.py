"""Refusals of the workflow: each a userErrors entry with a stable code, and nothing written.

Illegal order transitions, starting a run on an empty scope, committing a cancelled or already
committed run, accepting someone else's task, checking out before checking in, rating twice.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from typing import Any

import pytest

import matching
from resolvers.core import globalid
from resolvers.dispatch import runs
from tests.auth.serving import wait_for
from tests.auth.support import ADMIN
from tests.dispatch.support import DAY, DispatchClient, register_doctor, start_held_run, start_run, submit_order
from tests.documents import (
    ASSIGNMENT_ACCEPT,
    ASSIGNMENT_CHECK_IN,
    ASSIGNMENT_CHECK_OUT,
    DISPATCH_RUN,
    DISPATCH_RUN_COMMIT,
    DISPATCH_RUN_START,
    MY_TASKS,
    ORDER_CANCEL,
    ORDER_HISTORY,
    ORDER_RATE,
    ORDER_REJECT,
    ORDER_REVIEW,
    OUTBOX,
)

RUN_CANCEL = """
mutation Cancel($input: DispatchRunInput!) {
  dispatchRunCancel(input: $input) { run { state reason } userErrors { field message code } }
}
"""


def _errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def test_illegal_transitions_are_refused_and_leave_no_trace(api: DispatchClient, world: dict[str, Any]) -> None:
    order = submit_order(api, world, world["east"], 34.33, 117.96)  # reviewed
    events_before = api.data(OUTBOX)["outbox"]["events"]

    again = api.data(ORDER_REVIEW, {"input": {"order": order}})["orderReview"]
    rejected = api.data(ORDER_REJECT, {"input": {"order": order, "reason": "不在服务范围"}})["orderReject"]
    blank = api.data(ORDER_CANCEL, {"input": {"order": order, "reason": "  "}})["orderCancel"]

    assert _errors(again) == [(["input", "order"], "ILLEGAL_TRANSITION")]
    assert "is REVIEWED; it cannot become REVIEWED" in again["userErrors"][0]["message"]
    assert _errors(rejected) == [(["input", "order"], "ILLEGAL_TRANSITION")]
    assert _errors(blank) == [(["input", "reason"], "REQUIRED")]
    assert api.data(ORDER_HISTORY, {"order": order})["orderHistory"] == [
        {"fromStatus": "SUBMITTED", "toStatus": "REVIEWED", "actor": ADMIN, "note": ""}]
    assert api.data(OUTBOX)["outbox"]["events"] == events_before

    cancelled = api.data(ORDER_CANCEL, {"input": {"order": order, "reason": "居民取消"}})["orderCancel"]
    assert cancelled == {"order": {"status": "CANCELLED"}, "userErrors": []}
    revived = api.data(ORDER_REVIEW, {"input": {"order": order}})["orderReview"]
    assert _errors(revived) == [(["input", "order"], "ILLEGAL_TRANSITION")]
    assert "nothing (final)" in revived["userErrors"][0]["message"]


def test_a_run_over_a_scope_without_reviewed_orders_is_refused(api: DispatchClient, world: dict[str, Any]) -> None:
    submit_order(api, world, world["east"], 34.33, 117.96, review=False)  # submitted, not reviewed
    out = api.data(DISPATCH_RUN_START, {"input": {"scope": world["center"], "from": DAY, "to": DAY}})
    assert _errors(out["dispatchRunStart"]) == [(["input", "scope"], "EMPTY_SCOPE")]
    backwards = api.data(DISPATCH_RUN_START, {"input": {"scope": world["center"], "from": DAY, "to": "2026-12-01"}})
    assert _errors(backwards["dispatchRunStart"]) == [(["input", "to"], "OUT_OF_RANGE")]
    runs_listed = api.data("query R($s: ID!) { dispatchRuns(scope: $s) { id } }", {"s": world["center"]})
    assert runs_listed["dispatchRuns"] == []


def test_a_cancelled_run_stays_cancelled_and_cannot_be_committed(
        api: DispatchClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    run, release = start_held_run(api, world, monkeypatch)
    cancelled = api.data(RUN_CANCEL, {"input": {"run": run}})["dispatchRunCancel"]
    assert cancelled == {"run": {"state": "CANCELLED", "reason": "cancelled by " + ADMIN}, "userErrors": []}
    release.set()
    final = api.wait_run(run)
    assert (final["state"], final["proposals"]) == ("CANCELLED", [])

    commit = api.data(DISPATCH_RUN_COMMIT, {"input": {"run": run}})["dispatchRunCommit"]
    assert _errors(commit) == [(["input", "run"], "RUN_NOT_READY")]
    again = api.data(RUN_CANCEL, {"input": {"run": run}})["dispatchRunCancel"]
    assert _errors(again) == [(["input", "run"], "RUN_NOT_READY")]


def stuck_solve(*_: Any, **__: Any) -> Any:
    """An engine stuck in one long step, telling no progress (module-level: it runs in the solver process)."""
    time.sleep(600)


def test_h4_a_cancelled_dispatch_run_stops_a_stuck_solver_within_seconds(
        api: DispatchClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)
    monkeypatch.setattr(runs, "engine_solve", stuck_solve)
    run = start_run(api, world["center"])
    (solver,) = wait_for(lambda: [p for p in mp.active_children() if p.name == "wenming solve"] or None, 30,
                         "the solver process")
    pid = solver.pid
    assert pid is not None
    time.sleep(1)  # well into its one long step
    cancelled = api.data(RUN_CANCEL, {"input": {"run": run}})["dispatchRunCancel"]
    assert cancelled["run"]["state"] == "CANCELLED"
    wait_for(lambda: not os.path.exists(f"/proc/{pid}") or None, 5, "the solver process killed within 5 s")
    final = api.wait_run(run, timeout=10)
    assert (final["state"], final["proposals"]) == ("CANCELLED", [])


def test_volunteers_act_on_their_own_tasks_in_order_and_rate_once(api: DispatchClient, world: dict[str, Any]
                                                                  ) -> None:
    wang = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    other = register_doctor(api, world["west"], world["team"], world["doctor"], 30.0, 110.0)  # far away
    order = submit_order(api, world, world["east"], 34.33, 117.96)
    run = start_run(api, world["center"])
    assert api.wait_run(run)["state"] == "SUCCEEDED"
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": run}}, "dispatchRunCommit")
    twice = api.data(DISPATCH_RUN_COMMIT, {"input": {"run": run}})["dispatchRunCommit"]
    assert _errors(twice) == [(["input", "run"], "ALREADY_COMMITTED")]
    task = api.data(MY_TASKS, {"volunteer": wang})["myTasks"][0]

    someone_else = api.data(ASSIGNMENT_ACCEPT, {"input": {"assignment": task["id"], "volunteer": other}})
    assert _errors(someone_else["assignmentAccept"]) == [(["input", "assignment"], "NOT_YOUR_TASK")]
    too_early = api.data(ASSIGNMENT_CHECK_OUT, {"input": {"assignment": task["id"], "volunteer": wang}})
    assert _errors(too_early["assignmentCheckOut"]) == [(["input", "assignment"], "NOT_CHECKED_IN")]
    tasks = api.data(MY_TASKS, {"volunteer": wang})["myTasks"]
    assert [(t["id"], t["status"], t["serviceRecord"]) for t in tasks] == [(task["id"], "OFFERED", None)]

    early_rating = api.data(ORDER_RATE, {"input": {"order": order, "score": 5}})["orderRate"]
    assert _errors(early_rating) == [(["input", "order"], "ILLEGAL_TRANSITION")]
    api.ok(ASSIGNMENT_ACCEPT, {"input": {"assignment": task["id"], "volunteer": wang}}, "assignmentAccept")
    api.ok(ASSIGNMENT_CHECK_IN, {"input": {"assignment": task["id"], "volunteer": wang, "at": f"{DAY}T09:00:00"}},
           "assignmentCheckIn")
    backwards = api.data(ASSIGNMENT_CHECK_OUT, {"input": {"assignment": task["id"], "volunteer": wang,
                                                          "at": f"{DAY}T08:00:00"}})
    assert _errors(backwards["assignmentCheckOut"]) == [(["input", "at"], "OUT_OF_RANGE")]
    api.ok(ASSIGNMENT_CHECK_OUT, {"input": {"assignment": task["id"], "volunteer": wang, "at": f"{DAY}T10:00:00"}},
           "assignmentCheckOut")

    out_of_range = api.data(ORDER_RATE, {"input": {"order": order, "score": 6}})["orderRate"]
    assert _errors(out_of_range) == [(["input", "score"], "OUT_OF_RANGE")]
    api.ok(ORDER_RATE, {"input": {"order": order, "score": 4, "comment": "准时"}}, "orderRate")
    twice_rated = api.data(ORDER_RATE, {"input": {"order": order, "score": 1}})["orderRate"]
    assert _errors(twice_rated) == [(["input", "order"], "ALREADY_RATED")]
    rating = api.data("query R($o: ID!) { orderRating(order: $o) { score comment } }", {"o": order})
    assert rating["orderRating"] == {"score": 4, "comment": "准时"}


def test_malformed_ids_name_the_field(api: DispatchClient, world: dict[str, Any]) -> None:
    commit = api.data(DISPATCH_RUN_COMMIT, {"input": {"run": world["center"]}})["dispatchRunCommit"]
    assert _errors(commit) == [(["input", "run"], "MALFORMED_ID")]
    body = api.execute(DISPATCH_RUN, {"id": "not-an-id"})
    assert body["errors"][0]["extensions"]["code"] == "MALFORMED_ID"


def broken_solve(*_: Any, **__: Any) -> Any:
    """An engine that refuses its problem (module-level: it runs in the run's solver process)."""
    raise matching.ProblemError("requests[0].time.latest_end", "ends before earliest_start")


def crashed_solve(*_: Any, **__: Any) -> Any:
    raise RuntimeError("internal detail that must not reach clients")


def test_a_run_that_breaks_fails_with_a_reason_and_the_server_goes_on(
        api: DispatchClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)

    monkeypatch.setattr(runs, "engine_solve", broken_solve)
    failed = api.wait_run(start_run(api, world["center"]))
    assert (failed["state"], failed["reason"]) == ("FAILED", "requests[0].time.latest_end: ends before earliest_start")
    assert failed["progress"]["phase"] == "failed"

    monkeypatch.setattr(runs, "engine_solve", crashed_solve)
    crashed_run = api.wait_run(start_run(api, world["center"]))
    # the client reads no internal type or detail (trust review L7); the log has them under the run
    assert crashed_run["reason"] == ("an unexpected error stopped the solve; the server log has it under "
                                     f"dispatch run {globalid.decode_pk(crashed_run['id'], 'DispatchRun')}")
    monkeypatch.undo()
    assert api.wait_run(start_run(api, world["center"]))["state"] == "SUCCEEDED"


def test_a_commit_after_an_order_changed_is_refused_as_a_whole(api: DispatchClient, world: dict[str, Any]) -> None:
    wang = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    li = register_doctor(api, world["west"], world["team"], world["doctor"], 34.33, 117.80)
    kept = submit_order(api, world, world["east"], 34.33, 117.96)
    changed = submit_order(api, world, world["west"], 34.33, 117.81)
    run = start_run(api, world["center"])
    assert len(api.wait_run(run)["proposals"]) == 2
    api.ok(ORDER_CANCEL, {"input": {"order": changed, "reason": "居民取消"}}, "orderCancel")

    commit = api.data(DISPATCH_RUN_COMMIT, {"input": {"run": run}})["dispatchRunCommit"]
    assert _errors(commit) == [(["input", "run"], "ORDER_CHANGED")]
    assert "now CANCELLED" in commit["userErrors"][0]["message"]
    assert api.data(MY_TASKS, {"volunteer": wang})["myTasks"] == []  # the unchanged order was not committed either
    assert api.data(MY_TASKS, {"volunteer": li})["myTasks"] == []
    assert [h["toStatus"] for h in api.data(ORDER_HISTORY, {"order": kept})["orderHistory"]] == ["REVIEWED"]
