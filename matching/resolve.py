"""Re-solving with stability: an earlier result plus changes in, a new result out.

Changes are what happens after a dispatch: a volunteer declines a task, volunteers drop out,
requests are added or cancelled. `resolve` applies them to the problem (`apply_changes`) and
solves again with one extra lexicographic level right after staffing: keep as many of the
previous (volunteer, request) pairs as possible. So nobody is moved unless staffing gains from
it; travel, workload and cohesion only break ties among equally stable solutions.
`Result.moved` lists the pairs kept, added and removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from matching.errors import ProblemError
from matching.options import SolveOptions
from matching.problem import Problem, Request
from matching.result import Moved, Result


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the previous result.

    declined              (volunteer id, request id) pairs: the volunteer will not do the request
    volunteers_removed    volunteer ids no longer available at all
    requests_added        new requests
    requests_cancelled    request ids no longer needed
    """

    declined: tuple[tuple[str, str], ...] = ()
    volunteers_removed: tuple[str, ...] = ()
    requests_added: tuple[Request, ...] = ()
    requests_cancelled: tuple[str, ...] = ()


def apply_changes(problem: Problem, changes: Changes) -> Problem:
    """The problem after the changes; unknown ids raise `ProblemError` naming the change."""
    vol_ids = {v.id for v in problem.volunteers}
    req_ids = {r.id for r in problem.requests}
    for i, (vid, rid) in enumerate(changes.declined):
        if vid not in vol_ids:
            raise ProblemError(f"changes.declined[{i}].volunteer", f"unknown volunteer {vid!r}")
        if rid not in req_ids:
            raise ProblemError(f"changes.declined[{i}].request", f"unknown request {rid!r}")
    for i, vid in enumerate(changes.volunteers_removed):
        if vid not in vol_ids:
            raise ProblemError(f"changes.volunteers_removed[{i}]", f"unknown volunteer {vid!r}")
    for i, rid in enumerate(changes.requests_cancelled):
        if rid not in req_ids:
            raise ProblemError(f"changes.requests_cancelled[{i}]", f"unknown request {rid!r}")
    for i, req in enumerate(changes.requests_added):
        if req.id in req_ids:
            raise ProblemError(f"changes.requests_added[{i}].id", f"duplicate id {req.id!r}")
    gone = set(changes.requests_cancelled)
    removed = set(changes.volunteers_removed)
    declined: dict[str, set[str]] = {}
    for vid, rid in changes.declined:
        declined.setdefault(vid, set()).add(rid)
    volunteers = tuple(
        replace(v, pinned=tuple(r for r in v.pinned if r not in gone and r not in declined.get(v.id, ())),
                forbidden=tuple(r for r in (*v.forbidden, *sorted(declined.get(v.id, set()) - set(v.forbidden)))
                                if r not in gone))
        for v in problem.volunteers if v.id not in removed)
    requests = tuple(r for r in problem.requests if r.id not in gone) + tuple(changes.requests_added)
    overrides = tuple(o for o in problem.settings.overrides if o.volunteer not in removed and o.request not in gone)
    return replace(problem, volunteers=volunteers, requests=requests,
                   settings=replace(problem.settings, overrides=overrides))


def resolve(problem: Problem, previous: Result, changes: Changes | None = None,
            options: SolveOptions | None = None) -> Result:
    """Solve `problem` after `changes`, keeping earlier assignments where possible."""
    from matching.engine import solve_with  # lazy: OR-Tools is heavy and `import matching` imports this module

    changed = apply_changes(problem, changes or Changes())
    before = {(a.volunteer, a.request) for a in previous.assignments}
    result = solve_with(changed, options or SolveOptions(), prefer=before)
    after = {(a.volunteer, a.request) for a in result.assignments}

    def pairs(s: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((r, v) for v, r in s))

    return replace(result, moved=Moved(pairs(before & after), pairs(after - before), pairs(before - after)))
