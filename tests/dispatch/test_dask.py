"""With `WENMING_DASK_SCHEDULER` set (Settings.dask_scheduler), a dispatch run solves its parts
on that Dask cluster: here a real `distributed.LocalCluster`, whose workers must see the work."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.dispatch.support import DispatchClient, build_world, register_doctor, start_run, submit_order
from wenming.settings import Settings


@pytest.fixture
def cluster_api(settings: Settings, engine: Engine) -> Iterator[tuple[DispatchClient, Any]]:
    from distributed import Client, LocalCluster  # the optional `distributed` extra, only for this fixture

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        client = DispatchClient(dataclasses.replace(settings, dask_scheduler=cluster.scheduler_address), engine)
        try:
            with Client(cluster.scheduler_address) as dask:
                yield client, dask
        finally:
            client.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the executor, not the database, is under test
def test_a_run_solves_on_the_dask_cluster(cluster_api: tuple[DispatchClient, Any]) -> None:
    api, dask = cluster_api
    world = build_world(api)
    doctor = register_doctor(api, world["east"], world["team"], world["doctor"], 34.33, 117.95)
    submit_order(api, world, world["east"], 34.33, 117.96)
    run = api.wait_run(start_run(api, world["center"]))
    assert run["state"] == "SUCCEEDED", run
    assert [p["volunteer"]["id"] for p in run["proposals"]] == [doctor]
    prefixes = dask.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert any("solve_part" in prefix for prefix in prefixes), prefixes  # the part ran on the cluster
