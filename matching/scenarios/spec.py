"""A scenario file (`examples/scenarios/*.toml`) read into a checked `Scenario`.

Layout (every key optional unless marked):

    name = "surge-day"            # default: the file name without .toml
    description = "..."
    seed = 7                      # default for base.seed, engine.seed and the draws of changes
    [base]                        # required
    kind = "generated"            # required: "generated" (a seeded generator), "problem" (a
                                  # problem JSON) or "database" (the live database), see BASE_KINDS
    preset = "small"              # generated: a preset of the generator (the examples': small |
                                  # medium | county | week)
    volunteers = 3000             # generated: override the preset's sizes
    requests = 300
    days = 1
    date_from = "2026-03-05"
    path = "../problems/small.json"   # problem: a problem JSON, relative to this file
    unit = "PZ-I01"               # database: the unit (code or name) whose subtree is taken
    date_to = "2026-03-06"        # database: last service date (default: date_from)
    url = "sqlite:///wenming.db"  # database: default WENMING_DATABASE_URL (command line only)
    [[changes]]                   # any number, applied in order; keys per type in CHANGE_KEYS
    type = "surge_day"
    date = "2026-03-05"
    factor = 3.0
    [engine]
    time_limit = 10.0
    workers = 1
    seed = 7
    candidates_per_slot = 12
    [report]
    title = "..."
    assignment_lines = true       # draw volunteer -> request lines on the map
    include_result = false        # also write the engine's result JSON
    [sweep]                       # the default grid of `scenario sweep` (see params.py)
    max_travel_km = [3, 5, 8]

Unknown keys, wrong types and impossible values raise `ScenarioError` naming the file and the
line (or key path). The file format knows the keys of all three kinds; what their values mean is
up to the kind's builder, registered from outside (kinds.py), which may also check them here (the
generator's presets). Whether a town or team exists is checked later, against the base dataset.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matching.problem import STAFFING
from matching.scenarios import kinds
from matching.scenarios.errors import BaseUnusable, ScenarioError
from matching.scenarios.locate import where
from matching.scenarios.params import PARAMS

#: key -> kind for each table; kinds: str, int, num, bool, date, ints (int or list of ints),
#: weights (table "1".."5" -> int), nums (non-empty list of numbers)
TOP_KEYS = {"name": "str", "description": "str", "seed": "int"}
BASE_KEYS = {"kind": "str", "preset": "str", "volunteers": "int", "requests": "int", "days": "int",
             "seed": "int", "date_from": "date", "path": "str", "unit": "str", "date_to": "date", "url": "str"}
#: base kind -> the keys it takes
BASE_KINDS = {
    "generated": {"kind", "preset", "volunteers", "requests", "days", "seed", "date_from"},
    "problem": {"kind", "path"},
    "database": {"kind", "unit", "date_from", "date_to", "url"},
}
#: the longest service period a database base may cover (days)
MAX_DATABASE_DAYS = 31
#: The largest scenario a run may solve, checked before any work: a province's biggest county is
#: well inside these, and they keep one run's memory within a few GB.
MAX_VOLUNTEERS = 300_000
MAX_REQUESTS = 30_000
MAX_DAYS = 31
#: seconds of engine time one run may ask for
MAX_TIME_LIMIT = 600.0
#: deepest nesting of arrays and inline tables in a scenario file
MAX_NESTING = 16
#: the largest integer a scenario takes (seeds and counts reach the engine as 32-bit integers)
MAX_INT = 2**31 - 1
#: what a value of each kind must be, in the words of an error message
KIND_WORDS = {"str": "a non-empty string without NUL characters", "int": f"an integer within ±{MAX_INT:,}",
              "num": "a finite number", "bool": "true or false"}
ENGINE_KEYS = {"time_limit": "num", "workers": "int", "seed": "int", "candidates_per_slot": "int"}
REPORT_KEYS = {"title": "str", "assignment_lines": "bool", "include_result": "bool"}

#: change type -> (required keys, optional keys), each key -> kind
CHANGE_KEYS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "add_volunteers": ({}, {"town": "str", "team": "str", "skill": "str", "count": "int", "share": "num"}),
    "remove_volunteers": ({}, {"town": "str", "team": "str", "skill": "str", "count": "int", "share": "num"}),
    "change_skill_mix": ({"from_skill": "str", "to_skill": "str", "share": "num"},
                         {"town": "str", "team": "str", "level": "int", "keep_old": "bool"}),
    "scale_demand": ({"factor": "num"}, {"domain": "str", "town": "str", "station": "str",
                                         "priority": "ints", "date": "date"}),
    "surge_day": ({"date": "date", "factor": "num"}, {"domain": "str", "town": "str"}),
    "engine_settings": ({}, {"max_travel_km": "num", "priority_weights": "weights", "speed_kmh": "num",
                             "detour_factor": "num", "tasks_per_day": "int", "minutes_per_day": "int",
                             "staffing": "str"}),
    "remove_team": ({"team": "str"}, {"remove_members": "bool"}),
}


@dataclass(frozen=True)
class BaseSpec:
    """The `[base]` table. `snapshot` is the dataset of a base already built (a database base is
    read once, before solving), `recipe` the builder of a base rebuilt where it is needed (a
    generated one), both set by `dataset.materialise`; neither is part of the key."""

    kind: str
    preset: str | None = None
    volunteers: int | None = None
    requests: int | None = None
    days: int | None = None
    seed: int = 1
    date_from: str | None = None
    path: Path | None = None
    unit: str | None = None
    date_to: str | None = None
    url: str | None = None
    snapshot: Any = field(default=None, compare=False, hash=False, repr=False)
    recipe: Callable[[BaseSpec], Any] | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class EngineSpec:
    time_limit: float = 10.0
    workers: int = 1
    seed: int = 0
    candidates_per_slot: int = 12


@dataclass(frozen=True)
class ReportSpec:
    title: str | None = None
    assignment_lines: bool = True
    include_result: bool = False


@dataclass(frozen=True)
class Scenario:
    """A checked scenario. `changes` are plain dicts (with `type`), in file order; `text` is the
    TOML source (kept so later errors can name a line)."""

    name: str
    file: Path | None
    base: BaseSpec
    changes: tuple[dict[str, Any], ...] = ()
    engine: EngineSpec = EngineSpec()
    report: ReportSpec = ReportSpec()
    sweep: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    description: str = ""
    seed: int = 0
    text: str | None = None

    def error(self, path: tuple[str | int, ...], message: str) -> ScenarioError:
        """A ScenarioError for a key path of this scenario (with its line when it can be found)."""
        return ScenarioError(self.file, where(self.text, path), message)


class _Checker:
    def __init__(self, file: Path | None, text: str | None) -> None:
        self.file, self.text = file, text

    def fail(self, path: tuple[str | int, ...], message: str) -> ScenarioError:
        return ScenarioError(self.file, where(self.text, path), message)

    def table(self, doc: Any, path: tuple[str | int, ...], keys: dict[str, str]) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise self.fail(path, "must be a table")
        for key in doc:
            if key not in keys:
                raise self.fail((*path, key), f"unknown key; expected one of {', '.join(sorted(keys))}")
        return {key: self.value(doc[key], (*path, key), keys[key]) for key in doc}

    def value(self, value: Any, path: tuple[str | int, ...], kind: str) -> Any:
        ok = {
            "str": lambda v: isinstance(v, str) and v.strip() != "" and "\x00" not in v,
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and -MAX_INT <= v <= MAX_INT,
            "num": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
            "bool": lambda v: isinstance(v, bool),
        }
        if kind in ok:
            if not ok[kind](value):
                raise self.fail(path, f"must be {KIND_WORDS[kind]}")
            return float(value) if kind == "num" else value
        if kind == "date":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value.isoformat()
            try:
                return dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise self.fail(path, "must be a date YYYY-MM-DD") from None
        if kind == "ints":
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in items):
                raise self.fail(path, "must be a priority 1..5 or a non-empty list of them")
            return tuple(items)
        if kind == "weights":
            if not isinstance(value, dict) or not value:
                raise self.fail(path, 'must be a table like { "1" = 1, "5" = 10 }')
            out = {}
            for key, weight in value.items():
                if key not in {"1", "2", "3", "4", "5"} or not isinstance(weight, int) or weight < 0:
                    raise self.fail((*path, key), "keys are priorities 1..5, values non-negative integers")
                out[int(key)] = weight
            return out
        raise AssertionError(kind)


def parse_scenario(text: str, file: Path | None = None) -> Scenario:
    """Check a scenario's TOML text; relative base paths are resolved against `file`'s folder."""
    label = str(file) if file is not None else "<scenario>"
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise ScenarioError(label, "", f"arrays or inline tables nested {depth} deep; at most {MAX_NESTING}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(label, "", f"TOML syntax error: {exc}") from None
    c = _Checker(file, text)
    sections = {"base", "changes", "engine", "report", "sweep"}
    top = c.table({k: v for k, v in doc.items() if k not in sections}, (), TOP_KEYS)
    if "base" not in doc:
        raise c.fail(("base",), 'missing table [base]; add one with kind = "generated", "problem" or "database"')
    seed = top.get("seed", 0)
    base = _base(c, doc["base"], seed, file)
    changes = _changes(c, doc.get("changes", []))
    engine = c.table(doc.get("engine", {}), ("engine",), ENGINE_KEYS)
    limit = engine.get("time_limit", 1.0)
    if not 0 < limit <= MAX_TIME_LIMIT:  # also refuses nan
        raise c.fail(("engine", "time_limit"), f"must be > 0 and at most {MAX_TIME_LIMIT:g} seconds")
    if engine.get("workers", 1) < 1:
        raise c.fail(("engine", "workers"), "must be >= 1")
    engine.setdefault("seed", seed)
    report = c.table(doc.get("report", {}), ("report",), REPORT_KEYS)
    sweep = _sweep(c, doc.get("sweep", {}))
    name = top.get("name") or (file.stem if file is not None else "scenario")
    return Scenario(name=name, file=file, base=base, changes=changes, engine=EngineSpec(**engine),
                    report=ReportSpec(**report), sweep=sweep, description=top.get("description", ""),
                    seed=seed, text=text)


def _base(c: _Checker, doc: Any, seed: int, file: Path | None) -> BaseSpec:
    base = c.table(doc, ("base",), BASE_KEYS)
    kind = base.get("kind")
    if kind not in BASE_KINDS:
        raise c.fail(("base", "kind"), 'must be "generated", "problem" or "database"')
    allowed = BASE_KINDS[kind]
    for key in base:
        if key not in allowed:
            raise c.fail(("base", key), f'not used with kind = "{kind}"; expected {", ".join(sorted(allowed))}')
    if kind == "database":
        spec = _database_base(c, base)
    elif kind == "problem":
        if "path" not in base:
            raise c.fail(("base", "path"), "missing: the problem JSON to start from")
        path = Path(base["path"])
        if not path.is_absolute() and file is not None:
            path = file.parent / path
        spec = BaseSpec(kind="problem", path=path)
    else:
        for key, top in (("volunteers", MAX_VOLUNTEERS), ("days", MAX_DAYS)):
            if key in base and not 1 <= base[key] <= top:
                raise c.fail(("base", key), f"must be between 1 and {top:,}")
        if not 0 <= base.get("requests", 0) <= MAX_REQUESTS:
            raise c.fail(("base", "requests"), f"must be between 0 and {MAX_REQUESTS:,}")
        base.setdefault("seed", seed if seed else 1)
        spec = BaseSpec(**base)
    entry = kinds.registered(kind)
    if entry is not None and entry.check is not None:
        try:
            entry.check(spec)
        except BaseUnusable as exc:
            raise c.fail(("base", exc.key), exc.detail) from None
    return spec


def _database_base(c: _Checker, base: dict[str, Any]) -> BaseSpec:
    """A snapshot of the live database: a unit's subtree and a service period (see dataset.py)."""
    for key, what in (("unit", "the unit (code or name) whose subtree to take"),
                      ("date_from", "the first service date YYYY-MM-DD")):
        if key not in base:
            raise c.fail(("base", key), f"missing: {what}")
    first = dt.date.fromisoformat(base["date_from"])
    last = dt.date.fromisoformat(base.get("date_to", base["date_from"]))
    if last < first:
        raise c.fail(("base", "date_to"), f"{last} is before date_from {first}: the period is empty")
    if (last - first).days >= MAX_DATABASE_DAYS:
        raise c.fail(("base", "date_to"), f"a database base covers at most {MAX_DATABASE_DAYS} days")
    return BaseSpec(kind="database", unit=base["unit"].strip(), date_from=first.isoformat(),
                    date_to=last.isoformat(), url=base.get("url"))


def _changes(c: _Checker, doc: Any) -> tuple[dict[str, Any], ...]:
    if not isinstance(doc, list):
        raise c.fail(("changes",), "must be an array of tables: write each change as [[changes]]")
    out = []
    for i, change in enumerate(doc):
        if not isinstance(change, dict):
            raise c.fail(("changes", i), "must be a table")
        kind = change.get("type")
        if kind not in CHANGE_KEYS:
            raise c.fail(("changes", i, "type"), f"unknown change type {kind!r}; expected one of "
                                                 f"{', '.join(CHANGE_KEYS)}")
        required, optional = CHANGE_KEYS[kind]
        checked = c.table({k: v for k, v in change.items() if k != "type"}, ("changes", i),
                          {**required, **optional})
        for key in required:
            if key not in checked:
                raise c.fail(("changes", i), f"{kind} needs {key!r}")
        _check_change(c, i, kind, checked)
        out.append({"type": kind, **checked})
    return tuple(out)


def _check_change(c: _Checker, i: int, kind: str, ch: dict[str, Any]) -> None:
    """Value ranges and mutually exclusive keys of one change."""
    if kind in ("add_volunteers", "remove_volunteers"):
        if ("count" in ch) == ("share" in ch):
            raise c.fail(("changes", i), f"{kind} needs exactly one of 'count' or 'share'")
        if not 1 <= ch.get("count", 1) <= MAX_VOLUNTEERS:
            raise c.fail(("changes", i, "count"), f"must be between 1 and {MAX_VOLUNTEERS:,}")
        top = 1.0 if kind == "remove_volunteers" else 100.0
        if "share" in ch and not 0 < ch["share"] <= top:
            raise c.fail(("changes", i, "share"), f"must be in (0, {top:g}]")
    if kind == "change_skill_mix" and not 0 < ch["share"] <= 1:
        raise c.fail(("changes", i, "share"), "must be in (0, 1]")
    if kind == "change_skill_mix" and not 1 <= ch.get("level", 1) <= 5:
        raise c.fail(("changes", i, "level"), "must be 1..5")
    if kind in ("scale_demand", "surge_day") and not 0 <= ch["factor"] <= 100:
        raise c.fail(("changes", i, "factor"), "must be between 0 and 100")
    if kind == "engine_settings":
        if not ch:
            raise c.fail(("changes", i), "engine_settings changes nothing; name a setting")
        for key in ("max_travel_km", "speed_kmh", "detour_factor", "tasks_per_day", "minutes_per_day"):
            if key in ch and ch[key] <= 0:
                raise c.fail(("changes", i, key), "must be > 0")
        if "staffing" in ch and ch["staffing"] not in STAFFING:
            raise c.fail(("changes", i, "staffing"), f"must be one of {', '.join(STAFFING)}")


def _sweep(c: _Checker, doc: Any) -> dict[str, tuple[Any, ...]]:
    if not isinstance(doc, dict):
        raise c.fail(("sweep",), "must be a table of parameter = [values]")
    out = {}
    for key, values in doc.items():
        if key not in PARAMS:
            raise c.fail(("sweep", key), f"unknown sweep parameter; expected one of {', '.join(PARAMS)}")
        if not isinstance(values, list) or not values:
            raise c.fail(("sweep", key), "needs a non-empty list of values")
        def fail(msg: str, k: str = key) -> Exception:
            return c.fail(("sweep", k), msg)

        out[key] = tuple(PARAMS[key].convert(v, fail) for v in values)
    return out


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; an unreadable file is a ScenarioError naming it."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(file, "", f"cannot read the scenario file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(file, "", "is not UTF-8 text") from None
    return parse_scenario(text, file)


def _nesting(text: str) -> int:
    """How deep `[`/`{` nest outside strings and comments (a bound checked before parsing)."""
    depth = deepest = 0
    quote = ""
    comment = False
    for ch in text:
        if comment:
            comment = ch != "\n"
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            comment = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return deepest
