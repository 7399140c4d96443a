"""Input types shared by several domains: a location and a circle around a point."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A WGS-84 position: lat within -90..90, lon within -180..180.")
class LocationInput:
    lat: float
    lon: float


@strawberry.input(description="Everything within `radiusKm` kilometres of (lat, lon).")
class GeoCircleInput:
    lat: float
    lon: float
    radius_km: float
