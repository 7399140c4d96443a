"""Sweep parameters: the names `scenario sweep --param NAME=v1,v2` and `[sweep]` accept.

Each parameter turns one value into a modified scenario, either by appending a change (so the
sweep is exactly "this scenario plus one more change") or by replacing a base/engine field:

| name              | values        | effect                                                      |
|-------------------|---------------|-------------------------------------------------------------|
| max_travel_km     | number > 0    | engine_settings change: cap every volunteer's max travel    |
| volunteers_scale  | number > 0    | <1: remove_volunteers share 1-s; >1: add_volunteers share s-1 (county-wide) |
| demand_scale      | number >= 0   | scale_demand change with that factor (county-wide)          |
| tasks_per_day     | integer > 0   | engine_settings change: cap tasks per day                   |
| minutes_per_day   | integer > 0   | engine_settings change: cap working minutes per day         |
| time_limit        | number > 0    | [engine] time_limit                                         |
| engine_seed       | integer       | [engine] seed                                               |
| base_seed         | integer       | [base] seed (generated bases)                               |
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Fail = Callable[[str], Exception]


def _number(positive: bool, integer: bool) -> Callable[[Any, Fail], Any]:
    def convert(value: Any, fail: Fail) -> Any:
        if isinstance(value, str):
            try:
                value = int(value) if integer else float(value)
            except ValueError:
                raise fail(f"{value!r} is not {'an integer' if integer else 'a number'}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            raise fail(f"{value!r} is not {'an integer' if integer else 'a number'}")
        if positive and value <= 0:
            raise fail(f"{value!r} must be > 0")
        if value < 0:
            raise fail(f"{value!r} must be >= 0")
        return value if integer else float(value)
    return convert


@dataclass(frozen=True)
class Param:
    name: str
    convert: Callable[[Any, Fail], Any]
    apply: Callable[[Any, Any], Any]  # (Scenario, value) -> Scenario


def _with_change(change: Callable[[Any], dict[str, Any] | None]) -> Callable[[Any, Any], Any]:
    def apply(scenario: Any, value: Any) -> Any:
        extra = change(value)
        return scenario if extra is None else dataclasses.replace(scenario, changes=(*scenario.changes, extra))
    return apply


def _volunteers(scale: float) -> dict[str, Any] | None:
    if scale < 1:
        return {"type": "remove_volunteers", "share": 1 - scale}
    if scale > 1:
        return {"type": "add_volunteers", "share": scale - 1}
    return None


def _field(section: str, name: str) -> Callable[[Any, Any], Any]:
    def apply(scenario: Any, value: Any) -> Any:
        part = getattr(scenario, section)
        return dataclasses.replace(scenario, **{section: dataclasses.replace(part, **{name: value})})
    return apply


PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("max_travel_km", _number(True, False),
          _with_change(lambda v: {"type": "engine_settings", "max_travel_km": v})),
    Param("volunteers_scale", _number(True, False), _with_change(_volunteers)),
    Param("demand_scale", _number(False, False),
          _with_change(lambda v: None if v == 1 else {"type": "scale_demand", "factor": v})),
    Param("tasks_per_day", _number(True, True),
          _with_change(lambda v: {"type": "engine_settings", "tasks_per_day": v})),
    Param("minutes_per_day", _number(True, True),
          _with_change(lambda v: {"type": "engine_settings", "minutes_per_day": v})),
    Param("time_limit", _number(True, False), _field("engine", "time_limit")),
    Param("engine_seed", _number(False, True), _field("engine", "seed")),
    Param("base_seed", _number(False, True), _field("base", "seed")),
)}


def apply_point(scenario: Any, point: dict[str, Any]) -> Any:
    """The scenario with one grid point's parameter values applied, in the point's key order."""
    for name, value in point.items():
        scenario = PARAMS[name].apply(scenario, value)
    return scenario


def point_label(point: dict[str, Any]) -> str:
    """`max_travel_km=5,volunteers_scale=0.8`: a stable, filesystem-safe name of a grid point."""
    return ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in point.items()) or "base"
