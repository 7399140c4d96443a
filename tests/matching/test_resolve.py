"""Re-solving after changes keeps earlier assignments where possible and says what moved."""

from __future__ import annotations

import pytest

from matching import Changes, Problem, ProblemError, apply_changes, resolve, solve, validate
from tests.matching.helpers import assign, build, proving, request, result_of, volunteer

OPTS = proving(5)


def town() -> Problem:
    return build([volunteer("V1", east_km=0.5), volunteer("V2", east_km=1.0), volunteer("V3", east_km=2.0)],
                 [request("R1"), request("R2", start="14:00", north_km=1)])


def test_a_declined_task_moves_only_that_task() -> None:
    p = town()
    first = solve(p, OPTS)
    assert {(a.volunteer, a.request) for a in first.assignments} == {("V1", "R1"), ("V1", "R2")}
    changes = Changes(declined=(("V1", "R2"),))
    again = resolve(p, first, changes, OPTS)
    assert validate(apply_changes(p, changes), again) == []
    assert again.moved is not None
    assert again.moved.kept == (("R1", "V1"),)
    assert again.moved.removed == (("R2", "V1"),)
    assert again.moved.added == (("R2", "V2"),)


def test_stability_outranks_travel_but_not_staffing() -> None:
    p = town()
    # an earlier dispatch gave R1 to V3 (the farthest): with nothing changed it stays there
    previous = result_of(p, [assign(p, "V3", "R1"), assign(p, "V1", "R2")])
    again = resolve(p, previous, Changes(), OPTS)
    assert {(a.volunteer, a.request) for a in again.assignments} == {("V3", "R1"), ("V1", "R2")}
    assert again.moved is not None and again.moved.added == () and again.moved.removed == ()
    # a new, higher-priority request nearby takes V1 only if staffing gains; all three still get people
    added = request("R3", start="09:00", priority=5, north_km=0.2)
    changed = resolve(p, previous, Changes(requests_added=(build([volunteer("X")], [added]).requests[0],)), OPTS)
    assert {a.request for a in changed.assignments} == {"R1", "R2", "R3"}
    assert ("R1", "V3") in changed.moved.kept


def test_cancelled_requests_and_removed_volunteers() -> None:
    p = town()
    first = solve(p, OPTS)
    changes = Changes(volunteers_removed=("V1",), requests_cancelled=("R2",))
    again = resolve(p, first, changes, OPTS)
    assert validate(apply_changes(p, changes), again) == []
    assert {(a.volunteer, a.request) for a in again.assignments} == {("V2", "R1")}
    assert set(again.moved.removed) == {("R1", "V1"), ("R2", "V1")}


def test_unknown_ids_in_changes_are_rejected() -> None:
    p = town()
    with pytest.raises(ProblemError, match=r"changes.declined\[0\].volunteer: unknown volunteer 'V9'"):
        apply_changes(p, Changes(declined=(("V9", "R1"),)))
    with pytest.raises(ProblemError, match=r"changes.requests_cancelled\[0\]"):
        apply_changes(p, Changes(requests_cancelled=("R9",)))
