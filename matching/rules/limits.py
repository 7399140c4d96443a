"""H5 limits: per day and per period, a volunteer's tasks and working minutes stay within limits.

One pair alone is tested in bulk (a task limit of zero; the service plus travel of this one task
above a minutes limit); sums over several tasks are the part solvers' to keep.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from matching.problem import MINUTES_PER_DAY, Problem
from matching.result import Reason, Result
from matching.rules.base import Miss, Pairs, PairTest, Rule
from matching.rules.facts import Violation, known, lenient_minutes


def check_limits(problem: Problem, result: Result) -> list[Violation]:
    """H5: per day and per period, the volunteer's task count and working minutes
    (service + travel) stay within their limits."""
    period: dict[str, list[tuple[str, int]]] = defaultdict(list)
    daily: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for t, v, r in known(problem, result):
        work = (t.end - t.start) + lenient_minutes(problem, v, r)
        period[v.id].append((r.id, work))
        daily[v.id, t.start // MINUTES_PER_DAY].append((r.id, work))
    vols = {v.id: v for v in problem.volunteers}
    out: list[Violation] = []

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


def _takes_tasks(p: Pairs) -> np.ndarray:
    """A task limit above zero."""
    arr = p.arr
    takes: np.ndarray = arr.memo(("H5", "takes tasks"), lambda: (arr.tasks_day >= 1) & (arr.tasks_period >= 1))
    ok: np.ndarray = takes[p.v]
    return ok


def _work_fits(p: Pairs) -> np.ndarray:
    """This one task's service plus travel within the minutes limits."""
    arr = p.arr
    work = arr.r_duration[p.r] + p.travel_minutes
    ok: np.ndarray = (work <= arr.minutes_day[p.v]) & (work <= arr.minutes_period[p.v])
    return ok


def _over_limits(m: Miss) -> str:
    return "service plus travel exceeds the volunteer's limits"


RULE = Rule("H5_LIMITS", check_limits, pair_tests=(
    PairTest(Reason.LIMITS_REACHED.value, _work_fits, Reason.LIMITS_REACHED.value, _over_limits, order=70,
             uses_distance=True, prefilter=_takes_tasks),
), model=("matching.cpsat._Model.limits", "matching.feasibility.Timeline.fits", "matching.flow.solve_flow"))
