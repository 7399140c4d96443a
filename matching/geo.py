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
from geopy.distance import geodesic

A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)
#: smaller than any geodesic-per-radian on WGS-84, so a sphere of this radius under-estimates
#: every ellipsoid distance (used to turn a km radius into a safe chord for the k-d tree)
MIN_RADIUS_KM = 6335.4


def geodesic_km(lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float,
                lon2: np.ndarray | float) -> np.ndarray:
    """Ellipsoidal distance in km between paired points (arrays broadcast), Vincenty's method.

    Each pair iterates until its own longitude difference converges and is then set aside, so a
    pair's figure does not depend on the other pairs computed with it (and settled pairs cost
    no further work)."""
    lat1, lon1, lat2, lon2 = (np.asarray(x, dtype=float) for x in (lat1, lon1, lat2, lon2))
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(lat1, lon1, lat2, lon2)
    shape = lat1.shape
    lat1, lon1, lat2, lon2 = (x.ravel() for x in (lat1, lon1, lat2, lon2))
    u1 = np.arctan((1 - F) * np.tan(np.radians(lat1)))
    u2 = np.arctan((1 - F) * np.tan(np.radians(lat2)))
    sin_u1, cos_u1, sin_u2, cos_u2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    n = len(lat1)
    # the last iteration's terms of each pair, kept when it converges
    sin_sigma, cos_sigma, sigma = np.zeros(n), np.ones(n), np.zeros(n)
    cos2_alpha, cos_2sm = np.ones(n), np.zeros(n)
    act = np.arange(n)                  # pairs still iterating
    big_l = np.radians(lon2 - lon1)
    lam = big_l.copy()
    # products that do not change between iterations (same operands and order as written out)
    cu2, bl = cos_u2, big_l
    cu1cu2, cu1su2, su1cu2, su1su2 = cos_u1 * cos_u2, cos_u1 * sin_u2, sin_u1 * cos_u2, sin_u1 * sin_u2
    two_su1su2 = 2 * sin_u1 * sin_u2
    for _ in range(200):
        if not len(act):
            break
        sin_lam, cos_lam = np.sin(lam), np.cos(lam)
        s_sig = np.hypot(cu2 * sin_lam, cu1su2 - su1cu2 * cos_lam)
        c_sig = su1su2 + cu1cu2 * cos_lam
        sig = np.arctan2(s_sig, c_sig)
        sin_alpha = cu1cu2 * sin_lam / np.where(s_sig == 0, 1.0, s_sig)
        c2a = 1 - sin_alpha**2
        c2sm = np.where(c2a == 0, 0.0, c_sig - two_su1su2 / np.where(c2a == 0, 1.0, c2a))
        c = F / 16 * c2a * (4 + F * (4 - 3 * c2a))
        new = bl + (1 - c) * F * sin_alpha * (sig + c * s_sig * (c2sm + c * c_sig * (-1 + 2 * c2sm**2)))
        sin_sigma[act], cos_sigma[act], sigma[act] = s_sig, c_sig, sig
        cos2_alpha[act], cos_2sm[act] = c2a, c2sm
        going = np.abs(new - lam) >= 1e-12
        if going.all():
            lam = new
            continue
        act, lam, cu2, bl = act[going], new[going], cu2[going], bl[going]
        cu1cu2, cu1su2, su1cu2, su1su2 = cu1cu2[going], cu1su2[going], su1cu2[going], su1su2[going]
        two_su1su2 = two_su1su2[going]
    u_sq = cos2_alpha * (A**2 - B**2) / B**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    d_sigma = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (-1 + 2 * cos_2sm**2) - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
    out = np.where(sin_sigma == 0, 0.0, B * big_a * (sigma - d_sigma) / 1000.0)
    for i in act.tolist():              # nearly antipodal: Vincenty does not converge
        out[i] = exact_km(lat1[i], lon1[i], lat2[i], lon2[i])
    return out.reshape(shape)


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
