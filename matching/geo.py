"""Distances on the WGS-84 ellipsoid, in bulk and exactly.

`geodesic_km` is Vincenty's inverse formula vectorised with numpy: on the ellipsoid it agrees
with geopy's `geodesic` (Karney) to well under a millimetre, so the bulk figure and the shown
figure are the same number; the rare pairs where Vincenty does not converge (nearly antipodal
points) fall back to geopy. `unit_vectors` and `chord_for_km` support the spatial index: a
k-d tree over 3-D unit vectors answers "nearest by great-circle" queries, and the chord of a
sphere radius below the ellipsoid's smallest curvature bounds a distance from below.
"""

from __future__ import annotations

import math

import numpy as np
from geopy.distance import geodesic  # type: ignore[import-untyped]

A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)
#: smaller than any geodesic-per-radian on WGS-84, so a sphere of this radius under-estimates
#: every ellipsoid distance (used to turn a km radius into a safe chord for the k-d tree)
MIN_RADIUS_KM = 6335.4


def geodesic_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Ellipsoidal distance in km between paired points (arrays broadcast), Vincenty's method."""
    lat1, lon1, lat2, lon2 = (np.asarray(x, dtype=float) for x in (lat1, lon1, lat2, lon2))
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(lat1, lon1, lat2, lon2)
    u1 = np.arctan((1 - F) * np.tan(np.radians(lat1)))
    u2 = np.arctan((1 - F) * np.tan(np.radians(lat2)))
    big_l = np.radians(lon2 - lon1)
    sin_u1, cos_u1, sin_u2, cos_u2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    lam = big_l.copy()
    converged = np.zeros(lam.shape, dtype=bool)
    for _ in range(200):
        sin_lam, cos_lam = np.sin(lam), np.cos(lam)
        sin_sigma = np.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = np.arctan2(sin_sigma, cos_sigma)
        safe = np.where(sin_sigma == 0, 1.0, sin_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / safe
        cos2_alpha = 1 - sin_alpha**2
        safe_c2a = np.where(cos2_alpha == 0, 1.0, cos2_alpha)
        cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * sin_u1 * sin_u2 / safe_c2a)
        c = F / 16 * cos2_alpha * (4 + F * (4 - 3 * cos2_alpha))
        new = big_l + (1 - c) * F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2)))
        converged = np.abs(new - lam) < 1e-12
        lam = new
        if converged.all():
            break
    u_sq = cos2_alpha * (A**2 - B**2) / B**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    d_sigma = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (-1 + 2 * cos_2sm**2) - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
    out = np.where(sin_sigma == 0, 0.0, B * big_a * (sigma - d_sigma) / 1000.0)
    if not converged.all():
        for idx in zip(*np.nonzero(~converged)):
            out[idx] = exact_km(lat1[idx], lon1[idx], lat2[idx], lon2[idx])
    return np.asarray(out)


def exact_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """geopy's geodesic (Karney) for one pair: the reference figure."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).km)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(n, 3) unit vectors on the sphere for a k-d tree (geocentric directions of the points)."""
    la, lo = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def chord_for_km(km: float) -> float:
    """A chord length in unit-vector space that every pair within `km` on the ellipsoid fits in."""
    angle = min(km / MIN_RADIUS_KM, math.pi)
    return 2 * math.sin(angle / 2) + 1e-12


def travel_minutes(distance_km: np.ndarray | float, speed_kmh: float) -> np.ndarray:
    """ceil(distance / speed * 60), the contract's one-way travel minutes."""
    return np.ceil(np.asarray(distance_km, dtype=float) / speed_kmh * 60 - 1e-9).astype(np.int64)
