"""A dataset: a matching `Problem` plus the side table analysts need (institute, station, domain).

`build_base(spec)` makes the starting dataset of a scenario. This package builds one kind itself,
`kind = "problem"`: a problem JSON, loaded through `matching.load_problem` (so it passes the
engine's own checks), its side table derived from the geography its town teams imply
(`geography.implied`); cached per process. Every other kind is registered from outside
(`register_base_kind`, see kinds.py), because it needs data or code this package must not import:

- `generated`: the seeded Pizhou generator of the examples, whose builder hands in Pizhou's
  towns, stations and skill domains as data (examples/problems/scenario_base.py). A recipe
  (`snapshot=False`): rebuilt from the spec wherever it is needed and cached per process, so a
  sweep's pool or Dask worker builds it at most once.
- `database`: a snapshot of the live database (resolvers/scenarios/base.py). `materialise(scenario)`
  builds it once, in the calling process, and keeps the dataset in `base.snapshot`: a sweep's
  points then carry the snapshot to their workers, and every point sees the same data. Snapshots
  are never cached: the database changes, so each run reads it again.

`materialise` also puts a recipe's builder on the spec (`base.recipe`), so the spec carries it to
workers that registered nothing. A builder raises `BaseUnusable(key, message)`, which
`materialise` and `base_of` turn into a ScenarioError naming the file and the line of
`base.<key>`; a kind nobody registered is such an error on `base.kind`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from matching.errors import ProblemError
from matching.jsonio import load_problem
from matching.problem import Problem
from matching.scenarios import kinds
from matching.scenarios.errors import BaseUnusable, ScenarioError
from matching.scenarios.geography import Geography, Place, implied, side_table
from matching.scenarios.kinds import register_base_kind
from matching.scenarios.spec import BaseSpec, Scenario

__all__ = ["Dataset", "base_of", "build_base", "describe", "fingerprint", "materialise", "register_base_kind"]


@dataclass(frozen=True)
class Dataset:
    """A problem and, per id, where it belongs: `volunteer_town`, `request_town`,
    `request_station`, `request_domain`. `towns`/`stations` are the places of the base's
    geography, drawn on the map and named by changes; `team_names` (team key -> display name)
    lets changes name a team either way."""

    problem: Problem
    volunteer_town: dict[str, str]
    request_town: dict[str, str]
    request_station: dict[str, str]
    request_domain: dict[str, str]
    towns: dict[str, Place] = field(default_factory=dict)
    stations: dict[str, Place] = field(default_factory=dict)
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


def describe(problem: Problem, geo: Geography | None = None, team_names: dict[str, str] | None = None) -> Dataset:
    """The problem with its side table, derived from `geo` (default: the geography the
    problem's own town teams imply, `geography.implied`)."""
    geo = implied(problem) if geo is None else geo
    table = side_table(problem, geo)
    return Dataset(problem=problem, volunteer_town=table.volunteer_town, request_town=table.request_town,
                   request_station=table.request_station, request_domain=table.request_domain,
                   towns=dict(geo.towns), stations=dict(geo.stations), team_names=dict(team_names or {}))


def build_base(spec: BaseSpec) -> Dataset:
    """The base dataset of a scenario: its snapshot when it has one, else built (problem and
    recipe bases cached per process; datasets are never mutated). Raises BaseUnusable."""
    if spec.snapshot is not None:
        assert isinstance(spec.snapshot, Dataset)  # typed Any in spec.py, which cannot import this module
        return spec.snapshot
    if spec.kind == "problem":
        return _problem(spec)
    recipe = spec.recipe
    if recipe is None:
        entry = kinds.registered(spec.kind)
        if entry is None:
            raise kinds.unregistered(spec.kind)
        if entry.snapshot:
            return entry.build(spec)
        recipe = entry.build
    return _recipe(recipe, spec)


def materialise(scenario: Scenario, builder: Callable[[BaseSpec], Dataset] | None = None) -> Scenario:
    """The scenario ready to run anywhere: a snapshot kind's base (database) built now, by
    `builder` (default: the registered one) and kept as `base.snapshot`; a recipe kind's
    registered builder kept as `base.recipe` (`builder` is for snapshots only). Bad input becomes
    a ScenarioError naming the scenario's file and the line of the key at fault."""
    base = scenario.base
    if base.kind == "problem" or base.snapshot is not None or base.recipe is not None:
        return scenario
    entry = kinds.registered(base.kind)
    if entry is not None and not entry.snapshot:
        return dataclasses.replace(scenario, base=dataclasses.replace(base, recipe=entry.build))
    try:
        if builder is None:
            if entry is None:
                raise kinds.unregistered(base.kind)
            builder = entry.build
        ds = builder(base)
    except BaseUnusable as exc:
        raise scenario.error(("base", exc.key), exc.detail) from None
    return dataclasses.replace(scenario, base=dataclasses.replace(base, snapshot=ds))


def base_of(scenario: Scenario) -> Dataset:
    """The base dataset of the scenario (materialised first); BaseUnusable becomes a
    ScenarioError naming the line of `base.<key>`."""
    scenario = materialise(scenario)
    try:
        return build_base(scenario.base)
    except BaseUnusable as exc:
        raise scenario.error(("base", exc.key), exc.detail) from None


@lru_cache(maxsize=4)
def _problem(spec: BaseSpec) -> Dataset:
    assert spec.path is not None
    try:
        problem = load_problem(spec.path)
    except ProblemError as exc:
        detail = exc.detail.removeprefix(f"{spec.path}: ")
        raise ScenarioError(spec.path, exc.path, f"the base problem cannot be used: {detail}") from None
    return describe(problem)


@lru_cache(maxsize=4)
def _recipe(build: Callable[[BaseSpec], Dataset], spec: BaseSpec) -> Dataset:
    return build(spec)


def fingerprint(problem: Problem) -> str:
    """A short SHA-256 of the problem's content, to show two runs solved the same problem."""
    digest = hashlib.sha256()
    for part in (problem.date_from, problem.date_to, problem.settings, problem.volunteers, problem.requests):
        digest.update(repr(part).encode())
    return digest.hexdigest()[:16]
