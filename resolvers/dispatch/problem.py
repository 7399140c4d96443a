"""Database rows -> a matching `Problem` for a scope (a unit's subtree) and a date range.

What goes in:
- requests: the REVIEWED orders served in the subtree whose window starts on a date of the range
  (or exactly the given `order_ids`), id "O<order id>". The item's skill slots, its provider teams
  as `eligible_teams`, a fixed time when the order's window equals the item's duration, else a
  flexible window. Slot counts are the item's, times ceil(order headcount / item headcount) when
  an order asks for more than one crew;
- volunteers: ACTIVE members of the provider teams (any ACTIVE volunteer with a needed skill when
  an item names no provider team), holding at least one needed skill, id "V<volunteer id>": home,
  skills with certification expiry, provider-team memberships, weekly windows and dated
  exceptions, per-day limits, max travel distance, insurance: the volunteer's own date (every
  activity) and the covers of the policies naming him or a team he belongs to, for the activity
  kinds (service item codes) of the requests (resolvers/insurance/cover.py); each request names
  its item's code as its `activity`; skills that require a certificate from certificates only,
  counted until their last valid day plus `certificate_grace_days` (resolvers/training/eligibility.py),
  the words naming each kept in `Built.certificates` for the explanation;
- current commitments as fixed: each active task (offered, accepted, checked in) of those
  volunteers in the range becomes a one-slot request "C<assignment id>" with the volunteer pinned
  to it, so the engine keeps their time, travel and limits; a task on an order that is itself
  being (re)dispatched pins the volunteer to that order instead (a repair keeps who stays).
  The commitment's own interval is added to the volunteer's availability, so an old booking
  can never make the problem infeasible; a volunteer who declined an order is forbidden it.

Rows are read with a fixed number of Core statements whatever the sizes (no per-row queries).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

import matching as m
from db import models
from db.enums import OrderStatus
from db.models.dispatch import ACTIVE_ASSIGNMENT, AssignmentStatus
from db.queries import subtree_condition, unit_path
from resolvers.dispatch.volunteers import COMMITMENT_SKILL, load_volunteers, to_matching
from resolvers.insurance.cover import covers as insurance_covers


@dataclass
class Built:
    """The problem and what the caller needs to map results back to rows."""

    problem: m.Problem
    orders: dict[int, models.Order]
    order_versions: dict[str, int]
    kept: set[tuple[int, int]] = field(default_factory=set)  # (order id, volunteer id) already assigned
    held: list[m.Assignment] = field(default_factory=list)  # those tasks, as the engine's assignments
    declined: set[tuple[int, int]] = field(default_factory=set)  # (volunteer id, order id) declined
    commitments: dict[str, tuple[int, int]] = field(default_factory=dict)  # "C<id>" -> (volunteer, order)
    #: (volunteer id, skill code) -> the words naming the certificate that skill counts from
    certificates: dict[tuple[int, str], str] = field(default_factory=dict)


def order_request_id(order_id: int) -> str:
    return f"O{order_id}"


def volunteer_key(volunteer_id: int) -> str:
    return f"V{volunteer_id}"


def parse_key(key: str) -> int:
    return int(key[1:])


def scope_orders(session: Session, scope_unit_id: int, date_from: dt.date, date_to: dt.date
                 ) -> Select[models.Order]:
    """SELECT of the REVIEWED orders served in the scope's subtree, starting within the dates."""
    path = unit_path(session, scope_unit_id)
    start = dt.datetime.combine(date_from, dt.time())
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    return (select(models.Order)
            .join(models.Unit, models.Unit.id == models.Order.unit_id)
            .where(subtree_condition(path), models.Order.status == OrderStatus.REVIEWED,
                   models.Order.window_start >= start, models.Order.window_start < end)
            .order_by(models.Order.id))


def build(session: Session, scope_unit_id: int, date_from: dt.date, date_to: dt.date, *,
          order_ids: Iterable[int] | None = None, volunteer_ids: Iterable[int] | None = None,
          requires_insurance: bool = True, allow_partial: bool = False, staffing: str = "people",
          certificate_grace_days: int = 0) -> Built:
    """The matching problem of the scope and dates (see the module docstring).

    `order_ids` replaces the scope's REVIEWED orders with exactly these orders (a repair run, or
    re-checking a run's proposals); `volunteer_ids` restricts the volunteers to these.
    """
    if order_ids is None:
        orders = list(session.scalars(scope_orders(session, scope_unit_id, date_from, date_to)))
    else:
        orders = list(session.scalars(select(models.Order).where(models.Order.id.in_(list(order_ids)))
                                      .order_by(models.Order.id)))
    origin = dt.datetime.combine(date_from, dt.time())
    item_ids = sorted({o.item_id for o in orders})
    needs: dict[int, list[tuple[str, int, int, int]]] = defaultdict(list)
    for item_id, code, count, level, duration in session.execute(
            select(models.ServiceItemSkill.item_id, models.Skill.code, models.ServiceItemSkill.count,
                   models.ServiceItemSkill.min_level, models.ServiceItem.duration_minutes)
            .join(models.Skill, models.Skill.id == models.ServiceItemSkill.skill_id)
            .join(models.ServiceItem, models.ServiceItem.id == models.ServiceItemSkill.item_id)
            .where(models.ServiceItemSkill.item_id.in_(item_ids)).order_by(models.ServiceItemSkill.id)):
        needs[item_id].append((code, count, level, duration))
    providers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for item_id, team_id, team_code in session.execute(
            select(models.ServiceItemProvider.item_id, models.Team.id, models.Team.code)
            .join(models.Team, models.Team.id == models.ServiceItemProvider.team_id)
            .where(models.ServiceItemProvider.item_id.in_(item_ids))):
        providers[item_id].append((team_id, team_code))

    item_codes: dict[int, str] = {pk: code for pk, code in session.execute(
        select(models.ServiceItem.id, models.ServiceItem.code).where(models.ServiceItem.id.in_(item_ids)))}
    order_keys = {order_request_id(o.id) for o in orders}
    vols = load_volunteers(session, orders, needs, providers, volunteer_ids, date_from, date_to,
                           grace_days=certificate_grace_days)
    last_day = max([date_to, *(o.window_end.date() for o in orders)])
    cover = insurance_covers(session, vols, set(item_codes.values()), date_from, last_day) if requires_insurance \
        else {}
    # Tasks already held: on orders being dispatched they are pins, elsewhere commitments.
    period_end = origin + dt.timedelta(days=(date_to - date_from).days + 1)
    held = session.execute(  # few rows: the period's active tasks, filtered to `vols` below
        select(models.Assignment.id, models.Assignment.volunteer_id, models.Assignment.order_id,
               models.Assignment.start, models.Assignment.end, models.Assignment.travel_minutes,
               models.Order.lat, models.Order.lon, models.Assignment.skill_code, models.Assignment.distance_km)
        .join(models.Order, models.Order.id == models.Assignment.order_id)
        .where(models.Assignment.status.in_(ACTIVE_ASSIGNMENT),
               models.Assignment.end > origin, models.Assignment.start < period_end)
        .order_by(models.Assignment.id)).all()
    built = Built(problem=m.Problem(date_from, date_to, (), ()), orders={o.id: o for o in orders},
                  order_versions={str(o.id): o.version for o in orders},
                  certificates={(vid, code): words for vid, v in vols.items()
                                for code, words in v.certificates.items()})
    pins: dict[int, list[str]] = defaultdict(list)
    extra_windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    commitment_requests: list[m.Request] = []
    for aid, vid, oid, start, end, travel, lat, lon, skill, km in held:
        if vid not in vols:
            continue
        if order_request_id(oid) in order_keys:
            pins[vid].append(order_request_id(oid))
            built.kept.add((oid, vid))
            built.held.append(m.Assignment(order_request_id(oid), volunteer_key(vid), skill,
                                           f"{start:%Y-%m-%dT%H:%M}", f"{end:%Y-%m-%dT%H:%M}", km, travel))
            continue
        key = f"C{aid}"
        s, e = _minute(start, origin), _minute(end, origin)
        commitment_requests.append(m.Request(key, lat, lon, m.TimeSpec.at(s, e - s),
                                             (m.SkillNeed(COMMITMENT_SKILL, 1, 1),), priority=1, allow_partial=True))
        pins[vid].append(key)
        extra_windows[vid].append((s - travel - 60, e + 60))
        built.commitments[key] = (vid, oid)
    forbidden: dict[int, list[str]] = defaultdict(list)  # a volunteer who declined is not asked again
    for vid, oid in session.execute(select(models.Assignment.volunteer_id, models.Assignment.order_id).where(
            models.Assignment.order_id.in_(list(built.orders)), models.Assignment.status == AssignmentStatus.DECLINED)):
        forbidden[vid].append(order_request_id(oid))
        built.declined.add((vid, oid))
    requests = [_request(o, needs[o.item_id], providers[o.item_id], origin, requires_insurance, allow_partial,
                         item_codes[o.item_id])
                for o in orders if needs[o.item_id]]
    volunteers = [to_matching(v, tuple(pins.get(vid, ())), extra_windows.get(vid, []), origin,
                              tuple(forbidden.get(vid, ())))
                  for vid, v in vols.items()]
    if cover:
        volunteers = [dataclasses.replace(v, insurance_covers=tuple(m.Cover(*c) for c in cover[vid]))
                      if vid in cover else v for vid, v in zip(vols, volunteers, strict=True)]
    skills = sorted({n.skill for r in requests for n in r.skills}
                    | ({COMMITMENT_SKILL} if commitment_requests else set()))
    teams = sorted({t for r in requests for t in r.eligible_teams})
    built.problem = m.Problem(date_from, date_to, tuple(volunteers), tuple(requests) + tuple(commitment_requests),
                              settings=m.Settings(staffing=staffing), skills=tuple(skills), teams=tuple(teams))
    return built


def _minute(moment: dt.datetime, origin: dt.datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def _request(order: models.Order, needs: list[tuple[str, int, int, int]], providers: list[tuple[int, str]],
             origin: dt.datetime, requires_insurance: bool, allow_partial: bool, activity: str) -> m.Request:
    duration = needs[0][3]
    crew = sum(count for _, count, _, _ in needs)
    crews = max(1, math.ceil(order.headcount / crew))
    start, end = _minute(order.window_start, origin), _minute(order.window_end, origin)
    spec = m.TimeSpec.at(start, duration) if end - start <= duration else m.TimeSpec.window(start, end, duration)
    return m.Request(order_request_id(order.id), order.lat, order.lon, spec,
                     tuple(m.SkillNeed(code, count * crews, level) for code, count, level, _ in needs),
                     eligible_teams=tuple(code for _, code in providers), priority=order.priority,
                     allow_partial=allow_partial, requires_insurance=requires_insurance, activity=activity)
