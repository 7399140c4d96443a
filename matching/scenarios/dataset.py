"""A dataset: a matching `Problem` plus the side table analysts need (institute, station, domain).

`build_base(spec)` makes the starting dataset of a scenario: `kind = "generated"` runs the seeded
Pizhou generator (`examples.problems.generate`), `kind = "problem"` reads a problem JSON; both are
loaded through `matching.load_problem`, so every base passes the engine's own checks. The side
table is derived by `geography` (see its docstring). These bases are cached per process: a
sweep's points share one base, and a pool worker builds it at most once.

Other kinds (`kind = "database"`, a snapshot of the live database) need the application: this
package imports nothing from db/ or resolvers/, so their builders are registered from outside
with `register_base_kind(kind, builder)` (the `wenming` command registers `database`, see
resolvers/scenario_base.py). `materialise(scenario)` builds such a base once, in the calling
process, and keeps the dataset in `base.snapshot`: a sweep's points then carry the snapshot to
their workers, and every point sees the same data. A builder raises `BaseUnusable(key, message)`,
which `materialise` turns into a ScenarioError naming the file and the line of `base.<key>`.
Snapshots are never cached: the database changes, so each run reads it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from matching.errors import ProblemError
from matching.jsonio import load_problem
from matching.problem import Problem
from matching.scenarios import geography
from matching.scenarios.errors import BaseUnusable, ScenarioError
from matching.scenarios.spec import BaseSpec

if TYPE_CHECKING:
    from matching.scenarios.spec import Scenario


@dataclass(frozen=True)
class Dataset:
    """A problem and, per id, where it belongs: `volunteer_town`, `request_town`,
    `request_station`, `request_domain`. `towns`/`stations` are the places drawn on the map;
    `team_names` (team key -> display name) lets changes name a team either way."""

    problem: Problem
    volunteer_town: dict[str, str]
    request_town: dict[str, str]
    request_station: dict[str, str]
    request_domain: dict[str, str]
    towns: dict[str, geography.Place] = field(default_factory=geography.towns)
    stations: dict[str, geography.Place] = field(default_factory=geography.stations)
    team_names: dict[str, str] = field(default_factory=dict)

    def teams(self) -> set[str]:
        """Every team the problem knows: declared, held by a volunteer, or asked for."""
        out = set(self.problem.teams)
        for v in self.problem.volunteers:
            out.update(v.teams)
        for r in self.problem.requests:
            out.update(r.eligible_teams)
        return out

    def domains(self) -> set[str]:
        return set(self.request_domain.values())


def describe(problem: Problem) -> Dataset:
    """Derive the side table of a problem (institute, station, domain per id)."""
    towns = geography.towns()
    stations = geography.stations()
    vols, reqs = problem.volunteers, problem.requests
    near_v = geography.nearest_towns(np.array([v.lat for v in vols]), np.array([v.lon for v in vols]), towns)
    near_r = geography.nearest_towns(np.array([r.lat for r in reqs]), np.array([r.lon for r in reqs]), towns)
    by_town: dict[str, list[geography.Place]] = {}
    for s in stations.values():
        by_town.setdefault(s.town, []).append(s)
    v_town = {v.id: geography.town_of(v.teams, n, towns) for v, n in zip(vols, near_v)}
    r_town = {r.id: geography.town_of(r.eligible_teams, n, towns) for r, n in zip(reqs, near_r)}
    return Dataset(
        problem=problem, volunteer_town=v_town, request_town=r_town,
        request_station={r.id: geography.station_of(r.lat, r.lon, r_town[r.id], by_town) for r in reqs},
        request_domain={r.id: geography.domain_of(r.eligible_teams, tuple(s.skill for s in r.skills)) for r in reqs},
        towns=towns, stations=stations)


#: kind -> builder of the bases this package cannot build itself (see the module docstring)
_BUILDERS: dict[str, Callable[[BaseSpec], Dataset]] = {}


def register_base_kind(kind: str, builder: Callable[[BaseSpec], Dataset]) -> None:
    """Let `builder(spec) -> Dataset` build bases of `kind` (replaces an earlier registration)."""
    _BUILDERS[kind] = builder


def build_base(spec: BaseSpec) -> Dataset:
    """The base dataset of a scenario: its snapshot when it has one, else built (generated and
    problem bases cached per process; datasets are never mutated)."""
    if spec.snapshot is not None:
        return spec.snapshot  # type: ignore[no-any-return]
    if spec.kind in ("generated", "problem"):
        return _builtin(spec)
    builder = _BUILDERS.get(spec.kind)
    if builder is None:
        raise BaseUnusable("kind", f'a "{spec.kind}" base cannot be read here: only the wenming command '
                                   "and the API know the database")
    return builder(spec)


def materialise(scenario: Scenario, builder: Callable[[BaseSpec], Dataset] | None = None) -> Scenario:
    """The scenario with a non-built-in base (database) built now, by `builder` (default: the
    registered one) and kept as its snapshot; bad input becomes a ScenarioError naming the
    scenario's file and the line of the key at fault."""
    if scenario.base.kind in ("generated", "problem") or scenario.base.snapshot is not None:
        return scenario
    try:
        ds = build_base(scenario.base) if builder is None else builder(scenario.base)
    except BaseUnusable as exc:
        raise scenario.error(("base", exc.key), exc.detail) from None
    return dataclasses.replace(scenario, base=dataclasses.replace(scenario.base, snapshot=ds))


@lru_cache(maxsize=4)
def _builtin(spec: BaseSpec) -> Dataset:
    if spec.kind == "problem":
        assert spec.path is not None
        try:
            problem = load_problem(spec.path)
        except ProblemError as exc:
            detail = exc.detail.removeprefix(f"{spec.path}: ")
            raise ScenarioError(spec.path, exc.path, f"the base problem cannot be used: {detail}") from None
        return describe(problem)
    from examples.problems.generate import PRESETS, generate

    vols, reqs, days = PRESETS[spec.preset or "small"]
    doc = generate(spec.volunteers or vols, reqs if spec.requests is None else spec.requests,
                   spec.days or days, spec.seed, spec.date_from)
    return describe(load_problem(doc))


def fingerprint(problem: Problem) -> str:
    """A short SHA-256 of the problem's content, to show two runs solved the same problem."""
    digest = hashlib.sha256()
    for part in (problem.date_from, problem.date_to, problem.settings, problem.volunteers, problem.requests):
        digest.update(repr(part).encode())
    return digest.hexdigest()[:16]
