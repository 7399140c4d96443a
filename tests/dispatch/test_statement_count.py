"""No N+1 in the dispatch reads: the run review (proposals with their orders, volunteers and
explanations) costs the same number of SQL statements for one proposal as for several."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from tests.dispatch.support import DispatchClient, register_doctor, start_run, submit_order
from tests.documents import DISPATCH_RUN, run_lists
from tests.schema.support import StatementCounter


def _review_cost(api: DispatchClient, engine: Engine, run: str) -> tuple[int, int]:
    counter = StatementCounter(engine)
    try:
        proposals = run_lists(api.data(DISPATCH_RUN, {"id": run})["dispatchRun"])["proposals"]
        return len(proposals), counter.count
    finally:
        counter.remove()


def test_the_run_review_costs_the_same_for_one_or_many_proposals(api: DispatchClient, world: dict[str, Any],
                                                              engine: Engine) -> None:
    for i in range(4):
        register_doctor(api, world["east"], world["team"], world["doctor"], 34.33 + i / 100, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)
    one = start_run(api, world["center"])
    api.wait_run(one)
    for i in range(3):
        submit_order(api, world, world["east"], 34.34 + i / 100, 117.96)
    many = start_run(api, world["center"])
    api.wait_run(many)

    size_one, cost_one = _review_cost(api, engine, one)
    size_many, cost_many = _review_cost(api, engine, many)
    assert (size_one, size_many) == (1, 4)
    assert cost_many == cost_one
