"""Regression tests of the trust review on tasks (through real HTTP): a volunteer acts only as
himself (H2), and service time is stamped by the server and bounded by the task (M9)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from db.models import Role
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient, dispatched_task
from tests.documents import ASSIGNMENT_ACCEPT, ASSIGNMENT_CHECK_IN, ASSIGNMENT_CHECK_OUT, MY_TASKS
from wenming.settings import Settings

MY_OWN_TASKS = "query { myTasks { id status } }"


def test_h2_a_volunteer_who_also_leads_the_team_cannot_act_on_a_member_s_task(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    task, holder, other = dispatched_task(api, world)
    # the other doctor also leads the team: he sees the holder's task, but may not act for him
    token = token_for(settings, engine, "zhao-leader", [(Role.VOLUNTEER, {"volunteer_id": pk(other)}),
                                                        (Role.TEAM_LEADER, {"team_id": pk(world["team"])})],
                      password=None)
    for document, field in ((ASSIGNMENT_ACCEPT, "assignmentAccept"), (ASSIGNMENT_CHECK_IN, "assignmentCheckIn")):
        payload = api.data_as(token, document, {"input": {"assignment": task, "volunteer": holder}})[field]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "volunteer"], "NOT_YOUR_TASK")]
    assert api.data(MY_TASKS, {"volunteer": holder})["myTasks"][0]["status"] == "OFFERED"
    # the holder himself may
    own = token_for(settings, engine, "wang", [(Role.VOLUNTEER, {"volunteer_id": pk(holder)})], password=None)
    accepted = api.data_as(own, ASSIGNMENT_ACCEPT, {"input": {"assignment": task, "volunteer": holder}})
    assert accepted["assignmentAccept"]["userErrors"] == []


def test_m9_check_in_and_out_are_stamped_by_the_server_and_credit_is_bounded(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    task, holder, _ = dispatched_task(api, world)
    own = token_for(settings, engine, "wang", [(Role.VOLUNTEER, {"volunteer_id": pk(holder)})], password=None)
    act = {"assignment": task, "volunteer": holder}
    assert api.data_as(own, ASSIGNMENT_ACCEPT, {"input": act})["assignmentAccept"]["userErrors"] == []
    # a volunteer cannot say when he came
    claimed = api.data_as(own, ASSIGNMENT_CHECK_IN,
                          {"input": {**act, "at": "2000-01-01T00:00:00"}})["assignmentCheckIn"]
    assert [(e["field"], e["code"]) for e in claimed["userErrors"]] == [(["input", "at"], "FORBIDDEN")]
    assert api.data_as(own, ASSIGNMENT_CHECK_IN, {"input": act})["assignmentCheckIn"]["userErrors"] == []
    # a check-out typed in (by the platform admin) a year later earns at most the task's window plus 30 minutes
    out = api.ok(ASSIGNMENT_CHECK_OUT, {"input": {**act, "at": "2030-01-01T00:00:00"}}, "assignmentCheckOut")
    assert out["assignment"]["serviceRecord"]["creditMinutes"] == 120 + 30


def test_my_tasks_needs_no_volunteer_id_and_answers_for_the_caller(
        api: DispatchClient, world: dict[str, Any], settings: Settings, engine: Engine) -> None:
    task, holder, other = dispatched_task(api, world)
    mine = token_for(settings, engine, "wang", [(Role.VOLUNTEER, {"volunteer_id": pk(holder)})], password=None)
    theirs = token_for(settings, engine, "zhao", [(Role.VOLUNTEER, {"volunteer_id": pk(other)})], password=None)
    assert [t["id"] for t in api.data_as(mine, MY_OWN_TASKS, {})["myTasks"]] == [task]
    assert api.data_as(theirs, MY_OWN_TASKS, {})["myTasks"] == []
    nobody = api.execute(MY_OWN_TASKS)  # the platform admin holds no volunteer grant: name one
    assert nobody["errors"][0]["extensions"] == {"code": "REQUIRED", "field": ["volunteer"]}
