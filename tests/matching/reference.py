"""A brute-force reference optimum for tiny problems, built from the contract text.

It enumerates every way to staff each request (each volunteer: not on it, or on one of its skill
slots; a flexible request also at each start on a grid of `step` minutes), keeps the combinations
the hard rules allow, and returns the lexicographically best objective (staffing max, travel min,
workload min, cohesion max). It shares nothing with the engine: rules that concern one pair
(H1-H3, H6, H7, H9) are asked of the independent checker on a one-assignment result; rules across
tasks (H4, H5, H8, H10) are enforced here during a depth-first search over requests; the winner is
re-checked against all hard rules of the checker before it is returned.

With fixed times the result is the exact optimum. With flexible windows it is the optimum over
starts on the grid, so an engine that picks any minute must be at least as good.

Only for tiny inputs (a handful of volunteers and requests): the search is exponential.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

from matching.problem import MINUTES_PER_DAY, Problem, Request
from matching.result import Assignment, Objective, Result, Status
from matching.validate import (
    HARD_RULES,
    check_availability,
    check_distance,
    check_forbidden,
    check_insurance,
    check_skill,
    check_team,
    geodesic_km,
    pair_distance_km,
    pair_travel_minutes,
)

PAIR_RULES = (check_skill, check_team, check_availability, check_distance, check_insurance, check_forbidden)


@dataclass(frozen=True)
class Best:
    """The reference optimum: its objective, one optimal assignment set, and how many were searched."""

    objective: Objective | None            # None: no assignment set satisfies the hard rules
    assignments: tuple[Assignment, ...]
    leaves: int


def _assignment(problem: Problem, vid: str, r: Request, skill: str, start: int) -> Assignment:
    v = next(x for x in problem.volunteers if x.id == vid)
    return Assignment(r.id, vid, skill, problem.iso(start), problem.iso(start + r.time.duration),
                      pair_distance_km(problem, v, r), pair_travel_minutes(problem, v, r))


def _allowed(problem: Problem, a: Assignment) -> bool:
    single = Result(status=Status.FEASIBLE, objective=Objective(), assignments=(a,))
    return not any(rule(problem, single) for rule in PAIR_RULES)


def _staffings(problem: Problem, r: Request, start: int) -> list[tuple[Assignment, ...]]:
    """Every staffing of `r` starting at `start` that respects its counts and partial flag (H10)."""
    per_volunteer = []
    for v in problem.volunteers:
        options: list[Assignment | None] = [None]
        options += [a for n in r.skills
                    if _allowed(problem, a := _assignment(problem, v.id, r, n.skill, start))]
        per_volunteer.append(options)
    out: list[tuple[Assignment, ...]] = []
    for combo in itertools.product(*per_volunteer):
        chosen = tuple(a for a in combo if a is not None)
        filled = {n.skill: sum(1 for a in chosen if a.skill == n.skill) for n in r.skills}
        if any(filled[n.skill] > n.count for n in r.skills):
            continue
        if chosen and not r.allow_partial and any(filled[n.skill] < n.count for n in r.skills):
            continue
        out.append(chosen)
    return out


def reference_optimum(problem: Problem, step: int = 30) -> Best:
    """The lexicographic optimum over all assignment sets that obey H1-H10, flexible requests
    starting on a grid of `step` minutes from their earliest start."""
    reqs = {r.id: r for r in problem.requests}
    vols = {v.id: v for v in problem.volunteers}
    speed, detour = problem.settings.speed_kmh, problem.settings.detour_factor

    def site_minutes(a: str, b: str) -> int:
        ra, rb = reqs[a], reqs[b]
        return math.ceil(geodesic_km(ra.lat, ra.lon, rb.lat, rb.lon) * detour / speed * 60)

    def fits(tasks: list[Assignment], new: Assignment) -> bool:
        """H4 and H5 for the volunteer of `new`, given their earlier tasks."""
        v = vols[new.volunteer]
        mine = [*tasks, new]
        spans = sorted((problem.minute(a.start), problem.minute(a.end), a.request) for a in mine)
        for (_, e1, r1), (s2, _, r2) in itertools.combinations(spans, 2):
            if e1 + site_minutes(r1, r2) > s2:
                return False
        lim = v.limits
        work = [(problem.minute(a.start) // MINUTES_PER_DAY,
                 problem.minute(a.end) - problem.minute(a.start) + a.travel_minutes) for a in mine]
        per_day: dict[int, list[int]] = defaultdict(list)
        for day, minutes in work:
            per_day[day].append(minutes)
        checks = [(len(mine), lim.tasks_per_period), (sum(m for _, m in work), lim.minutes_per_period)]
        for day_work in per_day.values():
            checks += [(len(day_work), lim.tasks_per_day), (sum(day_work), lim.minutes_per_day)]
        return all(cap is None or value <= cap for value, cap in checks)

    options = []
    for r in problem.requests:
        starts = range(r.time.earliest_start, r.time.latest_start + 1, step)
        # an empty staffing is the same whatever the start: list it once
        options.append([()] + [s for start in starts for s in _staffings(problem, r, start) if s])
    pins = {(v.id, rid) for v in problem.volunteers for rid in v.pinned}
    best_key: tuple[int, int, int, int] | None = None
    best: tuple[Assignment, ...] = ()
    leaves = 0

    def score(chosen: tuple[Assignment, ...]) -> Objective:
        count: dict[str, int] = defaultdict(int)
        people: dict[str, list[str]] = defaultdict(list)
        staffing = travel = 0
        for a in chosen:
            staffing += problem.settings.weight(reqs[a.request].priority)
            travel += round(a.distance_km * 1000)
            count[a.volunteer] += 1
            people[a.request].append(a.volunteer)
        cohesion = sum(1 for group in people.values() for x, y in itertools.combinations(group, 2)
                       if set(vols[x].teams) & set(vols[y].teams))
        return Objective(staffing, travel, sum(n * n for n in count.values()), cohesion)

    def search(i: int, chosen: tuple[Assignment, ...], by_volunteer: dict[str, list[Assignment]]) -> None:
        nonlocal best_key, best, leaves
        if i == len(options):
            leaves += 1
            if not pins <= {(a.volunteer, a.request) for a in chosen}:
                return
            key = score(chosen).key()
            if best_key is None or key < best_key:
                best_key, best = key, chosen
            return
        for staffing in options[i]:
            ok = True
            added: list[Assignment] = []
            for a in staffing:
                if not fits(by_volunteer[a.volunteer], a):
                    ok = False
                    break
                by_volunteer[a.volunteer].append(a)
                added.append(a)
            if ok:
                search(i + 1, chosen + staffing, by_volunteer)
            for a in added:
                by_volunteer[a.volunteer].remove(a)

    search(0, (), defaultdict(list))
    if best_key is None:
        return Best(None, (), leaves)
    winner = Result(status=Status.OPTIMAL, objective=score(best), assignments=best)
    broken = [v for rule in HARD_RULES for v in rule(problem, winner)]
    if broken:
        raise AssertionError(f"the reference's own optimum breaks a rule: {broken[0].message}")
    return Best(winner.objective, best, leaves)
