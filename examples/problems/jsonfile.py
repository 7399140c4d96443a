"""Write a problem dict as diff-friendly JSON: one volunteer or request per line, UTF-8, no ASCII escapes."""

from __future__ import annotations

import json
import os
import tempfile
from typing import IO, Any


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_problem(problem: dict[str, Any]) -> str:
    """The problem as text: scalar keys first, then each list with one item per line."""
    parts = []
    for key, value in problem.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n  ".join(_line(item) for item in value)
            parts.append(f'"{key}": [\n  {items}\n]')
        else:
            parts.append(f'"{key}": {_line(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_problem(problem: dict[str, Any], target: str | os.PathLike[str] | IO[str]) -> None:
    """Write to a stream, or atomically to a path (a temporary file renamed into place)."""
    text = dumps_problem(problem)
    if hasattr(target, "write"):
        target.write(text)  # type: ignore[union-attr]
        return
    path = os.fspath(target)  # type: ignore[arg-type]
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
