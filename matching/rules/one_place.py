"""H4 one place at a time: between two tasks of a volunteer there is time to travel site to site.

No pair test: the rule links two assignments. `matching.parts` lists the request pairs of a part
that share a candidate and may clash (with their site-to-site minutes); the CP-SAT model, the
repair and the LP's clash cliques keep them apart.
"""

from __future__ import annotations

from collections import defaultdict

from matching.problem import Problem
from matching.result import Result
from matching.rules.base import Rule
from matching.rules.facts import Task, Violation, known, site_minutes_lenient, violation


def check_one_place(problem: Problem, result: Result) -> list[Violation]:
    """H4: for two tasks A then B of one volunteer, end(A) + site-to-site travel(A -> B) <= start(B)."""
    reqs = {r.id: r for r in problem.requests}
    by_volunteer: dict[str, list[Task]] = defaultdict(list)
    for t, _, _ in known(problem, result):
        by_volunteer[t.volunteer].append(t)
    out = []
    for tasks in by_volunteer.values():
        tasks.sort(key=lambda t: (t.start, t.end))
        for i, a in enumerate(tasks):
            for b in tasks[i + 1:]:
                if a.request == b.request:
                    continue  # the same request twice is H10's to report
                ab = site_minutes_lenient(problem, reqs[a.request], reqs[b.request])
                fits = a.end + ab <= b.start or (a.start == b.start and b.end + ab <= a.start)
                if not fits:
                    out.append(violation("H4_ONE_PLACE", b, f"starts at minute {b.start}, but {a.request} ends at "
                                                            f"{a.end} and the trip takes {ab} min"))
    return out


RULE = Rule("H4_ONE_PLACE", check_one_place,
            model=("matching.parts.split", "matching.cpsat._Model.one_place_at_a_time",
                   "matching.feasibility.Timeline.fits", "matching.lp.clique_members"))
