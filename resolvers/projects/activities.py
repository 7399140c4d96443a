"""Activities of a running project are orders (点单) placed through orderSubmit with the project
named: the order then carries `project_id`, so its dispatch, hours and rating count for the project.

An order may name a project that is RUNNING, for one of the project's service items, at a unit of
the project unit's subtree (one of its stations, when it lists stations), on a day of its period.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.models import ProjectState
from resolvers.core import globalid
from resolvers.core.errors import ErrorCode
from resolvers.core.validation import Checks

PATH = ("input", "project")


def project_of_order(session: Session, checks: Checks, global_id: str | None, item: models.ServiceItem | None,
                     unit: models.Unit | None, start: dt.datetime) -> int | None:
    """The id of the project an order is an activity of (None: none named, or after a problem)."""
    if global_id is None:
        return None
    pk = globalid.decode_pk(global_id, "Project")
    if pk is None:
        checks.add(PATH, "project: not the ID of a Project; pass an `id` returned by this API", ErrorCode.MALFORMED_ID)
        return None
    project = session.scalar(select(models.Project).where(models.Project.id == pk))
    if project is None:
        checks.add(PATH, "project: no Project has this ID", ErrorCode.NOT_FOUND)
        return None
    if project.state != ProjectState.RUNNING:
        checks.add(PATH, f"the project is {project.state}; orders are placed for a RUNNING project only",
                   ErrorCode.ILLEGAL_TRANSITION)
    if not project.starts_on <= start.date() <= project.ends_on:
        checks.add(("input", "windowStart"), f"the project runs {project.starts_on} to {project.ends_on}",
                   ErrorCode.OUT_OF_RANGE)
    items = set(session.scalars(select(models.ProjectItem.item_id).where(models.ProjectItem.project_id == pk)))
    if item is not None and item.id not in items:
        checks.add(("input", "item"), "the project does not run this service item", ErrorCode.NOT_OFFERED)
    if unit is not None:
        stations = set(session.scalars(select(models.ProjectStation.unit_id)
                                       .where(models.ProjectStation.project_id == pk)))
        home = session.get(models.Unit, project.unit_id)
        inside = unit.id in stations if stations else home is not None and unit.path.startswith(home.path)
        if not inside:
            checks.add(("input", "unit"), "the unit is not one of the project's stations (or its subtree)",
                       ErrorCode.OUT_OF_RANGE)
    return project.id
