"""Write rules: which rows a caller may create, change or delete (the platform admin: all).

Checked at every flush of a request session (resolvers/access/policy.py `before_flush`), so a
mutation cannot write outside the caller's scope whatever its resolver does.

| rows                                                        | who may write them                              |
|-------------------------------------------------------------|-------------------------------------------------|
| units (new: the parent; moved: old and new parent)          | unit admin, in the unit's subtree               |
| departments, practice bases and points, menu offers         | unit admin, for units of the subtree            |
| teams                                                       | unit admin (team's unit in subtree); team leader (own team, not new) |
| team memberships                                            | unit admin (team's unit in subtree); team leader (own team) |
| volunteers and their skills, domains, windows, exceptions   | unit admin (volunteer's unit in subtree); volunteer (self, not new) |
| orders (new)                                                | dispatcher and unit admin (unit in subtree); resident |
| dispatch runs (new)                                         | dispatcher and unit admin (scope in subtree)     |
| skills, service items and their skills and providers        | platform admin only                             |

Rows read before they are changed (orders, runs, tasks, ...) were read through the restricted
session, so a caller can only change what he can see; this table adds the rules for rows that
everyone may see (the catalogue) and for new rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from db import models
from db.models import Role
from resolvers.access.auth import Caller

UNIT_ADMIN = (Role.UNIT_ADMIN,)
DISPATCHERS = (Role.UNIT_ADMIN, Role.DISPATCHER)
ADMIN_ONLY = (models.Skill, models.ServiceItem, models.ServiceItemSkill, models.ServiceItemProvider)
UNIT_OWNED = (models.Department, models.PracticeBase, models.PracticePoint, models.MenuOffer)
VOLUNTEER_OWNED = (models.VolunteerSkill, models.VolunteerDomain, models.AvailabilityWindow,
                   models.AvailabilityException)


class _Paths:
    """Materialised paths of units and teams' units, read on demand without flushing."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def unit(self, unit_id: int | None) -> str | None:
        if unit_id is None:
            return None
        t = models.Unit.__table__
        return self.session.connection().execute(select(t.c.path).where(t.c.id == unit_id)).scalar()

    def team_unit(self, team_id: int | None) -> int | None:
        t = models.Team.__table__
        return self.session.connection().execute(select(t.c.unit_id).where(t.c.id == team_id)).scalar()

    def volunteer_unit(self, volunteer_id: int | None) -> int | None:
        t = models.Volunteer.__table__
        return self.session.connection().execute(select(t.c.unit_id).where(t.c.id == volunteer_id)).scalar()


def _in(caller: Caller, roles: Iterable[Role], path: str | None) -> bool:
    """`path` lies in the subtree of one of the caller's unit grants of `roles`."""
    return path is not None and any(
        g.unit_path and path.startswith(g.unit_path) for g in caller.grants_of(*roles)
    )


def _old(obj: Any, attr: str) -> Any:
    history = inspect(obj).attrs[attr].history
    return history.deleted[0] if history.deleted else getattr(obj, attr)


def _unit_ok(caller: Caller, paths: _Paths, obj: Any, is_new: bool) -> bool:
    if is_new:
        return _in(caller, UNIT_ADMIN, paths.unit(obj.parent_id))
    old_parent = _old(obj, "parent_id")
    if old_parent == obj.parent_id:
        return _in(caller, UNIT_ADMIN, obj.path)
    # a move (db/tree.py rewrites the paths with one UPDATE): both places must be in the subtree
    return _in(caller, UNIT_ADMIN, paths.unit(old_parent)) and _in(caller, UNIT_ADMIN, paths.unit(obj.parent_id))


def _team_ok(caller: Caller, paths: _Paths, team_id: int | None, unit_id: int | None, is_new: bool) -> bool:
    if _in(caller, UNIT_ADMIN, paths.unit(unit_id if unit_id is not None else paths.team_unit(team_id))):
        return True
    return not is_new and team_id in {g.team_id for g in caller.grants_of(Role.TEAM_LEADER)}


def _volunteer_ok(caller: Caller, paths: _Paths, volunteer_id: int | None, unit_id: int | None, is_new: bool) -> bool:
    unit = unit_id if unit_id is not None else paths.volunteer_unit(volunteer_id)
    if _in(caller, UNIT_ADMIN, paths.unit(unit)):
        return True
    return not is_new and volunteer_id in {g.volunteer_id for g in caller.grants_of(Role.VOLUNTEER)}


def _allowed(caller: Caller, paths: _Paths, obj: Any, is_new: bool) -> bool:
    if isinstance(obj, ADMIN_ONLY):
        return False
    if isinstance(obj, models.Unit):
        return _unit_ok(caller, paths, obj, is_new)
    if isinstance(obj, UNIT_OWNED):
        return _in(caller, UNIT_ADMIN, paths.unit(obj.unit_id))
    if isinstance(obj, models.Team):
        return _team_ok(caller, paths, obj.id, obj.unit_id, is_new) and (
            is_new or _team_ok(caller, paths, obj.id, _old(obj, "unit_id"), is_new))
    if isinstance(obj, models.TeamMembership):
        return _team_ok(caller, paths, obj.team_id, None, False)
    if isinstance(obj, models.Volunteer):
        return _volunteer_ok(caller, paths, obj.id, obj.unit_id, is_new) and (
            is_new or _volunteer_ok(caller, paths, obj.id, _old(obj, "unit_id"), is_new))
    if isinstance(obj, VOLUNTEER_OWNED):
        return _volunteer_ok(caller, paths, obj.volunteer_id, None, False)
    if isinstance(obj, models.Order) and is_new:
        return Role.RESIDENT in caller.roles or _in(caller, DISPATCHERS, paths.unit(obj.unit_id))
    if isinstance(obj, models.DispatchRun) and is_new:
        return _in(caller, DISPATCHERS, paths.unit(obj.scope_unit_id))
    return True  # read through the restricted session before it was changed


def check_writes(session: Session, caller: Caller | None, objects: Iterable[Any], new: set[Any]) -> str | None:
    """None when `caller` may write every object, else what was refused (the row kind)."""
    paths = _Paths(session)
    for obj in objects:
        if caller is None or not _allowed(caller, paths, obj, obj in new):
            return type(obj).__name__
    return None
