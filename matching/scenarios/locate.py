"""Find the line of a key path in a scenario's TOML text, so semantic errors can say `line N`.

`tomllib` reports positions only for syntax errors; for a well-formed file that says something
wrong (an unknown key, a town that does not exist) we look the key up in the text: the header of
its table (`[base]`, the k-th `[[changes]]`) and then the `key =` line inside that table. This is
a best effort for the flat layout scenario files use; when the key cannot be found the error
still names the key path.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")


def _key_line(lines: list[str], start: int, stop: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|{re.escape(key)})\s*=")
    for i in range(start, stop):
        if pattern.match(lines[i]):
            return i
    return None


def _table_span(lines: list[str], table: str, occurrence: int) -> tuple[int, int] | None:
    """(first line after the header, line of the next header) of the occurrence-th `table`."""
    seen = -1
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m and m.group(1) == table:
            seen += 1
            if seen == occurrence:
                stop = next((j for j in range(i + 1, len(lines)) if _HEADER.match(lines[j])), len(lines))
                return i + 1, stop
    return None


def line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """1-based line of the key path (e.g. ("changes", 2, "town")) in the TOML text, or None."""
    lines = text.splitlines()
    if not path:
        return None
    if len(path) == 1:
        stop = next((j for j, line in enumerate(lines) if _HEADER.match(line)), len(lines))
        found = _key_line(lines, 0, stop, str(path[0]))
        return None if found is None else found + 1
    table, rest = str(path[0]), path[1:]
    occurrence = 0
    if rest and isinstance(rest[0], int):
        occurrence, rest = rest[0], rest[1:]
    span = _table_span(lines, table, occurrence)
    if span is None:
        return None
    if not rest:
        return span[0]  # the header line itself (1-based index of header = span[0])
    found = _key_line(lines, span[0], span[1], str(rest[0]))
    return None if found is None else found + 1


def key_path(path: tuple[str | int, ...]) -> str:
    """`changes[2].town` from ("changes", 2, "town")."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def where(text: str | None, path: tuple[str | int, ...]) -> str:
    """`line 12: changes[2].town` when the line is known, else the key path alone."""
    line = line_of(text, path) if text is not None else None
    return f"line {line}: {key_path(path)}" if line else key_path(path)
