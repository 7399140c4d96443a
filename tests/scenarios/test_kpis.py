"""KPIs on a hand-made day whose figures are worked out by hand in the comments, with Pizhou's
geography handed in as data (the examples' generated bases), and the side table a problem gets
without one."""

from __future__ import annotations

import datetime as dt

import pytest

from examples.problems.scenario_base import geography
from matching.problem import Problem, Request, SkillLevel, SkillNeed, TimeSpec, Volunteer
from matching.result import Assignment, Missing, Objective, OpenRequest, Result, Status
from matching.scenarios import kpis
from matching.scenarios.dataset import describe
from matching.scenarios.geography import OUTSIDE

YUNHE, DONGHU = (34.335, 117.958), (34.312, 117.995)


def _day() -> tuple[Problem, Result]:
    """R1 (yunhe, health, priority 5) needs doctor + 2 helpers and gets V1 + V2 (2/3);
    R2 (donghu, theory, priority 1) needs a lecturer and gets V3 (1/1);
    R3 (yunhe, community, priority 3) needs 2 helpers and gets V1 + V4 (2/2). V5 does nothing."""
    at = TimeSpec.at(9 * 60, 60)
    vols = (
        Volunteer("V1", *YUNHE, (SkillLevel("doctor", 3), SkillLevel("helper", 1)), ("T-health", "T-town-yunhe")),
        Volunteer("V2", *YUNHE, (SkillLevel("helper", 1),), ("T-town-yunhe",)),
        Volunteer("V3", *DONGHU, (SkillLevel("lecturer", 2),), ("T-theory",)),
        Volunteer("V4", *YUNHE, (SkillLevel("helper", 1),), ("T-alliance",)),
        Volunteer("V5", *DONGHU, (SkillLevel("helper", 1),), ()),
    )
    reqs = (
        Request("R1", *YUNHE, at, (SkillNeed("doctor", 1), SkillNeed("helper", 2)), ("T-health", "T-town-yunhe"), 5),
        Request("R2", *DONGHU, at, (SkillNeed("lecturer", 1),), ("T-theory",), 1),
        Request("R3", *YUNHE, TimeSpec.at(14 * 60, 60), (SkillNeed("helper", 2),), (), 3),
    )
    day = dt.date(2026, 3, 5)
    def a(r: str, v: str, s: str, km: float) -> Assignment:
        return Assignment(r, v, s, "2026-03-05T09:00", "2026-03-05T10:00", km, 5)

    result = Result(Status.OPTIMAL, Objective(), gap=0.0, timings={"total": 1.5}, parts={"count": 2},
                    assignments=(a("R1", "V1", "doctor", 2.0), a("R1", "V2", "helper", 4.0),
                                 a("R2", "V3", "lecturer", 10.0), a("R3", "V1", "helper", 1.0),
                                 a("R3", "V4", "helper", 3.0)),
                    open=(OpenRequest("R1", (Missing("helper", 1),), "NONE_AVAILABLE"),))
    return Problem(day, day, vols, reqs), result


@pytest.fixture
def values() -> dict:
    problem, result = _day()
    return kpis.compute(describe(problem, geography()), result)


def test_staffing_rate_overall_and_by_group(values: dict) -> None:
    st = values["staffing"]
    assert st["overall"] == {"demanded": 6, "staffed": 5, "rate": 0.8333}
    assert st["fully_staffed_requests"] == 0.6667  # R2 and R3 of 3
    assert st["by_priority"]["5"] == {"demanded": 3, "staffed": 2, "rate": 0.6667}
    assert st["by_domain"] == {"community": {"demanded": 2, "staffed": 2, "rate": 1.0},
                               "health": {"demanded": 3, "staffed": 2, "rate": 0.6667},
                               "theory": {"demanded": 1, "staffed": 1, "rate": 1.0}}
    assert st["by_institute"] == {"donghu": {"demanded": 1, "staffed": 1, "rate": 1.0},
                                  "yunhe": {"demanded": 5, "staffed": 4, "rate": 0.8}}
    assert sum(g["demanded"] for g in st["by_station"].values()) == 6


def test_travel_percentiles(values: dict) -> None:
    # sorted 1, 2, 3, 4, 10: p50 = 3; p90 at rank 3.6 = 4 + 0.6 * 6 = 7.6
    assert values["travel_km"] == {"p50": 3.0, "p90": 7.6, "max": 10.0, "mean": 4.0, "total": 20.0}


def test_workload_gini_among_used_volunteers(values: dict) -> None:
    # tasks 2, 1, 1, 1: mean 1.25, sum |xi - xj| over ordered pairs = 6, Gini = 6 / (2 * 16 * 1.25)
    wl = values["workload"]
    assert wl["gini"] == 0.15
    assert (wl["used"], wl["share_used"], wl["max"], wl["histogram"]) == (4, 0.8, 2, {"1": 3, "2": 1})


def test_cohesion_open_reasons_and_solve(values: dict) -> None:
    # R1: V1 and V2 share T-town-yunhe; R3: V1 and V4 share nothing
    assert values["cohesion"] == {"pairs": 2, "sharing": 1, "rate": 0.5}
    assert values["open_by_reason"] == {"NONE_AVAILABLE": 1}
    assert (values["solve"]["status"], values["solve"]["gap"], values["solve"]["seconds"]) == ("OPTIMAL", 0.0, 1.5)
    assert "seconds" not in kpis.without_timings(values)["solve"]


def test_gini_extremes_and_empty() -> None:
    assert kpis.gini([3, 3, 3]) == 0.0
    assert kpis.gini([0, 0, 0, 8]) == 0.75  # (n - 1) / n for one holder of everything
    assert kpis.gini([]) is None


def test_nothing_assigned_gives_empty_figures_not_errors() -> None:
    problem, _ = _day()
    empty = kpis.compute(describe(problem, geography()), Result(Status.OPTIMAL, Objective()))
    assert empty["staffing"]["overall"]["rate"] == 0.0
    assert empty["travel_km"]["p90"] is None and empty["workload"]["gini"] is None


def test_rows_flatten_every_leaf(values: dict) -> None:
    flat = kpis.rows(values)
    assert ("staffing", "by_institute.yunhe", "rate", 0.8) in flat
    assert ("travel_km", "", "p90", 7.6) in flat
    assert ("workload", "histogram", "2", 1) in flat


def test_without_a_geography_the_town_teams_imply_the_institutes() -> None:
    """A problem JSON base: one institute per town team named (yunhe, at its members' mean
    position); donghu is named by no team, so its people belong to the nearest, yunhe; no stations;
    domains from the teams (T-health -> health), else community."""
    problem, result = _day()
    ds = describe(problem)
    assert set(ds.towns) == {"yunhe"} and ds.stations == {}
    assert set(ds.volunteer_town.values()) == set(ds.request_town.values()) == {"yunhe"}
    assert set(ds.request_station.values()) == {OUTSIDE}
    assert ds.request_domain == {"R1": "health", "R2": "theory", "R3": "community"}
    assert kpis.compute(ds, result)["staffing"]["by_institute"] == {
        "yunhe": {"demanded": 6, "staffed": 5, "rate": 0.8333}}
