"""An independent checker of matching results: the hard rules H1-H10 and the objective.

`validate(problem, result)` re-derives every rule of the contract (matching/README.md) from the
problem's data classes and the result's assignments, and returns a list of `Violation`s (empty
when the result is valid). It shares no code with the solver's model: distances are recomputed
with geopy's exact `geodesic`, availability is rebuilt here, and the objective is recounted
from the assignments. One function per rule (`check_skill` .. `check_staffing`), each stating
its rule in its docstring, so a failure names the rule, the volunteer and the request. Beside
the rules, the result itself is checked: known ids, the time worked (`WINDOW`), the figures shown
(`FIGURES`), status against gap and assignments (`STATUS`), the reported objective
(`OBJECTIVE_MISMATCH`) and the open list (`OPEN_LIST`).

Tolerance: the contract lets bulk computation use a vectorised distance within 0.5 % of the
exact geodesic, so where a rule compares an engine-computed figure (distance, travel minutes,
site-to-site minutes) with a limit, a violation is reported only when even the figure 0.5 %
below the exact one breaks it. Per-pair overrides are taken as given. The objective is checked
exactly: figures reported to a user must use the exact distance.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from geopy.distance import geodesic  # type: ignore[import-untyped]

from matching.problem import MINUTES_PER_DAY, Problem, Request, Volunteer, parse_minute
from matching.result import Result

#: Relative agreement the contract allows between a vectorised distance and the exact one.
DISTANCE_TOLERANCE = 0.005


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: its code (e.g. ``H1_SKILL``), a one-line message, and who/what it concerns."""

    rule: str
    message: str
    volunteer: str | None = None
    request: str | None = None


@dataclass(frozen=True, slots=True)
class _Task:
    """An assignment as the checker reads it: minutes since `date_from` 00:00."""

    volunteer: str
    request: str
    skill: str
    start: int
    end: int
    distance_km: float | None
    travel_minutes: int | None


# ----------------------------------------------------------------------------- travel figures

@lru_cache(maxsize=65536)
def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Exact WGS-84 geodesic distance in km (geopy), cached: the checker asks for a pair many times."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).km)


def _minutes(distance_km: float, problem: Problem) -> int:
    return math.ceil(distance_km / problem.settings.speed_kmh * 60)


def _override(problem: Problem, volunteer: str, request: str) -> tuple[float | None, int | None]:
    for o in problem.settings.overrides:
        if o.volunteer == volunteer and o.request == request:
            return o.distance_km, o.travel_minutes
    return None, None


def pair_distance_km(problem: Problem, v: Volunteer, r: Request) -> float:
    """Exact `distance_km(v, r)`: the override if any, else geodesic home -> site x detour factor."""
    distance, _ = _override(problem, v.id, r.id)
    if distance is not None:
        return float(distance)
    return geodesic_km(v.lat, v.lon, r.lat, r.lon) * problem.settings.detour_factor


def pair_travel_minutes(problem: Problem, v: Volunteer, r: Request) -> int:
    """Exact `travel_minutes(v, r)`: the override if any, else ceil(distance / speed * 60)."""
    _, minutes = _override(problem, v.id, r.id)
    if minutes is not None:
        return int(minutes)
    return _minutes(pair_distance_km(problem, v, r), problem)


def _lenient_distance(problem: Problem, v: Volunteer, r: Request) -> float:
    """The smallest distance the engine may legitimately have used for the pair."""
    distance, _ = _override(problem, v.id, r.id)
    exact = pair_distance_km(problem, v, r)
    return exact if distance is not None else exact * (1 - DISTANCE_TOLERANCE)


def _lenient_minutes(problem: Problem, v: Volunteer, r: Request) -> int:
    """The smallest travel minutes the engine may legitimately have used for the pair."""
    _, minutes = _override(problem, v.id, r.id)
    if minutes is not None:
        return int(minutes)
    return _minutes(_lenient_distance(problem, v, r), problem)


def _site_minutes_lenient(problem: Problem, a: Request, b: Request) -> int:
    """Site-to-site minutes (no override applies), lenient by the distance tolerance."""
    km = geodesic_km(a.lat, a.lon, b.lat, b.lon) * problem.settings.detour_factor
    return _minutes(km * (1 - DISTANCE_TOLERANCE), problem)


# ----------------------------------------------------------------------------- reading a result

def _tasks(problem: Problem, result: Result) -> list[_Task]:
    return [_Task(a.volunteer, a.request, a.skill, parse_minute(a.start, problem.date_from),
                  parse_minute(a.end, problem.date_from), a.distance_km, a.travel_minutes)
            for a in result.assignments]


def _service_date(problem: Problem, task: _Task) -> dt.date:
    return problem.date_from + dt.timedelta(days=task.start // MINUTES_PER_DAY)


def _known(problem: Problem, result: Result) -> list[tuple[_Task, Volunteer, Request]]:
    vols = {v.id: v for v in problem.volunteers}
    reqs = {r.id: r for r in problem.requests}
    return [(t, vols[t.volunteer], reqs[t.request]) for t in _tasks(problem, result)
            if t.volunteer in vols and t.request in reqs]


def _v(rule: str, task: _Task, text: str) -> Violation:
    return Violation(rule, f"{task.volunteer} on {task.request}: {text}", task.volunteer, task.request)


# ----------------------------------------------------------------------------- structure

def check_references(problem: Problem, result: Result) -> list[Violation]:
    """Every assignment names a volunteer and a request of the problem."""
    vols = {v.id for v in problem.volunteers}
    reqs = {r.id for r in problem.requests}
    out = []
    for t in _tasks(problem, result):
        if t.volunteer not in vols:
            out.append(_v("UNKNOWN_VOLUNTEER", t, f"volunteer {t.volunteer!r} is not in the problem"))
        if t.request not in reqs:
            out.append(_v("UNKNOWN_REQUEST", t, f"request {t.request!r} is not in the problem"))
    return out


def check_window(problem: Problem, result: Result) -> list[Violation]:
    """Each assignment works the request's time: its fixed start, or one start inside the flexible
    window shared by everyone on the request, lasting exactly the service duration."""
    out = []
    starts: dict[str, set[int]] = defaultdict(set)
    for t, _, r in _known(problem, result):
        ts = r.time
        starts[r.id].add(t.start)
        if t.end - t.start != ts.duration:
            out.append(_v("WINDOW", t, f"works {t.end - t.start} min, the service lasts {ts.duration}"))
        if ts.fixed and t.start != ts.earliest_start:
            out.append(_v("WINDOW", t, f"starts at minute {t.start}, the fixed start is {ts.earliest_start}"))
        if not ts.fixed and not (ts.earliest_start <= t.start and t.end <= ts.latest_end):
            out.append(_v("WINDOW", t, f"[{t.start}, {t.end}] leaves the window "
                                       f"[{ts.earliest_start}, {ts.latest_end}]"))
    for request, seen in starts.items():
        if len(seen) > 1:
            out.append(Violation("WINDOW", f"{request}: assignees start at different minutes {sorted(seen)}",
                                 None, request))
    return out


def check_figures(problem: Problem, result: Result) -> list[Violation]:
    """Each assignment reports the pair's exact distance and travel minutes (to display precision)."""
    out = []
    for t, v, r in _known(problem, result):
        exact = pair_distance_km(problem, v, r)
        if t.distance_km is not None and abs(t.distance_km - exact) > DISTANCE_TOLERANCE * exact + 0.01:
            out.append(_v("FIGURES", t, f"reports {t.distance_km} km, the pair's distance is {exact:.3f} km"))
        low, high = _lenient_minutes(problem, v, r), pair_travel_minutes(problem, v, r)
        if t.travel_minutes is not None and not (low <= t.travel_minutes <= high):
            out.append(_v("FIGURES", t, f"reports {t.travel_minutes} travel min, the pair needs {high}"))
    return out


# ----------------------------------------------------------------------------- hard rules

def check_skill(problem: Problem, result: Result) -> list[Violation]:
    """H1: the volunteer fills one skill slot of the request, holding that skill at level >= min_level,
    certified (not expired) on the service date."""
    out = []
    for t, v, r in _known(problem, result):
        need = next((n for n in r.skills if n.skill == t.skill), None)
        if need is None:
            out.append(_v("H1_SKILL", t, f"fills skill {t.skill!r}, which the request does not ask for"))
            continue
        day = _service_date(problem, t)
        held = [s for s in v.skills if s.skill == t.skill]
        if not any(s.level >= need.min_level and (s.expires is None or s.expires >= day) for s in held):
            levels = ", ".join(f"level {s.level} expires {s.expires}" for s in held) or "not held"
            out.append(_v("H1_SKILL", t, f"{t.skill} needs level >= {need.min_level} on {day}; {levels}"))
    return out


def check_team(problem: Problem, result: Result) -> list[Violation]:
    """H2: when the request names eligible teams, the volunteer belongs to at least one of them."""
    return [
        _v("H2_TEAM", t, f"teams {list(v.teams)} miss the eligible {list(r.eligible_teams)}")
        for t, v, r in _known(problem, result)
        if r.eligible_teams and not set(v.teams) & set(r.eligible_teams)
    ]


def _available_pieces(problem: Problem, v: Volunteer) -> list[tuple[int, int]] | None:
    """The volunteer's available minutes as merged [start, end) pieces; None = always available."""
    a = v.availability
    if a is None:
        return None
    windows: list[tuple[int, int]] = [(s, e) for s, e in a.dated]
    for day in range(problem.num_days):
        weekday = (problem.date_from + dt.timedelta(days=day)).weekday()
        windows += [(day * MINUTES_PER_DAY + w.start, day * MINUTES_PER_DAY + w.end)
                    for w in a.weekly if w.weekday == weekday]
    points = sorted({p for w in [*windows, *a.exceptions] for p in w})
    pieces: list[tuple[int, int]] = []
    for p, q in itertools.pairwise(points):  # elementary [p, q): open iff a window covers, no exception does
        if any(s <= p and q <= e for s, e in windows) and not any(s <= p and q <= e for s, e in a.exceptions):
            if pieces and pieces[-1][1] == p:
                pieces[-1] = (pieces[-1][0], q)
            else:
                pieces.append((p, q))
    return pieces


def check_availability(problem: Problem, result: Result) -> list[Violation]:
    """H3: the volunteer is available for the whole interval [start - travel_minutes, end]."""
    out = []
    for t, v, r in _known(problem, result):
        pieces = _available_pieces(problem, v)
        if pieces is None:
            continue
        begin = t.start - _lenient_minutes(problem, v, r)
        if not any(s <= begin and t.end <= e for s, e in pieces):
            out.append(_v("H3_AVAILABILITY", t, f"not available over minutes [{begin}, {t.end}]"))
    return out


def check_one_place(problem: Problem, result: Result) -> list[Violation]:
    """H4: for two tasks A then B of one volunteer, end(A) + site-to-site travel(A -> B) <= start(B)."""
    reqs = {r.id: r for r in problem.requests}
    by_volunteer: dict[str, list[_Task]] = defaultdict(list)
    for t, _, _ in _known(problem, result):
        by_volunteer[t.volunteer].append(t)
    out = []
    for tasks in by_volunteer.values():
        tasks.sort(key=lambda t: (t.start, t.end))
        for i, a in enumerate(tasks):
            for b in tasks[i + 1:]:
                if a.request == b.request:
                    continue  # the same request twice is H10's to report
                ab = _site_minutes_lenient(problem, reqs[a.request], reqs[b.request])
                fits = a.end + ab <= b.start or (a.start == b.start and b.end + ab <= a.start)
                if not fits:
                    out.append(_v("H4_ONE_PLACE", b, f"starts at minute {b.start}, but {a.request} ends at "
                                                     f"{a.end} and the trip takes {ab} min"))
    return out


def check_limits(problem: Problem, result: Result) -> list[Violation]:
    """H5: per day and per period, the volunteer's task count and working minutes
    (service + travel) stay within their limits."""
    period: dict[str, list[tuple[str, int]]] = defaultdict(list)
    daily: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for t, v, r in _known(problem, result):
        work = (t.end - t.start) + _lenient_minutes(problem, v, r)
        period[v.id].append((r.id, work))
        daily[v.id, t.start // MINUTES_PER_DAY].append((r.id, work))
    vols = {v.id: v for v in problem.volunteers}
    out = []

    def over(vid: str, scope: str, tasks: list[tuple[str, int]], count_cap: int | None,
             minutes_cap: int | None) -> None:
        names = ", ".join(rid for rid, _ in tasks)
        minutes = sum(m for _, m in tasks)
        if count_cap is not None and len(tasks) > count_cap:
            out.append(Violation("H5_LIMITS", f"{vid}: {len(tasks)} tasks {scope} ({names}) exceed the "
                                              f"limit {count_cap}", vid, None))
        if minutes_cap is not None and minutes > minutes_cap:
            out.append(Violation("H5_LIMITS", f"{vid}: {minutes} working minutes {scope} ({names}) exceed "
                                              f"the limit {minutes_cap}", vid, None))

    for vid, tasks in period.items():
        lim = vols[vid].limits
        over(vid, "in the period", tasks, lim.tasks_per_period, lim.minutes_per_period)
    for (vid, day), tasks in daily.items():
        lim = vols[vid].limits
        date = problem.date_from + dt.timedelta(days=day)
        over(vid, f"on {date}", tasks, lim.tasks_per_day, lim.minutes_per_day)
    return out


def check_distance(problem: Problem, result: Result) -> list[Violation]:
    """H6: distance_km(v, r) <= the volunteer's max_travel_km when they have one."""
    return [
        _v("H6_DISTANCE", t, f"{pair_distance_km(problem, v, r):.3f} km exceeds max {v.max_travel_km} km")
        for t, v, r in _known(problem, result)
        if v.max_travel_km is not None and _lenient_distance(problem, v, r) > v.max_travel_km
    ]


def check_insurance(problem: Problem, result: Result) -> list[Violation]:
    """H7: where the request requires insurance, insurance_valid_until >= the service date."""
    out = []
    for t, v, r in _known(problem, result):
        day = _service_date(problem, t)
        if r.requires_insurance and (v.insurance_valid_until is None or v.insurance_valid_until < day):
            out.append(_v("H7_INSURANCE", t,
                          f"insurance valid until {v.insurance_valid_until}, service on {day}"))
    return out


def check_pinned(problem: Problem, result: Result) -> list[Violation]:
    """H8: every pinned request of a volunteer is assigned to that volunteer (unless the result
    reports the problem INFEASIBLE)."""
    if _status(result) == "INFEASIBLE":
        return []
    done = {(t.volunteer, t.request) for t in _tasks(problem, result)}
    return [
        Violation("H8_PINNED", f"{v.id} on {rid}: pinned but not assigned", v.id, rid)
        for v in problem.volunteers for rid in v.pinned if (v.id, rid) not in done
    ]


def check_forbidden(problem: Problem, result: Result) -> list[Violation]:
    """H9: a volunteer is never assigned to a request they forbid."""
    return [_v("H9_FORBIDDEN", t, "the volunteer forbids this request")
            for t, v, _ in _known(problem, result) if t.request in v.forbidden]


def check_staffing(problem: Problem, result: Result) -> list[Violation]:
    """H10: each skill slot is filled at most `count` times, a request that does not allow partial
    staffing is fully staffed or empty, and a volunteer serves a request at most once."""
    filled: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for t, _, _ in _known(problem, result):
        filled[t.request, t.skill] += 1
        seen[t.volunteer, t.request] += 1
    out = [Violation("H10_STAFFING", f"{vid} on {rid}: assigned {n} times", vid, rid)
           for (vid, rid), n in seen.items() if n > 1]
    for r in problem.requests:
        total = 0
        for need in r.skills:
            got = filled[r.id, need.skill]
            total += got
            if got > need.count:
                out.append(Violation("H10_STAFFING", f"{r.id}: {need.skill} filled {got} times, "
                                                     f"count is {need.count}", None, r.id))
        full = all(filled[r.id, n.skill] >= n.count for n in r.skills)
        if not r.allow_partial and total and not full:
            out.append(Violation("H10_STAFFING", f"{r.id}: partly staffed ({total} of {r.headcount}) "
                                                 "but partial staffing is not allowed", None, r.id))
    return out


HARD_RULES: tuple[Callable[[Problem, Result], list[Violation]], ...] = (
    check_skill, check_team, check_availability, check_one_place, check_limits,
    check_distance, check_insurance, check_pinned, check_forbidden, check_staffing,
)
STRUCTURE: tuple[Callable[[Problem, Result], list[Violation]], ...] = (
    check_references, check_window, check_figures,
)  # check_open runs with the objective, after the rules: it concerns reporting, not feasibility


# ----------------------------------------------------------------------------- objective

def objective(problem: Problem, result: Result) -> dict[str, int]:
    """The four levels of the contract recounted from the result's assignments."""
    vols = {v.id: v for v in problem.volunteers}
    staffing = travel = 0
    per_volunteer: dict[str, int] = defaultdict(int)
    per_request: dict[str, list[str]] = defaultdict(list)
    for _, v, r in _known(problem, result):
        staffing += problem.settings.weight(r.priority)
        travel += round(pair_distance_km(problem, v, r) * 1000)   # each pair rounded, then summed
        per_volunteer[v.id] += 1
        per_request[r.id].append(v.id)
    cohesion = sum(1 for people in per_request.values() for a, b in itertools.combinations(people, 2)
                   if set(vols[a].teams) & set(vols[b].teams))
    return {"staffing": staffing, "travel_m": travel,
            "workload": sum(n * n for n in per_volunteer.values()), "cohesion": cohesion}


def check_status(problem: Problem, result: Result) -> list[Violation]:
    """An OPTIMAL result reports gap 0.0; an INFEASIBLE one assigns nobody."""
    status = _status(result)
    out = []
    if status == "OPTIMAL" and result.gap not in (0, 0.0):
        out.append(Violation("STATUS", f"OPTIMAL but the reported gap is {result.gap}"))
    if status == "INFEASIBLE" and result.assignments:
        out.append(Violation("STATUS", f"INFEASIBLE but {len(result.assignments)} assignments are reported"))
    return out


def check_objective(problem: Problem, result: Result) -> list[Violation]:
    """The result's reported objective equals the objective recounted from its assignments."""
    reported = getattr(result, "objective", None)
    if reported is None or _status(result) in ("INFEASIBLE", "MODEL_INVALID", "UNKNOWN"):
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
    for t in _tasks(problem, result):
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


def _status(result: Result) -> str:
    status = getattr(result, "status", "")
    return str(getattr(status, "value", status))


def validate(problem: Problem, result: Result, rules: Iterable[Callable[..., list[Violation]]] | None = None
             ) -> list[Violation]:
    """All violations of `result` against `problem` ([] = valid): structure, H1-H10, status,
    objective and open list; pass `rules` to run only some checks."""
    checks = list(rules) if rules is not None else [*STRUCTURE, *HARD_RULES, check_status, check_objective, check_open]
    out: list[Violation] = []
    for check in checks:
        out.extend(check(problem, result))
    return out
