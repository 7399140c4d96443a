"""The registry of base kinds this package does not build itself (see dataset.py).

This package builds `kind = "problem"` (a problem JSON) and nothing else: every other kind needs
data or code that `matching` must not import, so its builder is registered from outside, by the
composition root (the `wenming` command, the API at start, a test's conftest):

    register_base_kind("generated", build, snapshot=False, check=check)   # examples/problems/scenario_base.py
    register_base_kind("database", from_url)                              # resolvers/scenarios/base.py

- `build(spec) -> Dataset` builds the base; bad input raises `BaseUnusable(key, message)`.
- `snapshot=True` (the default): the base is read once, before solving, and carried to every
  worker as data (a database changes under us). `snapshot=False`: the base is a recipe, rebuilt
  from the spec wherever it is needed and cached per process (a seeded generator); the builder
  then travels with the spec, so it must be a module-level function (it pickles by reference).
- `check(spec)`, optional, looks at the `[base]` values when the file is read (an unknown preset),
  raising `BaseUnusable`, so the error names the line before anything is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matching.scenarios.errors import BaseUnusable

if TYPE_CHECKING:
    from matching.scenarios.dataset import Dataset
    from matching.scenarios.spec import BaseSpec


@dataclass(frozen=True)
class BaseKind:
    """A registered kind of base: its builder, whether it is a snapshot, and its value check."""

    kind: str
    build: Callable[[BaseSpec], Dataset]
    snapshot: bool = True
    check: Callable[[BaseSpec], None] | None = None


#: kind -> how to build it (filled in by `register_base_kind`)
_KINDS: dict[str, BaseKind] = {}


def register_base_kind(kind: str, builder: Callable[[BaseSpec], Dataset], *, snapshot: bool = True,
                       check: Callable[[BaseSpec], None] | None = None) -> None:
    """Let `builder(spec) -> Dataset` build bases of `kind` (replaces an earlier registration)."""
    _KINDS[kind] = BaseKind(kind, builder, snapshot, check)


def registered(kind: str) -> BaseKind | None:
    """The registration of `kind`, or None."""
    return _KINDS.get(kind)


def unregistered(kind: str) -> BaseUnusable:
    """The error for a base of a kind nobody registered (reported on `base.kind`)."""
    return BaseUnusable("kind", f'a "{kind}" base cannot be read here: no builder is registered for it '
                                '(the wenming command and the API register "generated" and "database")')
