"""Filter building blocks shared by the list queries: radius around a point, unit subtrees.

The radius filter uses the equirectangular approximation (x = dlon * cos(lat0), y = dlat, in km),
which is plain arithmetic on both SQLite and PostgreSQL and within 0.5 % of the geodesic distance
for the few tens of kilometres of a county; a bounding box in front of it lets the database use
plain comparisons first.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from db import models
from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_EQUATOR = 111.320


def check_circle(lat: float, lon: float, radius_km: float, path: tuple[str, ...]) -> None:
    """ClientError(OUT_OF_RANGE) naming the offending input when a circle is not on the globe."""
    if not -90 <= lat <= 90:
        raise ClientError(f"{'.'.join(path)}.lat: must be within -90..90", ErrorCode.OUT_OF_RANGE, (*path, "lat"))
    if not -180 <= lon <= 180:
        raise ClientError(
            f"{'.'.join(path)}.lon: must be within -180..180", ErrorCode.OUT_OF_RANGE, (*path, "lon")
        )
    if not radius_km > 0:
        raise ClientError(
            f"{'.'.join(path)}.radiusKm: must be more than 0", ErrorCode.OUT_OF_RANGE, (*path, "radiusKm")
        )


def within_radius(lat_col: Any, lon_col: Any, lat: float, lon: float, radius_km: float) -> ColumnElement[bool]:
    """SQL condition: (lat_col, lon_col) lies within `radius_km` of (lat, lon)."""
    kx = KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(lat))
    ky = KM_PER_DEGREE_LAT
    dlat = radius_km / ky
    dlon = radius_km / max(kx, 1e-6)
    dx = (lon_col - lon) * kx
    dy = (lat_col - lat) * ky
    return and_(
        lat_col.between(lat - dlat, lat + dlat),
        lon_col.between(lon - dlon, lon + dlon),
        dx * dx + dy * dy <= radius_km * radius_km,
    )


def subtree_path(session: Session, global_id: str, path: tuple[str, ...]) -> str:
    """The materialised path of the unit a filter argument names; NOT_FOUND if there is none."""
    pk = globalid.decode_as(global_id, "Unit", path)
    unit_path = session.scalar(select(models.Unit.path).where(models.Unit.id == pk))
    if unit_path is None:
        raise ClientError(f"{'.'.join(path)}: no unit has this ID", ErrorCode.NOT_FOUND, path)
    return unit_path


def unit_in_subtree(unit_column: Any, prefix: str) -> ColumnElement[bool]:
    """SQL condition: the unit id in `unit_column` lies in the subtree with path `prefix`."""
    return unit_column.in_(select(models.Unit.id).where(models.Unit.path.like(f"{prefix}%")))
