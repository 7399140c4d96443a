"""Where things are for analysts: institutes (towns), stations and service domains.

The problem JSON knows coordinates, teams and skills, but not the practice network. Analysts think
in institutes (所, towns), stations (站, villages) and domains, so every run carries a side table
derived here, the same way for a generated base and for a problem JSON:

- **Institutes**: the 25 synthetic Pizhou units of `examples.problems.pizhou.TOWNS`.
  A volunteer's (request's) institute is the one named by their town team `T-town-<key>` (an
  order's town team in `eligible_teams`), else the nearest institute centre by straight-line
  distance; farther than `OUTSIDE_KM` from every centre it is `outside`.
- **Stations**: SYNTHETIC. The generator has none, so each institute gets stations in proportion
  to its population weight (490 in all, Pizhou's count), scattered around its centre with a fixed
  seed; a request's station is the nearest station of its institute.
- **Domain** of a request: its first eligible team that is not a town team, without the `T-`
  prefix (`T-health` -> `health`); with no such team, the city team of its first non-helper
  skill (`examples.problems.pizhou.SKILLS`); otherwise `community`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from examples.problems.pizhou import SKILLS, TOWNS

OUTSIDE = "outside"
OUTSIDE_KM = 25.0
STATIONS_TOTAL = 490
_STATION_SEED = 2018
_STATION_SIGMA_KM = 2.5
_KM_LAT = 110.57
_TOWN_TEAM = "T-town-"


@dataclass(frozen=True, slots=True)
class Place:
    """An institute or station: key, display name, position, and (for stations) its institute."""

    key: str
    name: str
    lat: float
    lon: float
    town: str = ""


def towns() -> dict[str, Place]:
    """The institutes, keyed by id suffix (`yunhe`), names in Chinese as in pizhou.py."""
    return {key: Place(key, name, lat, lon, key) for key, name, lat, lon, _w in TOWNS}


def stations() -> dict[str, Place]:
    """Synthetic stations `S-<town>-NN`, a fixed layout (same seed every time)."""
    rng = np.random.default_rng(_STATION_SEED)
    weights = np.array([t[4] for t in TOWNS])
    counts = np.maximum(1, np.round(STATIONS_TOTAL * weights / weights.sum())).astype(int)
    out = {}
    for (key, _name, lat, lon, _w), n in zip(TOWNS, counts):
        offset = rng.normal(0.0, _STATION_SIGMA_KM, size=(int(n), 2))
        for k in range(int(n)):
            skey = f"S-{key}-{k + 1:02d}"
            out[skey] = Place(skey, skey, round(lat + offset[k, 0] / _KM_LAT, 5),
                              round(lon + offset[k, 1] / (111.32 * math.cos(math.radians(lat))), 5), key)
    return out


def _km(lat: np.ndarray, lon: np.ndarray, plat: np.ndarray, plon: np.ndarray) -> np.ndarray:
    """Equirectangular km from each point (rows) to each place (columns)."""
    dy = (lat[:, None] - plat[None, :]) * _KM_LAT
    dx = (lon[:, None] - plon[None, :]) * 111.32 * np.cos(np.radians(34.33))
    return np.hypot(dx, dy)


def nearest_towns(lat: np.ndarray, lon: np.ndarray, places: dict[str, Place]) -> list[str]:
    """Key of the nearest institute centre for each point, `outside` beyond OUTSIDE_KM."""
    keys = list(places)
    if len(lat) == 0:
        return []
    plat = np.array([places[k].lat for k in keys])
    plon = np.array([places[k].lon for k in keys])
    out: list[str] = []
    for start in range(0, len(lat), 20_000):
        d = _km(lat[start:start + 20_000], lon[start:start + 20_000], plat, plon)
        best = d.argmin(axis=1)
        out.extend(keys[b] if d[i, b] <= OUTSIDE_KM else OUTSIDE for i, b in enumerate(best))
    return out


def town_of(teams: tuple[str, ...], nearest: str, known: dict[str, Place]) -> str:
    """The institute named by a town team among `teams`, else `nearest`."""
    for team in teams:
        if team.startswith(_TOWN_TEAM) and team[len(_TOWN_TEAM):] in known:
            return team[len(_TOWN_TEAM):]
    return nearest


def station_of(lat: float, lon: float, town: str, by_town: dict[str, list[Place]]) -> str:
    """Nearest station of the institute (`outside` when the institute has none)."""
    candidates = by_town.get(town)
    if not candidates:
        return OUTSIDE
    d = _km(np.array([lat]), np.array([lon]), np.array([p.lat for p in candidates]),
            np.array([p.lon for p in candidates]))[0]
    return candidates[int(d.argmin())].key


def domain_of(eligible_teams: tuple[str, ...], skills: tuple[str, ...]) -> str:
    """The service domain of a request (rule in the module docstring)."""
    for team in eligible_teams:
        if not team.startswith(_TOWN_TEAM):
            return team.removeprefix("T-")
    for skill in skills:
        if skill != "helper":
            team = SKILLS.get(skill, (0.0, ""))[1]
            return team[2:] if team.startswith("T-") else skill
    return "community"
