"""Candidate generation against a plain per-pair reference, and the pieces it is built from.

`generate` checks the pairwise rules in bulk, cheapest first, pre-checks travel caps, minute
limits and availability on a lower bound of the distance, and builds start pieces only for the
rows it keeps. The reference here walks every holder of a slot's skill one by one with
`pair_reasons` (the rule function the explanations use) and `allowed_starts`, so a shortcut that
drops or admits a pair shows up as a difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import SolveOptions, solve, validate
from matching.arrays import NEVER, allowed_starts, build_arrays
from matching.candidates import flex_domains, generate, pair_distance, pair_reasons
from matching.engine import _widen_by_flow
from matching.geo import exact_km, geodesic_km
from matching.jsonio import load_problem
from matching.problem import Problem
from matching.result import Status
from matching.rules import availability
from tests.matching.helpers import DAY, at, build, document, place, request, volunteer
from tests.matching.strategies import problems


def _reference(problem: Problem, keep: int) -> dict[tuple[int, int], dict[str, Any]]:
    """Per (request, slot): every passing holder with its distance, one pair at a time."""
    arr = build_arrays(problem)
    forced = set(arr.pins) | set(arr.overrides)
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for r in range(arr.nr):
        for k, (skill, count, min_level) in enumerate(arr.r_needs[r]):
            pool = arr.skills.get(skill)
            passing: dict[int, float] = {}
            pieces: dict[int, list[tuple[int, int]]] = {}
            for i in range(0 if pool is None else len(pool.vidx)):
                v = int(pool.vidx[i])
                km, mins = pair_distance(arr, np.array([v]), r)
                reason, _ = pair_reasons(arr, np.array([v]), pool.level[i:i + 1], pool.last_day[i:i + 1], r,
                                         min_level, km, mins)
                if not arr.r_fixed[r] and reason[0] == 0:
                    last = min(int(pool.last_day[i]),
                               int(arr.insured_until[v]) if arr.r_insurance[r] else NEVER)
                    pieces[v] = allowed_starts(arr, v, r, int(mins[0]), last)
                    if not pieces[v]:
                        continue
                if reason[0] == 0:
                    passing[v] = float(km[0])
            out[r, k] = {"passing": passing, "pieces": pieces, "keep": keep + count - 1,
                         "forced": {v for v, rr in forced if rr == r}}
    return out


def _check_against_reference(problem: Problem, keep: int) -> None:
    arr = build_arrays(problem)
    cand = generate(arr, keep)
    ref = _reference(problem, keep)
    rows = list(zip(cand.r.tolist(), cand.k.tolist(), cand.v.tolist()))
    assert rows == sorted(rows), "rows come out in (request, slot, volunteer) order"
    assert len(set(rows)) == len(rows)
    for (r, k), slot in ref.items():
        kept = [i for i, (rr, kk, _) in enumerate(rows) if (rr, kk) == (r, k)]
        vols = {rows[i][2] for i in kept}
        passing, forced = slot["passing"], slot["forced"]
        assert vols <= set(passing), f"slot {r, k}: kept a pair that breaks a rule"
        assert forced & set(passing) <= vols, f"slot {r, k}: a pinned or overridden pair left out"
        free = {v: km for v, km in passing.items() if v not in forced}
        kept_free = vols - forced
        assert len(kept_free) == min(slot["keep"], len(free)), f"slot {r, k}: wrong number kept"
        left = set(free) - kept_free
        if left:
            assert max(free[v] for v in kept_free) <= min(free[v] for v in left) + 1e-9, \
                f"slot {r, k}: a nearer passing volunteer was left out"
            assert (r, k) in cand.truncated, f"slot {r, k}: cut but not reported as truncated"
        for i in kept:
            v = rows[i][2]
            assert cand.km[i] == pytest.approx(passing[v], abs=1e-9)
            if arr.r_fixed[r]:
                assert i not in cand.domains
            else:
                assert cand.domains[i] == slot["pieces"][v]


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_volunteers=14, max_requests=4), st.sampled_from([1, 2, 30]))
def test_kept_candidates_are_the_nearest_passing_ones_of_a_per_pair_check(doc: dict[str, Any],
                                                                          keep: int) -> None:
    _check_against_reference(load_problem(doc), keep)


def _many_pieces() -> Problem:
    """Volunteers with up to ten availability pieces over a week, requests on several days."""
    days = [f"2026-03-0{d}" for d in range(2, 9)]
    vols = []
    for i in range(40):
        windows = [{"start": at(f"{7 + (i + j) % 4:02d}:00", day),
                    "end": at(f"{9 + (i + j) % 4 + (i * j) % 4:02d}:30", day)}
                   for j, day in enumerate(days) if (i + j) % 3]
        vols.append(volunteer(f"V{i}", skills={"helper": 1 + i % 3}, east_km=(i % 9) - 4.0,
                              north_km=(i // 9) - 2.0, availability={"dated": windows}))
    reqs = []
    for j, day in enumerate(days):
        reqs.append(request(f"F{j}", needs=(("helper", 2, 1),), east_km=j - 3.0,
                            time={"start": at("09:30", day), "duration": 60}))
        reqs.append(request(f"W{j}", needs=(("helper", 1, 2),), north_km=j - 3.0,
                            time={"earliest_start": at("08:00", day), "latest_end": at("13:00", day),
                                  "duration": 45}))
    return build(vols, reqs, date_from=days[0], date_to=days[-1])


def test_many_pieces_follow_the_reference_by_search_and_by_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _many_pieces()
    arr = build_arrays(problem)
    assert int(np.diff(arr.av_ptr).max()) > availability.FEW_PIECES      # the search path
    _check_against_reference(problem, 3)
    by_search = generate(build_arrays(problem), 3)
    monkeypatch.setattr(availability, "FEW_PIECES", 100)                  # the piece-by-piece path
    _check_against_reference(problem, 3)
    by_scan = generate(build_arrays(problem), 3)
    assert len(by_scan) > 0
    for name in ("v", "r", "k", "metres", "minutes"):
        assert np.array_equal(getattr(by_search, name), getattr(by_scan, name)), name
    assert by_search.domains == by_scan.domains and by_search.truncated == by_scan.truncated


def test_flex_domains_match_allowed_starts_pair_by_pair() -> None:
    problem = _many_pieces()
    arr = build_arrays(problem)
    flex = [r for r in range(arr.nr) if not arr.r_fixed[r]]
    v = np.repeat(np.arange(arr.nv), len(flex))
    r = np.tile(np.asarray(flex), arr.nv)
    travel = (v * 7 + r * 3) % 50
    last = np.where(v % 4 == 0, 3, NEVER)
    got = flex_domains(arr, v, r, travel, last)
    want = [allowed_starts(arr, int(a), int(b), int(t), int(d)) for a, b, t, d in zip(v, r, travel, last)]
    assert got == want
    assert any(got) and not all(got)


def test_a_pairs_distance_does_not_depend_on_the_pairs_computed_with_it() -> None:
    rng = np.random.default_rng(5)
    lat1, lon1 = rng.uniform(-80, 80, 400), rng.uniform(-180, 180, 400)
    lat2, lon2 = rng.uniform(-80, 80, 400), rng.uniform(-180, 180, 400)
    lat2[0], lon2[0] = -lat1[0] + 0.3, lon1[0] + 179.8       # nearly antipodal: the exact fallback
    together = geodesic_km(lat1, lon1, lat2, lon2)
    alone = np.array([float(geodesic_km(a, b, c, d)) for a, b, c, d in zip(lat1, lon1, lat2, lon2)])
    assert np.array_equal(together, alone)
    exact = np.array([exact_km(a, b, c, d) for a, b, c, d in zip(lat1, lon1, lat2, lon2)])
    assert np.abs(together - exact).max() < 1e-6               # well under a millimetre
    assert geodesic_km(np.zeros((2, 3)), 0.0, 0.0, 1.0).shape == (2, 3)


def test_travel_caps_limits_and_availability_cut_by_the_exact_distance_not_the_bound() -> None:
    """Volunteers placed right at a travel cap, a minute limit and an availability edge: the
    bound may only rule out what the exact figure rules out too."""
    reqs = [request("R", needs=(("helper", 30, 1),), time={"start": at("10:00"), "duration": 60})]
    base = build([volunteer("V0", skills={"helper": 1})], reqs)
    arr = build_arrays(base)
    vols = []
    for i in range(60):
        east = 0.5 + i * 0.1
        km = float(pair_distance_km_of(east)) * arr.detour
        mins = int(np.ceil(km / arr.speed_kmh * 60 - 1e-9))
        kind = i % 3
        doc = volunteer(f"V{i}", skills={"helper": 1}, east_km=east)
        if kind == 0:
            doc["max_travel_km"] = round(km + (0.001 if i % 2 else -0.001), 3)
        elif kind == 1:
            doc["limits"] = {"minutes_per_day": 60 + mins - (i % 2)}
        else:
            start = 600 - mins + (i % 2)
            doc["availability"] = {"dated": [{"start": at(f"{start // 60:02d}:{start % 60:02d}"),
                                              "end": at("12:00")}]}
        vols.append(doc)
    problem = build(vols, reqs)
    _check_against_reference(problem, 30)
    cand = generate(build_arrays(problem), 30)
    assert 0 < len(cand) < len(vols)


def pair_distance_km_of(east_km: float) -> float:
    """Geodesic km from the base point to a place `east_km` east of it."""
    a, b = place(), place(east_km=east_km)
    return float(geodesic_km(a["lat"], a["lon"], b["lat"], b["lon"]))


def test_widening_starts_no_round_after_its_deadline() -> None:
    vols = [volunteer(f"V{i}", skills={"helper": 1}, east_km=i * 0.3) for i in range(12)]
    reqs = [request(f"R{j}", needs=(("helper", 2, 1),), time={"start": at("09:00", DAY), "duration": 60})
            for j in range(3)]
    problem = load_problem(document(vols, reqs))
    arr = build_arrays(problem)
    cand = generate(arr, 1)
    assert cand.truncated
    keep_for: dict[int, int] = {}
    events: list[Any] = []
    same, _, _ = _widen_by_flow(arr, cand, None, SolveOptions(candidates_per_slot=1), keep_for, events.append,
                             deadline=0.0)
    assert same is cand and keep_for == {} and events == []
    wider, _, _ = _widen_by_flow(arr, cand, None, SolveOptions(candidates_per_slot=1), keep_for, events.append)
    assert len(wider) > len(cand) and keep_for and events


def test_a_solve_left_almost_no_time_still_returns_a_valid_result() -> None:
    """Candidates cut hard (one per slot) so that widening has work to do, and a time limit too
    short for it: the engine returns a checked result, not an error."""
    vols = [volunteer(f"V{i}", skills={"helper": 1}, east_km=i * 0.3) for i in range(12)]
    reqs = [request(f"R{j}", needs=(("helper", 2, 1),), start=f"{9 + j:02d}:00") for j in range(4)]
    problem = load_problem(document(vols, reqs))
    for limit in (0.01, 5.0):
        result = solve(problem, SolveOptions(time_limit=limit, workers=1, seed=1, candidates_per_slot=1))
        assert result.status in (Status.OPTIMAL, Status.FEASIBLE), result.message
        assert validate(problem, result) == []
        assert result.assignments
