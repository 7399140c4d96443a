"""The radius filter agrees with the geodesic distance within 0.5 % at county scale."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic
from sqlalchemy import Column, Float, Integer, MetaData, Table, create_engine, insert, select

from resolvers.core.filters import within_radius

CENTER = (34.33, 117.96)  # Pizhou


@pytest.mark.parametrize("radius_km", [0.5, 5.0, 30.0])
@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 270])
def test_points_just_inside_and_just_outside(radius_km: float, bearing: int) -> None:
    # given two points on one bearing, at 99.5 % and 100.5 % of the radius (geodesic)
    inside = geodesic(kilometers=radius_km * 0.995).destination(CENTER, bearing)
    outside = geodesic(kilometers=radius_km * 1.005).destination(CENTER, bearing)
    engine = create_engine("sqlite://")
    points = Table("points", MetaData(), Column("id", Integer, primary_key=True), Column("lat", Float),
                   Column("lon", Float))
    points.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(points), [{"id": 1, "lat": inside.latitude, "lon": inside.longitude},
                                      {"id": 2, "lat": outside.latitude, "lon": outside.longitude}])
        # when filtering by the radius
        found = conn.execute(
            select(points.c.id).where(within_radius(points.c.lat, points.c.lon, *CENTER, radius_km))
        ).scalars().all()
    # then only the inner point is within
    assert found == [1]
