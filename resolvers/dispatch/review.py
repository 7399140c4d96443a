"""Review of a run before commit: pin a volunteer on an order, remove or replace a proposal.

Every edit is re-checked with the engine's own validator (`matching.validate`, structure and
hard rules H1..H10) over the run's orders as they are now, with the proposals as they would be
after the edit, the tasks already held on those orders (pinned) and the volunteers' other
commitments. A violation concerning the edited order or volunteers refuses the edit with a
RULE_BROKEN entry naming the rule (e.g. "H1_SKILL: ..."), and nothing is written. Only a
SUCCEEDED, uncommitted run can be edited. Figures of a dispatcher-placed pair (distance, travel
minutes) are the exact ones (geodesic).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import matching as m
from db import models
from db.models.dispatch import ACTIVE_ASSIGNMENT
from matching.validate import HARD_RULES, STRUCTURE, pair_distance_km, pair_travel_minutes, validate
from resolvers.core import globalid
from resolvers.core.errors import ErrorCode, MutationAborted, Problem, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.validation import Checks
from resolvers.dispatch.commit import check_run_ready
from resolvers.dispatch.problem import Built, build, order_request_id, parse_key, volunteer_key

if TYPE_CHECKING:
    from resolvers.core.context import Info


@dataclass
class Pair:
    """A proposal as the check sees it (new pairs have no row yet)."""

    order_id: int
    volunteer_id: int
    skill: str
    start: dt.datetime
    end: dt.datetime


def _editable(session: Session, global_id: str) -> models.DispatchRun:
    run = globalid.load(session, global_id, "DispatchRun", ("input", "run"), lock=True)
    check_run_ready(run)
    return run


def _problem(session: Session, run: models.DispatchRun, volunteer_ids: set[int]) -> Built:
    opts = run.options or {}
    return build(session, run.scope_unit_id, run.date_from, run.date_to,
                 order_ids=[int(k) for k in run.order_versions], volunteer_ids=volunteer_ids,
                 requires_insurance=opts.get("requires_insurance", True),
                 allow_partial=opts.get("allow_partial", False),
                 staffing=opts.get("staffing") or "people",
                 certificate_grace_days=int(opts.get("certificate_grace_days", 0)))


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def check(session: Session, run: models.DispatchRun, pairs: list[Pair], touched_orders: set[int],
          touched_volunteers: set[int], path: tuple[str, ...]) -> None:
    """Raise RULE_BROKEN for every violation the edited pairs would bring (see the module docstring)."""
    volunteer_ids = {p.volunteer_id for p in pairs} | touched_volunteers
    held = session.execute(select(models.Assignment.volunteer_id, models.Assignment.order_id,
                                  models.Assignment.skill_code, models.Assignment.start, models.Assignment.end)
                           .where(models.Assignment.order_id.in_([int(k) for k in run.order_versions]),
                                  models.Assignment.status.in_(ACTIVE_ASSIGNMENT))).all()
    volunteer_ids |= {row[0] for row in held}
    built = _problem(session, run, volunteer_ids)
    problem = built.problem
    vols = {v.id: v for v in problem.volunteers}
    reqs = {r.id: r for r in problem.requests}
    assignments: list[m.Assignment] = []

    def add(vkey: str, rkey: str, skill: str, start: str, end: str) -> None:
        v, r = vols.get(vkey), reqs.get(rkey)
        km = round(pair_distance_km(problem, v, r), 3) if v and r else 0.0
        minutes = pair_travel_minutes(problem, v, r) if v and r else 0
        assignments.append(m.Assignment(rkey, vkey, skill, start, end, km, minutes))

    for p in pairs:
        add(volunteer_key(p.volunteer_id), order_request_id(p.order_id), p.skill, _iso(p.start), _iso(p.end))
    for vid, oid, skill, start, end in held:
        add(volunteer_key(vid), order_request_id(oid), skill, _iso(start), _iso(end))
    for key, (vid, _) in built.commitments.items():
        r = reqs[key]
        add(volunteer_key(vid), key, r.skills[0].skill, problem.iso(r.time.earliest_start),
            problem.iso(r.time.earliest_start + r.time.duration))
    result = m.Result(status=m.Status.FEASIBLE, objective=m.Objective(), assignments=tuple(assignments))
    keys = {order_request_id(o) for o in touched_orders}
    who = {volunteer_key(v) for v in touched_volunteers}
    violations = [v for v in validate(problem, result, rules=[*STRUCTURE, *HARD_RULES])
                  if v.request in keys or v.volunteer in who]
    if violations:
        raise MutationAborted([Problem(path, f"{v.rule}: {_readable(v.message)}{_certificates(built, v)}",
                                       ErrorCode.RULE_BROKEN) for v in violations])


def _certificates(built: Built, violation: m.Violation) -> str:
    """For a skill violation, the certificates the volunteer's skills for the request count from."""
    if violation.rule != "H1_SKILL" or not violation.volunteer or not violation.request:
        return ""
    request = next((r for r in built.problem.requests if r.id == violation.request), None)
    vid = parse_key(violation.volunteer)
    words = [built.certificates[(vid, n.skill)] for n in (request.skills if request else ())
             if (vid, n.skill) in built.certificates]
    return f" ({'; '.join(words)})" if words else ""


def _readable(message: str) -> str:
    """Engine keys ("V12 on O7") in a message, spelled as volunteer 12 and order 7."""
    return re.sub(r"\bO(\d+)\b", r"order \1", re.sub(r"\bV(\d+)\b", r"volunteer \1", message))


def _pairs(session: Session, run: models.DispatchRun) -> list[tuple[models.DispatchProposal, Pair]]:
    rows = session.scalars(select(models.DispatchProposal).where(models.DispatchProposal.run_id == run.id)
                           .order_by(models.DispatchProposal.id)).all()
    return [(row, Pair(row.order_id, row.volunteer_id, row.skill_code, row.start, row.end)) for row in rows]


def _figures(session: Session, run: models.DispatchRun, pair: Pair) -> tuple[float, int]:
    built = _problem(session, run, {pair.volunteer_id})
    v = next((x for x in built.problem.volunteers if x.id == volunteer_key(pair.volunteer_id)), None)
    r = next((x for x in built.problem.requests if x.id == order_request_id(pair.order_id)), None)
    if v is None or r is None:
        return 0.0, 0
    return round(pair_distance_km(built.problem, v, r), 3), pair_travel_minutes(built.problem, v, r)


def proposal_pin(info: Info, data: Any) -> Outcome[Any]:
    """Place a volunteer on an order of the run (the dispatcher's choice), if every rule still holds."""
    def work(session: Session) -> models.DispatchProposal:
        checks = Checks(session)
        order = checks.ref(data.order, "Order", ("input", "order"))
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        checks.raise_if_any()
        run = _editable(session, data.run)
        if str(order.id) not in run.order_versions:
            raise abort(("input", "order"), f"order {order.code} is not part of run {run.id}", "NOT_FOUND")
        existing = _pairs(session, run)
        same = [p for _, p in existing if p.order_id == order.id]
        built = _problem(session, run, {volunteer.id})
        request = next(r for r in built.problem.requests if r.id == order_request_id(order.id))
        start = same[0].start if same else _at(built, request.time.earliest_start)
        end = start + dt.timedelta(minutes=request.time.duration)
        skill = (data.skill or "").strip() or request.skills[0].skill
        pair = Pair(order.id, volunteer.id, skill, start, end)
        check(session, run, [p for _, p in existing] + [pair], {order.id}, {volunteer.id}, ("input", "volunteer"))
        km, minutes = _figures(session, run, pair)
        row = models.DispatchProposal(run_id=run.id, order_id=order.id, volunteer_id=volunteer.id, skill_code=skill,
                                      start=start, end=end, distance_km=km, travel_minutes=minutes, pinned=True)
        session.add(row)
        session.flush()
        return row

    return run_mutation(info, work, info.context.present.proposal)


def _at(built: Built, minute: int) -> dt.datetime:
    return dt.datetime.combine(built.problem.date_from, dt.time()) + dt.timedelta(minutes=minute)


def proposal_remove(info: Info, data: Any) -> Outcome[Any]:
    """Take a proposal (or, with wholeOrder, every proposal of its order) out of the run."""
    def work(session: Session) -> models.DispatchRun:
        target = globalid.load(session, data.proposal, "DispatchProposal", ("input", "proposal"))
        run = _editable(session, globalid.encode("DispatchRun", target.run_id))
        existing = _pairs(session, run)
        gone = {row.id for row, p in existing
                if row.id == target.id or (data.whole_order and p.order_id == target.order_id)}
        check(session, run, [p for row, p in existing if row.id not in gone], {target.order_id},
              {target.volunteer_id}, ("input", "proposal"))
        session.execute(delete(models.DispatchProposal).where(models.DispatchProposal.id.in_(gone)))
        return run

    return run_mutation(info, work, info.context.present.run)


def proposal_replace(info: Info, data: Any) -> Outcome[Any]:
    """Put another volunteer in a proposal's slot, if every rule still holds."""
    def work(session: Session) -> models.DispatchProposal:
        checks = Checks(session)
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        checks.raise_if_any()
        target = globalid.load(session, data.proposal, "DispatchProposal", ("input", "proposal"))
        run = _editable(session, globalid.encode("DispatchRun", target.run_id))
        existing = _pairs(session, run)
        pair = Pair(target.order_id, volunteer.id, target.skill_code, target.start, target.end)
        check(session, run, [p for row, p in existing if row.id != target.id] + [pair], {target.order_id},
              {volunteer.id}, ("input", "volunteer"))
        target.distance_km, target.travel_minutes = _figures(session, run, pair)
        target.volunteer_id, target.pinned, target.explanation = volunteer.id, True, None
        session.flush()
        return target

    return run_mutation(info, work, info.context.present.proposal)
