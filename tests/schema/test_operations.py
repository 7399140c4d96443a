"""Every example operation in examples/operations/ runs without errors against a database loaded
with the example cities, so the documents a frontend team copies stay valid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from examples.load import load_city_into
from tests.documents import SKILLS
from tests.schema.support import GraphQLClient, id_number
from wenming.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[2] / "examples" / "operations"

STATION_ID = 'query { unitByCode(code: "PZ-S0001") { id effectiveMenu { id } } }'
CENTER_ID = 'query { unitByCode(code: "PZ-C") { id } }'
KUNSHAN_ID = 'query { unitByCode(code: "KS-C") { id } }'
FIRST_ORDER = "query { orders(first: 1) { edges { node { windowStart } } } }"


def _variables(api: GraphQLClient) -> dict[str, Callable[[], dict[str, Any]]]:
    """Variables for each operation, read from the loaded data; a new operation needs an entry."""
    station = api.data(STATION_ID)["unitByCode"]
    center = api.data(CENTER_ID)["unitByCode"]["id"]
    skills = {s["code"]: s["id"] for s in api.data(SKILLS)["skills"]}
    order_day = api.data(FIRST_ORDER)["orders"]["edges"][0]["node"]["windowStart"][:10]
    return {
        "whole_tree": dict,
        "tree_navigation": dict,
        "station_effective_menu": dict,
        "skills_catalogue": lambda: {"domain": "HEALTH"},
        "specialist_teams": lambda: {"domain": "HEALTH", "unitSubtree": center},
        "units_near": lambda: {"level": "STATION"},
        "practice_bases": lambda: {"category": "RED_HERITAGE"},
        "volunteer_search": lambda: {"skill": skills["doctor"], "unitSubtree": center, "availableOn": order_day},
        "orders_of_the_day": lambda: {"date": order_day, "unitSubtree": center},
        "node_lookup": lambda: {"id": station["id"]},
        "mall_items": lambda: {"unit": api.data(KUNSHAN_ID)["unitByCode"]["id"], "available": True},
        "project_library": lambda: {"region": api.data(KUNSHAN_ID)["unitByCode"]["id"], "grade": "A"},
        "order_submit": lambda: {"input": {
            "item": station["effectiveMenu"][0]["id"], "unit": station["id"], "residentName": "王大爷",
            "residentPhone": "13800001111", "location": {"lat": 34.32, "lon": 117.95},
            "windowStart": f"{order_day}T09:00:00", "windowEnd": f"{order_day}T11:00:00", "headcount": 1,
            "channel": "APP", "idempotencyKey": "example-1",
        }},
        "volunteer_register": lambda: {"input": {
            "volunteerNumber": "PZ-EXAMPLE-1", "name": "周杰", "phone": "13900002222", "idNumber": id_number(),
            "homeLocation": {"lat": 34.31, "lon": 117.95}, "unit": station["id"],
            "skills": [{"skill": skills["doctor"], "level": 3}],
        }},
    }


@pytest.fixture
def loaded(api: GraphQLClient, engine: Engine, settings: Settings) -> GraphQLClient:
    load_city_into(engine, "pizhou", volunteers=300, seed=1, secret_key=settings.secret_key)
    load_city_into(engine, "kunshan", volunteers=100, seed=2, secret_key=settings.secret_key)
    return api


def test_every_example_operation_runs(loaded: GraphQLClient) -> None:
    variables = _variables(loaded)
    files = sorted(OPERATIONS.glob("*.graphql"))
    assert sorted(p.stem for p in files) == sorted(variables), "give each operation its variables here"
    for path in files:
        body = loaded.execute(path.read_text(encoding="utf-8"), variables[path.stem]())
        assert "errors" not in body, (path.name, body.get("errors"))
        payload = next(iter(body["data"].values()))
        assert payload, f"{path.name} returned nothing on the example data"
        if isinstance(payload, dict) and "userErrors" in payload:
            assert payload["userErrors"] == [], (path.name, payload["userErrors"])
        if isinstance(payload, dict) and "totalCount" in payload:
            assert payload["totalCount"] > 0, f"{path.name} matched nothing on the example data"
