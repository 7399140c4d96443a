"""An independent checker of matching results: the hard rules H1-H10 and the objective.

`validate(problem, result)` re-derives every rule of the contract (matching/README.md) from the
problem's data classes and the result's assignments, and returns a list of `Violation`s (empty
when the result is valid). It shares no code with the solver's model: distances are recomputed
with geopy's exact `geodesic`, availability is rebuilt from the data classes, and the objective
is recounted from the assignments. Each hard rule's check lives in its rule module
(`matching/rules/<name>.py`, `check_skill` .. `check_staffing`, re-exported here), stating its
rule in its docstring, so a failure names the rule, the volunteer and the request; a caller's
own rules come in through `extra_rules`. Beside the rules, the result itself is checked: known
ids, the time worked (`WINDOW`), the figures shown (`FIGURES`), status against gap and
assignments (`STATUS`), the reported objective (`OBJECTIVE_MISMATCH`) and the open list
(`OPEN_LIST`).

Tolerance: see `matching.rules.facts` (a figure 0.5 % below the exact one is given the benefit
of the doubt where it meets a limit). The objective is checked exactly: figures reported to a
user must use the exact distance.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable

from matching.problem import Problem
from matching.result import Result
from matching.rules import RULES, Rule
from matching.rules.availability import check_availability
from matching.rules.distance import check_distance
from matching.rules.facts import (
    DISTANCE_TOLERANCE,
    Violation,
    geodesic_km,
    known,
    lenient_minutes,
    pair_distance_km,
    pair_travel_minutes,
    status_of,
    tasks,
    violation,
)
from matching.rules.forbidden import check_forbidden
from matching.rules.insurance import check_insurance
from matching.rules.limits import check_limits
from matching.rules.one_place import check_one_place
from matching.rules.pinned import check_pinned
from matching.rules.skill import check_skill
from matching.rules.staffing import check_staffing
from matching.rules.team import check_team

__all__ = [
    "DISTANCE_TOLERANCE", "HARD_RULES", "STRUCTURE", "Violation", "check_availability", "check_distance",
    "check_figures", "check_forbidden", "check_insurance", "check_limits", "check_objective", "check_one_place",
    "check_open", "check_pinned", "check_references", "check_skill", "check_staffing", "check_status", "check_team",
    "check_window", "geodesic_km", "objective", "pair_distance_km", "pair_travel_minutes", "validate",
]

Check = Callable[[Problem, Result], list[Violation]]


# ----------------------------------------------------------------------------- structure

def check_references(problem: Problem, result: Result) -> list[Violation]:
    """Every assignment names a volunteer and a request of the problem."""
    vols = {v.id for v in problem.volunteers}
    reqs = {r.id for r in problem.requests}
    out = []
    for t in tasks(problem, result):
        if t.volunteer not in vols:
            out.append(violation("UNKNOWN_VOLUNTEER", t, f"volunteer {t.volunteer!r} is not in the problem"))
        if t.request not in reqs:
            out.append(violation("UNKNOWN_REQUEST", t, f"request {t.request!r} is not in the problem"))
    return out


def check_window(problem: Problem, result: Result) -> list[Violation]:
    """Each assignment works the request's time: its fixed start, or one start inside the flexible
    window shared by everyone on the request, lasting exactly the service duration."""
    out = []
    starts: dict[str, set[int]] = defaultdict(set)
    for t, _, r in known(problem, result):
        ts = r.time
        starts[r.id].add(t.start)
        if t.end - t.start != ts.duration:
            out.append(violation("WINDOW", t, f"works {t.end - t.start} min, the service lasts {ts.duration}"))
        if ts.fixed and t.start != ts.earliest_start:
            out.append(violation("WINDOW", t, f"starts at minute {t.start}, the fixed start is {ts.earliest_start}"))
        if not ts.fixed and not (ts.earliest_start <= t.start and t.end <= ts.latest_end):
            out.append(violation("WINDOW", t, f"[{t.start}, {t.end}] leaves the window "
                                       f"[{ts.earliest_start}, {ts.latest_end}]"))
    for request, seen in starts.items():
        if len(seen) > 1:
            out.append(Violation("WINDOW", f"{request}: assignees start at different minutes {sorted(seen)}",
                                 None, request))
    return out


def check_figures(problem: Problem, result: Result) -> list[Violation]:
    """Each assignment reports the pair's exact distance and travel minutes (to display precision)."""
    out = []
    for t, v, r in known(problem, result):
        exact = pair_distance_km(problem, v, r)
        if t.distance_km is not None and abs(t.distance_km - exact) > DISTANCE_TOLERANCE * exact + 0.01:
            out.append(violation("FIGURES", t, f"reports {t.distance_km} km, the pair's distance is {exact:.3f} km"))
        low, high = lenient_minutes(problem, v, r), pair_travel_minutes(problem, v, r)
        if t.travel_minutes is not None and not (low <= t.travel_minutes <= high):
            out.append(violation("FIGURES", t, f"reports {t.travel_minutes} travel min, the pair needs {high}"))
    return out


#: the contract's hard rules H1-H10, one check each (`matching.rules.RULES` in order)
HARD_RULES: tuple[Check, ...] = RULES.checks
STRUCTURE: tuple[Check, ...] = (
    check_references, check_window, check_figures,
)  # check_open runs with the objective, after the rules: it concerns reporting, not feasibility


# ----------------------------------------------------------------------------- objective

def objective(problem: Problem, result: Result) -> dict[str, int]:
    """The four levels of the contract recounted from the result's assignments."""
    vols = {v.id: v for v in problem.volunteers}
    weight = dict(zip((r.id for r in problem.requests), problem.staffing_weights()))
    staffing = travel = 0
    per_volunteer: dict[str, int] = defaultdict(int)
    per_request: dict[str, list[str]] = defaultdict(list)
    for _, v, r in known(problem, result):
        staffing += weight[r.id]
        travel += round(pair_distance_km(problem, v, r) * 1000)   # each pair rounded, then summed
        per_volunteer[v.id] += 1
        per_request[r.id].append(v.id)
    cohesion = sum(1 for people in per_request.values() for a, b in itertools.combinations(people, 2)
                   if set(vols[a].teams) & set(vols[b].teams))
    return {"staffing": staffing, "travel_m": travel,
            "workload": sum(n * n for n in per_volunteer.values()), "cohesion": cohesion}


def check_status(problem: Problem, result: Result) -> list[Violation]:
    """An OPTIMAL result reports gap 0.0; an INFEASIBLE one assigns nobody."""
    status = status_of(result)
    out = []
    if status == "OPTIMAL" and result.gap not in (0, 0.0):
        out.append(Violation("STATUS", f"OPTIMAL but the reported gap is {result.gap}"))
    if status == "INFEASIBLE" and result.assignments:
        out.append(Violation("STATUS", f"INFEASIBLE but {len(result.assignments)} assignments are reported"))
    return out


def check_objective(problem: Problem, result: Result) -> list[Violation]:
    """The result's reported objective equals the objective recounted from its assignments."""
    reported = getattr(result, "objective", None)
    if reported is None or status_of(result) in ("INFEASIBLE", "MODEL_INVALID", "UNKNOWN"):
        return []
    got = reported.as_dict() if hasattr(reported, "as_dict") else dict(reported)
    expected = objective(problem, result)
    wrong = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
    if not wrong:
        return []
    text = ", ".join(f"{k} reported {have} but is {want}" for k, (have, want) in wrong.items())
    return [Violation("OBJECTIVE_MISMATCH", f"objective: {text}")]


def check_open(problem: Problem, result: Result) -> list[Violation]:
    """Every request with unfilled slots is listed open with exactly its missing counts, and no other."""
    filled: dict[tuple[str, str], int] = defaultdict(int)
    for t in tasks(problem, result):
        filled[t.request, t.skill] += 1
    listed = {o.request: {m.skill: m.count for m in o.missing} for o in getattr(result, "open", ())}
    out = []
    for r in problem.requests:
        missing = {n.skill: n.count - filled[r.id, n.skill] for n in r.skills
                   if filled[r.id, n.skill] < n.count}
        if missing != listed.get(r.id, {}) or (not missing and r.id in listed):
            out.append(Violation("OPEN_LIST", f"{r.id}: missing slots {missing}, the result lists "
                                              f"{listed.get(r.id, 'nothing')}", None, r.id))
    return out


def validate(problem: Problem, result: Result, rules: Iterable[Check] | None = None,
             extra_rules: Iterable[Rule] = ()) -> list[Violation]:
    """All violations of `result` against `problem` ([] = valid): structure, H1-H10, the
    caller's `extra_rules` (the ones a solve was given), status, objective and open list; pass
    `rules` to run only some checks (and the extra rules')."""
    extra = [rule.check for rule in extra_rules]
    checks = [*rules, *extra] if rules is not None else [*STRUCTURE, *HARD_RULES, *extra, check_status,
                                                         check_objective, check_open]
    out: list[Violation] = []
    for check in checks:
        out.extend(check(problem, result))
    return out
