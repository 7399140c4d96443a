"""Dispatch runs, their proposals and the tasks stay in the scope of the unit they were started on:
a dispatcher of another center neither sees nor commits them. The dispatcher of the institute sees
the doctors the run proposes, although their team and homes belong to the center above."""

from __future__ import annotations

from sqlalchemy import Engine

from db.models import Role
from tests.auth.support import token_for
from tests.auth.world import pk
from tests.dispatch.support import DispatchClient, build_world, register_doctor, start_run, submit_order
from tests.documents import DISPATCH_RUN_COMMIT
from tests.schema.support import create_unit
from wenming.settings import Settings

RUNS = """
query Runs($id: ID!, $scope: ID!, $order: ID!) {
  dispatchRun(id: $id) { id proposals { edges { node { id volunteer { id phoneFull } } } } }
  dispatchRuns(scope: $scope) { id }
  orderTasks(order: $order) { id }
}
"""

def test_runs_are_seen_and_committed_only_in_scope(settings: Settings, engine: Engine) -> None:
    api = DispatchClient(settings, engine)
    try:
        world = build_world(api)
        order = submit_order(api, world, world["east"], 34.33, 117.96)
        doctor = register_doctor(api, world["center"], world["team"], world["doctor"], 34.33, 117.95)
        run = start_run(api, world["institute"])
        assert api.wait_run(run)["state"] == "SUCCEEDED"
        elsewhere = create_unit(api, "CENTER")
        insider = token_for(settings, engine, "dispatcher-here",
                            [(Role.DISPATCHER, {"unit_id": pk(world["institute"])})], password=None)
        outsider = token_for(settings, engine, "dispatcher-elsewhere",
                             [(Role.DISPATCHER, {"unit_id": pk(elsewhere)})], password=None)
        variables = {"id": run, "scope": world["institute"], "order": order}
        seen = api.data_as(insider, RUNS, variables)
        assert seen["dispatchRun"]["id"] == run
        proposals = [edge["node"] for edge in seen["dispatchRun"]["proposals"]["edges"]]
        assert [p["volunteer"]["id"] for p in proposals] == [doctor]
        assert proposals[0]["volunteer"]["phoneFull"]
        assert [r["id"] for r in seen["dispatchRuns"]] == [run]
        assert api.data_as(outsider, RUNS, variables) == {"dispatchRun": None, "dispatchRuns": [], "orderTasks": []}
        refused = api.data_as(outsider, DISPATCH_RUN_COMMIT, {"input": {"run": run}})["dispatchRunCommit"]
        assert refused["run"] is None and [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
        committed = api.data_as(insider, DISPATCH_RUN_COMMIT, {"input": {"run": run}})["dispatchRunCommit"]
        assert committed["userErrors"] == []
        assert len(api.data_as(insider, RUNS, variables)["orderTasks"]) == 1
        assert api.data_as(outsider, RUNS, variables)["orderTasks"] == []
    finally:
        api.close()
