"""Where things are for analysts: institutes (towns), stations and service domains, from data.

The problem JSON knows coordinates, teams and skills, but not the practice network. Analysts think
in institutes (所, towns), stations (站, villages) and domains, so every run carries a side table
(`dataset.Dataset`) derived here from a `Geography` handed in with the base. Nothing in this
module knows a city: a base kind that knows its network passes it in (the examples' generated
Pizhou, examples/problems/scenario_base.py); a problem JSON gets the geography its own town teams
imply (`implied`); a database base takes its side table from the unit tree instead
(resolvers/scenarios/base.py).

Rules, for a given Geography:

- **Institute** of a volunteer (request): the one named by a town team `<town_team_prefix><key>`
  among their teams (a request's eligible teams) when `key` is a known institute, else the
  nearest institute centre by straight-line distance; farther than `outside_km` from every
  centre, or with no institute known at all, it is `outside`.
- **Station** of a request: the nearest station of its institute (`outside` when it has none).
- **Domain** of a request: the domain of its first skill that has one (`skill_domains`); else its
  first eligible team that is not a town team, without `team_prefix` (`T-health` -> `health`);
  else `default_domain`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from matching.problem import Problem

OUTSIDE = "outside"
_KM_LAT = 110.57
_KM_LON_EQUATOR = 111.32
_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Place:
    """An institute or station: key, display name, position, and (for stations) its institute."""

    key: str
    name: str
    lat: float
    lon: float
    town: str = ""


@dataclass(frozen=True)
class Geography:
    """The places and rules a side table is derived from (see the module docstring)."""

    towns: dict[str, Place] = field(default_factory=dict)
    stations: dict[str, Place] = field(default_factory=dict)
    skill_domains: dict[str, str] = field(default_factory=dict)
    town_team_prefix: str = "T-town-"
    team_prefix: str = "T-"
    outside_km: float = 25.0
    default_domain: str = "community"


@dataclass(frozen=True)
class SideTable:
    """Per id: the institute of each volunteer and request, the station and domain of each request."""

    volunteer_town: dict[str, str]
    request_town: dict[str, str]
    request_station: dict[str, str]
    request_domain: dict[str, str]


def implied(problem: Problem, town_team_prefix: str = "T-town-") -> Geography:
    """The geography a problem implies by itself: one institute per town team it names
    (`T-town-yunhe` -> `yunhe`), placed at the mean position of the team's volunteers' homes and
    of the requests asking for it; no stations, no skill domains."""
    sums: dict[str, list[float]] = {}

    def add(teams: Iterable[str], lat: float, lon: float) -> None:
        for team in teams:
            if team.startswith(town_team_prefix) and len(team) > len(town_team_prefix):
                acc = sums.setdefault(team[len(town_team_prefix):], [0.0, 0.0, 0.0])
                acc[0] += lat
                acc[1] += lon
                acc[2] += 1

    for v in problem.volunteers:
        add(v.teams, v.lat, v.lon)
    for r in problem.requests:
        add(r.eligible_teams, r.lat, r.lon)
    towns = {key: Place(key, key, round(s[0] / s[2], 5), round(s[1] / s[2], 5), key)
             for key, s in sorted(sums.items())}
    return Geography(towns=towns, town_team_prefix=town_team_prefix)


def side_table(problem: Problem, geo: Geography) -> SideTable:
    """Institute, station and domain of every volunteer and request (rules in the module docstring)."""
    vols, reqs = problem.volunteers, problem.requests
    near_v = nearest_towns(np.array([v.lat for v in vols]), np.array([v.lon for v in vols]), geo)
    near_r = nearest_towns(np.array([r.lat for r in reqs]), np.array([r.lon for r in reqs]), geo)
    by_town: dict[str, list[Place]] = {}
    for s in geo.stations.values():
        by_town.setdefault(s.town, []).append(s)
    r_town = {r.id: town_of(r.eligible_teams, n, geo) for r, n in zip(reqs, near_r)}
    return SideTable(
        volunteer_town={v.id: town_of(v.teams, n, geo) for v, n in zip(vols, near_v)},
        request_town=r_town,
        request_station={r.id: station_of(r.lat, r.lon, r_town[r.id], by_town) for r in reqs},
        request_domain={r.id: domain_of(r.eligible_teams, tuple(s.skill for s in r.skills), geo) for r in reqs})


def _km(lat: np.ndarray, lon: np.ndarray, plat: np.ndarray, plon: np.ndarray) -> np.ndarray:
    """Equirectangular km from each point (rows) to each place (columns)."""
    dy = (lat[:, None] - plat[None, :]) * _KM_LAT
    mid = np.radians((lat[:, None] + plat[None, :]) / 2)
    dx = (lon[:, None] - plon[None, :]) * _KM_LON_EQUATOR * np.cos(mid)
    km: np.ndarray = np.hypot(dx, dy)
    return km


def nearest_towns(lat: np.ndarray, lon: np.ndarray, geo: Geography) -> list[str]:
    """Key of the nearest institute centre for each point, `outside` beyond `geo.outside_km`."""
    keys = list(geo.towns)
    if not keys:
        return [OUTSIDE] * len(lat)
    plat = np.array([geo.towns[k].lat for k in keys])
    plon = np.array([geo.towns[k].lon for k in keys])
    out: list[str] = []
    for start in range(0, len(lat), _CHUNK):
        d = _km(lat[start:start + _CHUNK], lon[start:start + _CHUNK], plat, plon)
        best = d.argmin(axis=1)
        out.extend(keys[b] if d[i, b] <= geo.outside_km else OUTSIDE for i, b in enumerate(best))
    return out


def town_of(teams: tuple[str, ...], nearest: str, geo: Geography) -> str:
    """The institute named by a town team among `teams`, else `nearest`."""
    prefix = geo.town_team_prefix
    for team in teams:
        if team.startswith(prefix) and team[len(prefix):] in geo.towns:
            return team[len(prefix):]
    return nearest


def station_of(lat: float, lon: float, town: str, by_town: dict[str, list[Place]]) -> str:
    """Nearest station of the institute (`outside` when the institute has none)."""
    candidates = by_town.get(town)
    if not candidates:
        return OUTSIDE
    d = _km(np.array([lat]), np.array([lon]), np.array([p.lat for p in candidates]),
            np.array([p.lon for p in candidates]))[0]
    return candidates[int(d.argmin())].key


def domain_of(eligible_teams: tuple[str, ...], skills: tuple[str, ...], geo: Geography) -> str:
    """The service domain of a request (rule in the module docstring)."""
    for skill in skills:
        if skill in geo.skill_domains:
            return geo.skill_domains[skill]
    for team in eligible_teams:
        if not team.startswith(geo.town_team_prefix):
            return team.removeprefix(geo.team_prefix)
    return geo.default_domain

