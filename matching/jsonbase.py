"""Shared plumbing of the JSON formats: schema checks whose errors name the JSON path, reading
files (malformed JSON named by line and column) and atomic writes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from matching.errors import ProblemError, ResultError


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("matching").joinpath(name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def json_path(parts: Iterable[object]) -> str:
    """`requests[12].time.latest_end` from ("requests", 12, "time", "latest_end")."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def schema_error(doc: Any, schema: str, error_type: type[ProblemError | ResultError],
                  volunteer_path: str | None = None) -> None:
    """Raise `error_type` for the most relevant schema violation of `doc`, if any.
    `volunteer_path` renames `volunteers[0]` when a single volunteer is checked alone."""
    error = jsonschema.exceptions.best_match(_validator(schema).iter_errors(doc))
    if error is None:
        return
    path = list(error.absolute_path)
    if volunteer_path is not None and path[:2] == ["volunteers", 0]:
        path = [volunteer_path, *path[2:]]
    if error.validator == "required":
        missing = next(iter(set(error.validator_value) - set(error.instance or {})), "?")
        raise error_type(json_path([*path, missing]), "required field is missing")
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        raise error_type(json_path([*path, extra[0] if extra else "?"]), "unknown field")
    if error.validator == "oneOf" and path and path[-1] == "time":
        raise error_type(json_path(path), "must be {start, duration} or {earliest_start, latest_end, duration}")
    raise error_type(json_path(path), error.message)


def read_json(source: str | Path | dict[str, Any], error_type: type[ProblemError | ResultError]) -> Any:
    if isinstance(source, dict):
        return source
    try:
        text = Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise error_type("", f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error_type("", f"{source}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc


def write_json(doc: dict[str, Any], path: str | Path) -> None:
    """Write atomically: a temporary file beside the target, then rename over it."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(target)
