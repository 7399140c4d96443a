"""Write a problem dict as diff-friendly JSON: one volunteer or request per line, UTF-8, no ASCII escapes."""

from __future__ import annotations

import json
import os
import tempfile
from typing import IO, Any


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _block(value: dict[str, Any], indent: str) -> str:
    """An object with each list of objects (volunteers, requests, overrides) one item per line."""
    parts = []
    for key, item in value.items():
        if isinstance(item, list) and item and isinstance(item[0], dict):
            rows = f",\n{indent}  ".join(_line(x) for x in item)
            parts.append(f'{indent}{_line(key)}: [\n{indent}  {rows}\n{indent}]')
        elif isinstance(item, dict) and any(isinstance(x, list) and x and isinstance(x[0], dict)
                                            for x in item.values()):
            parts.append(f"{indent}{_line(key)}: {_block(item, indent + '  ').lstrip()}")
        else:
            parts.append(f"{indent}{_line(key)}: {_line(item)}")
    return "{\n" + ",\n".join(parts) + "\n" + indent[:-2] + "}"


def dumps_problem(problem: dict[str, Any]) -> str:
    """The problem as text: one volunteer, request or override per line."""
    return _block(problem, "  ") + "\n"


def write_problem(problem: dict[str, Any], target: str | os.PathLike[str] | IO[str]) -> None:
    """Write to a stream, or atomically to a path (a temporary file renamed into place)."""
    text = dumps_problem(problem)
    if not isinstance(target, (str, os.PathLike)):
        target.write(text)
        return
    path = os.fspath(target)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
