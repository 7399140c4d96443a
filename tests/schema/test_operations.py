"""Every example operation in examples/operations/ runs without errors against a database loaded
with the example cities, so the documents a frontend team copies stay valid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from examples.generate import default_day
from examples.load import load_city_into
from examples.service import quarter
from tests.documents import SKILLS
from tests.schema.support import GraphQLClient, id_number
from wenming.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[2] / "examples" / "operations"

STATION_ID = 'query { unitByCode(code: "PZ-S0001") { id effectiveMenu { id } } }'
CENTER_ID = 'query { unitByCode(code: "PZ-C") { id } }'
KUNSHAN_ID = 'query { unitByCode(code: "KS-C") { id } }'
FIRST_ORDER = "query { orders(first: 1) { edges { node { windowStart } } } }"
SERVED = ("query S($u: ID!) { serviceHours(groupBy: VOLUNTEER, unit: $u, first: 1) { edges { node { id } } } }")
ISSUE = (OPERATIONS / "certificate_issue.graphql")


def _days_after(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def _variables(api: GraphQLClient) -> dict[str, Callable[[], dict[str, Any]]]:
    """Variables for each operation, read from the loaded data; a new operation needs an entry."""
    station = api.data(STATION_ID)["unitByCode"]
    center = api.data(CENTER_ID)["unitByCode"]["id"]
    skills = {s["code"]: s["id"] for s in api.data(SKILLS)["skills"]}
    order_day = api.data(FIRST_ORDER)["orders"]["edges"][0]["node"]["windowStart"][:10]
    kunshan = api.data(KUNSHAN_ID)["unitByCode"]["id"]
    first, last = (d.isoformat() for d in quarter(default_day()))  # Kunshan's quarter of service
    served = api.data(SERVED, {"u": kunshan})["serviceHours"]["edges"][0]["node"]["id"]
    certificate = {"input": {"unit": kunshan, "volunteer": served, "from": first, "to": last}}

    def issued_code() -> dict[str, Any]:
        payload = api.data(ISSUE.read_text(encoding="utf-8"), certificate)["certificateIssue"]
        return {"code": payload["certificate"]["verificationCode"]}

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
        "mall_items": lambda: {"unit": kunshan, "available": True},
        "service_hours": lambda: {"unit": kunshan, "from": f"{first}T00:00:00+08:00", "to": f"{last}T23:59:59+08:00"},
        "stars_propose": lambda: {"input": {"scope": kunshan}},
        "volunteer_points": lambda: {"volunteer": served},
        "honour_roll": lambda: {"unit": kunshan, "from": first, "to": last},
        "certificate_issue": lambda: certificate,
        "certificate_verify": issued_code,
        "training_certificates": lambda: {"before": _days_after(order_day, 30)},
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


def test_the_recognition_tour_shows_kunshan_s_quarter(loaded: GraphQLClient) -> None:
    """The README's recognition operations find something on the example data: hours, points, an
    honour roll, a certificate whose code the public verification accepts."""
    variables = _variables(loaded)

    def run(name: str) -> dict[str, Any]:
        data: dict[str, Any] = loaded.data((OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8"),
                                           variables[name]())
        return data

    assert run("volunteer_points")["myPoints"]["earned"] > 0
    roll = run("honour_roll")["honourRoll"]
    assert roll["volunteers"] and roll["teams"] and roll["volunteers"][0]["hours"] > 0
    assert run("certificate_verify")["certificateVerify"]["valid"] is True
