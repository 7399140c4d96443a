"""The done-when test of the quarterly assessment on the Pizhou example (served by uvicorn, SQLite and
PostgreSQL): one quarter's indicators, each checked against a direct SQL count on the same data;
every score is the sum of its contributions; a weight changed in configuration changes the ranking
as the normalised values predict; the number of SQL statements does not grow with the tree."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db import models
from resolvers.core.globalid import encode
from resolvers.core.settings import DEFAULT_ASSESSMENT_WEIGHTS
from tests.assessment.support import all_units, expected_indicators, load_city_quarter
from tests.dispatch.support import DispatchClient
from tests.schema.support import StatementCounter
from wenming.settings import Settings, read_settings

LEVELS = ("CENTER", "INSTITUTE", "STATION")


def ranking(nodes: list[dict[str, Any]], level: str) -> list[str]:
    return [n["code"] for n in sorted((n for n in nodes if n["level"] == level), key=lambda n: (n["rank"], n["code"]))]


def test_pizhou_quarter_indicators_match_direct_counts_and_scores_explain_themselves(
        api: DispatchClient, engine: Engine, settings: Settings) -> None:
    center = load_city_quarter(engine, settings, "pizhou", volunteers=1500, per_day=12)
    header, nodes = all_units(api, encode("Unit", center), "2026Q3")

    assert header["quarter"] == "2026Q3" and header["normalisation"] == "minmax"
    assert header["publishedAt"] is None
    assert {w["indicator"]: w["weight"] for w in header["weights"]} == dict(DEFAULT_ASSESSMENT_WEIGHTS)
    counts = defaultdict(int)
    for node in nodes:
        counts[node["level"]] += 1
    assert dict(counts) == {"CENTER": 1, "INSTITUTE": 25, "STATION": 490}

    # each indicator against a direct count: the center, every institute, a spread of stations
    with engine.connect() as conn:
        paths = dict(conn.execute(select(models.Unit.code, models.Unit.path)).all())
        stations = sorted(n["code"] for n in nodes if n["level"] == "STATION")
        sample = [n for n in nodes if n["level"] != "STATION" or n["code"] in stations[::49]]
        assert len(sample) == 1 + 25 + 10
        checked = 0
        for node in sample:
            expected = expected_indicators(conn, paths[node["code"]])
            got = {c["indicator"]: c["value"] for c in node["contributions"]}
            assert got.keys() == expected.keys(), node["code"]
            for key, value in expected.items():
                if value is None:
                    assert got[key] is None, (node["code"], key)
                else:
                    assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), (node["code"], key, got[key], value)
                    checked += 1
    assert checked > 300  # the sample measures nearly everything (a station may have no rating)
    center_node = next(n for n in nodes if n["level"] == "CENTER")
    values = {c["indicator"]: c["value"] for c in center_node["contributions"]}
    assert values["orders_received"] > 1000 and 0 < values["completion_rate"] < 1 and values["no_show_rate"] > 0

    # every score is the sum of its contributions, each weight x normalised x 100; ranks follow scores
    for node in nodes:
        parts = node["contributions"]
        assert node["score"] == pytest.approx(math.fsum(c["contribution"] for c in parts), abs=1e-9)
        for c in parts:
            assert c["contribution"] == pytest.approx(c["weight"] * c["normalised"] * 100, abs=1e-9)
            assert 0 <= c["normalised"] <= 1
    for level in LEVELS:
        ranked = sorted((n for n in nodes if n["level"] == level), key=lambda n: n["rank"])
        assert [n["score"] for n in ranked] == sorted((n["score"] for n in ranked), reverse=True)
        assert ranked[0]["rank"] == 1 and all(n["ranked"] == len(ranked) for n in ranked)

    # a weight changed in configuration: mean rating up from 0.10 to 0.60, the others shrunk to fit
    weights = dict(DEFAULT_ASSESSMENT_WEIGHTS)
    rest = 1 - weights["mean_rating"]
    changed = {k: (0.6 if k == "mean_rating" else w * 0.4 / rest) for k, w in weights.items()}
    env = {"WENMING_ASSESSMENT_WEIGHTS": ",".join(f"{k}:{w!r}" for k, w in changed.items())}
    reconfigured = dataclasses.replace(settings, assessment=read_settings(env).assessment)
    other = DispatchClient(reconfigured, engine)
    try:
        header2, nodes2 = all_units(other, encode("Unit", center), "2026Q3")
    finally:
        other.close()
    assert {w["indicator"]: w["weight"] for w in header2["weights"]} == pytest.approx(changed)
    for level in ("INSTITUTE", "STATION"):
        # expected: the same normalised values (they do not depend on weights) under the new weights
        predicted = sorted(
            (n for n in nodes if n["level"] == level),
            key=lambda n: (-round(math.fsum(changed[c["indicator"]] * c["normalised"] * 100
                                            for c in n["contributions"]), 9), n["code"]))
        assert ranking(nodes2, level) == [n["code"] for n in predicted]
        assert ranking(nodes2, level) != ranking(nodes, level), f"the {level} ranking did not change"
    best_rated = max((n for n in nodes if n["level"] == "INSTITUTE"),
                     key=lambda n: next(c["normalised"] for c in n["contributions"] if c["indicator"] == "mean_rating"))
    before = next(n["rank"] for n in nodes if n["code"] == best_rated["code"])
    after = next(n["rank"] for n in nodes2 if n["code"] == best_rated["code"])
    assert after <= before  # the best-rated institute can only climb when rating weighs more


@pytest.mark.parametrize("weights", ["completion_rate:0.5,mean_rating:0.4", "completion_rate:1.2",
                                     "speed:1", "completion_rate:abc"])
def test_weights_that_do_not_sum_to_one_are_refused_naming_the_setting(weights: str) -> None:
    with pytest.raises(ValueError, match="WENMING_ASSESSMENT_WEIGHTS"):
        read_settings({"WENMING_ASSESSMENT_WEIGHTS": weights})
    with pytest.raises(ValueError, match="WENMING_ASSESSMENT_NORMALISATION"):
        read_settings({"WENMING_ASSESSMENT_NORMALISATION": "rank"})


def test_the_statement_count_does_not_grow_with_the_number_of_units(api: DispatchClient, engine: Engine,
                                                                   settings: Settings) -> None:
    pizhou = load_city_quarter(engine, settings, "pizhou", volunteers=200, per_day=3)
    kunshan = load_city_quarter(engine, settings, "kunshan", volunteers=200, per_day=3)
    with engine.connect() as conn:
        sizes = {center: conn.scalar(select(func.count()).select_from(models.Unit)
                                     .where(models.Unit.path.like(f"/{center}/%")))
                 for center in (pizhou, kunshan)}
    assert sizes[pizhou] == 516 and sizes[kunshan] < 100
    counter = StatementCounter(engine)
    counted = {}
    try:
        for center in (pizhou, kunshan):
            api.data("query A($s: ID!) { assessment(scope: $s, quarter: \"2026Q3\") { quarter } }",
                     {"s": encode("Unit", center)})  # warm: the account, the caches
            counter.reset()
            api.data("query A($s: ID!) { assessment(scope: $s, quarter: \"2026Q3\") { units(first: 1) "
                     "{ edges { node { score } } } } }", {"s": encode("Unit", center)})
            counted[center] = counter.count
    finally:
        counter.remove()
    assert counted[pizhou] == counted[kunshan], counted
