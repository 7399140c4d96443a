"""`/metrics` over real HTTP: only for the scraper's token; operation times by name and type;
runs by state, the queue depth and run seconds read from the database (SQLite and PostgreSQL);
operation names cannot grow the labels without bound."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import Engine

from db.models import ScenarioRun
from db.models.dispatch import RunState
from db.session import session_factory
from tests.auth.serving import serve_in_thread
from wenming import metrics
from wenming.app import create_app
from wenming.settings import Settings, SettingsError, check_production

TOKEN = "scraper-" + "x" * 32


def _value(text: str, sample: str) -> float:
    """The value of one sample line, e.g. `wenming_runs{kind="scenario",state="QUEUED"}`."""
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    assert match, f"{sample} is not in the metrics:\n{text}"
    return float(match.group(1))


def test_metrics_need_the_scraper_s_token_and_count_operations_and_runs(settings: Settings,
                                                                       engine: Engine) -> None:
    with serve_in_thread(create_app(settings, engine=engine)) as address:  # no token set: no metrics
        assert httpx.get(f"http://{address}/metrics").status_code == 404
    app = create_app(replace(settings, metrics_token=TOKEN), engine=engine)
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine)() as session:  # one run waiting, one that took 3 s
        session.add_all([
            ScenarioRun(name="waiting", source="", state=RunState.QUEUED),
            ScenarioRun(name="done", source="", state=RunState.SUCCEEDED, started_at=now - dt.timedelta(seconds=3),
                        finished_at=now),
        ])
        session.commit()
    with serve_in_thread(app) as address:
        base = f"http://{address}"
        assert httpx.get(f"{base}/metrics").status_code == 401
        assert httpx.get(f"{base}/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        for _ in range(3):
            assert httpx.post(f"{base}/graphql", json={"query": "query MetricsTour { __typename }"}).status_code == 200
        scraped = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert _value(text, 'wenming_graphql_operation_seconds_count{operation="MetricsTour",type="query"}') >= 3
    assert _value(text, 'wenming_runs{kind="scenario",state="QUEUED"}') == 1
    assert _value(text, 'wenming_run_queue_depth{kind="scenario"}') == 1
    assert _value(text, 'wenming_run_queue_depth{kind="dispatch"}') == 0
    assert _value(text, 'wenming_run_seconds_count{kind="scenario"}') == 1
    assert _value(text, 'wenming_run_seconds_sum{kind="scenario"}') == pytest.approx(3, abs=0.01)
    assert _value(text, "wenming_subscriptions") == 0


def test_operation_names_are_labelled_for_a_bounded_number_of_plain_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_names", set())
    monkeypatch.setattr(metrics, "MAX_OPERATION_NAMES", 3)
    assert [metrics.operation_label(n) for n in ("A", "B", "A", "C", "D", None, "x y", "é")] == \
        ["A", "B", "A", "C", "other", "anonymous", "other", "other"]


def test_production_refuses_a_short_metrics_token(settings: Settings) -> None:
    production = replace(settings, env="production", secret_key="k" * 40)
    check_production(replace(production, metrics_token=TOKEN))
    with pytest.raises(SettingsError, match="WENMING_METRICS_TOKEN"):
        check_production(replace(production, metrics_token="short"))
