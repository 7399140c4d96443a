"""Scenario bases of `kind = "generated"`: a seeded Pizhou day from the problem generator.

    [base]
    kind = "generated"
    preset = "small"          # small | medium | county | week (generate.PRESETS); default small
    volunteers = 2000         # override the preset's sizes
    requests = 300
    days = 1
    seed = 11                 # default: the scenario's seed, else 1
    date_from = "2026-03-05"  # default: a Thursday, or a Monday for 7 days

`matching.scenarios` builds no such base itself (it imports nothing from the examples):
`register()` adds the kind to its registry, and the composition root calls it, the `wenming`
command and the API at start, a test's conftest. The builder generates the problem
(`generate.generate`), loads it through `matching.load_problem` and derives the side table from
`geography()`, Pizhou's geography handed in as data:

- **institutes**: the 25 units of pizhou.py keyed by id suffix (`yunhe`), with their Chinese names
  and positions (a volunteer or request outside every town team goes to the nearest, `outside`
  beyond 25 km);
- **stations**: SYNTHETIC, since the generator has none: each institute gets stations in
  proportion to its population weight (490 in all, Pizhou's count), scattered around its centre
  with a fixed seed, keyed `S-<town>-NN`; a request belongs to the nearest station of its institute;
- **domains**: every skill of the catalogue with the domain it serves, so a request's domain is
  that of the service it asks for (`health`, `law`, lower case as for a database base); a request
  needing only general skills takes its provider team's domain (`T-civility` -> `civility`);
- **team names**: the city teams' Chinese names (健康邳州 ...), so changes may name them either way.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from examples.cities import PIZHOU
from examples.problems.generate import PRESETS, generate
from examples.problems.pizhou import CITY_TEAMS, SKILL_DOMAINS, TOWNS, town_team
from matching.jsonio import load_problem
from matching.scenarios.dataset import Dataset, describe
from matching.scenarios.errors import BaseUnusable
from matching.scenarios.geography import Geography, Place
from matching.scenarios.kinds import register_base_kind
from matching.scenarios.spec import BaseSpec

KIND = "generated"
_STATION_SEED = 2018
_STATION_SIGMA_KM = 2.5
_KM_LAT = 110.57
_KM_LON_EQUATOR = 111.32


def stations() -> dict[str, Place]:
    """Synthetic stations `S-<town>-NN`, a fixed layout (same seed every time)."""
    rng = np.random.default_rng(_STATION_SEED)
    weights = np.array([t[4] for t in TOWNS])
    quota = PIZHOU.stations * weights / weights.sum()
    counts = np.maximum(1, np.floor(quota)).astype(int)
    # the stations still missing go to the largest remainders (ties: the earlier town)
    for i in np.argsort(-(quota - np.floor(quota)), kind="stable")[:PIZHOU.stations - int(counts.sum())]:
        counts[i] += 1
    out = {}
    for (key, _name, lat, lon, _w), n in zip(TOWNS, counts):
        offset = rng.normal(0.0, _STATION_SIGMA_KM, size=(int(n), 2))
        for k in range(int(n)):
            skey = f"S-{key}-{k + 1:02d}"
            out[skey] = Place(skey, skey, round(lat + offset[k, 0] / _KM_LAT, 5),
                              round(lon + offset[k, 1] / (_KM_LON_EQUATOR * math.cos(math.radians(lat))), 5), key)
    return out


@lru_cache(maxsize=1)
def geography() -> Geography:
    """Pizhou's institutes, synthetic stations and skill domains (see the module docstring)."""
    towns = {key: Place(key, name, lat, lon, key) for key, name, lat, lon, _w in TOWNS}
    return Geography(towns=towns, stations=stations(), skill_domains=dict(SKILL_DOMAINS),
                     town_team_prefix=town_team(""))


def team_names() -> dict[str, str]:
    """Team id -> display name: the city teams, and each town team after its town."""
    return {**CITY_TEAMS, **{town_team(key): f"{name}志愿服务队" for key, name, *_rest in TOWNS}}


def check(spec: BaseSpec) -> None:
    """The base's values make sense to the generator (called when the scenario is read)."""
    if spec.preset is not None and spec.preset not in PRESETS:
        raise BaseUnusable("preset", f"unknown preset; expected one of {', '.join(PRESETS)}")


def build(spec: BaseSpec) -> Dataset:
    """The generated problem of `spec`, with Pizhou's side table."""
    check(spec)
    volunteers, requests, days = PRESETS[spec.preset or "small"]
    doc = generate(spec.volunteers or volunteers, requests if spec.requests is None else spec.requests,
                   spec.days or days, spec.seed, spec.date_from)
    return describe(load_problem(doc), geography(), team_names())


def register() -> None:
    """Let scenarios (the `wenming scenario` command, the API's runs) use `kind = "generated"`."""
    register_base_kind(KIND, build, snapshot=False, check=check)
