"""Input checks of mutations, collecting every problem before anything is written.

`Checks` gathers `Problem`s (input path, message, code); a mutation validates all of its input,
then calls `raise_if_any()` so the client sees every mistake at once and nothing is written.
References by global ID are decoded and looked up here, so a malformed ID, an ID of another type
and an ID naming nothing each get their own code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from resolvers.core import globalid
from resolvers.core.errors import ClientError, ErrorCode, MutationAborted, Problem
from resolvers.core.nodes import NODE_MODELS

T = TypeVar("T")
Path = Sequence[str]
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")
#: the longest text any argument takes (a scenario's TOML); each field checks its own, smaller bound
MAX_INPUT_CHARS = 100_000


def input_problems(value: Any, path: Path) -> list[Problem]:
    """What every argument of every root field must be, checked before its resolver runs
    (schema/core/checked.py): no text holds a NUL character (PostgreSQL cannot store one) nor is
    longer than MAX_INPUT_CHARS. `value` is an argument as sent (dicts, lists, scalars)."""
    if isinstance(value, str):
        if "\x00" in value:
            return [Problem(tuple(path), f"{_dotted(path)}: must not contain NUL characters (\\u0000)",
                            ErrorCode.INVALID)]
        if len(value) > MAX_INPUT_CHARS:
            return [Problem(tuple(path), f"{_dotted(path)}: {len(value):,} characters; at most {MAX_INPUT_CHARS:,}",
                            ErrorCode.OUT_OF_RANGE)]
        return []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in input_problems(item, [*path, str(key)])]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in input_problems(item, [*path, str(index)])]
    return []


def _dotted(path: Path) -> str:
    return ".".join(path[1:] if path and path[0] == "input" else path)


class Checks:
    """A problem list for one mutation input."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.problems: list[Problem] = []
        self._found: dict[tuple[str, str], Any] = {}  # rows `ref` found, for the next references to them

    def add(self, path: Path, message: str, code: ErrorCode) -> None:
        self.problems.append(Problem(tuple(path), message, code))

    def raise_if_any(self) -> None:
        if self.problems:
            raise MutationAborted(self.problems)

    def name(self, value: str | None, path: Path, *, max_length: int = 200) -> str:
        """A required, stripped text; REQUIRED when blank, INVALID when too long."""
        text = (value or "").strip()
        if not text:
            self.add(path, f"{_dotted(path)} must not be empty", ErrorCode.REQUIRED)
        elif len(text) > max_length:
            self.add(path, f"{_dotted(path)} is longer than {max_length} characters", ErrorCode.INVALID)
        return text

    def text(self, value: str | None, path: Path, *, max_length: int = 2000) -> str:
        text = (value or "").strip()
        if len(text) > max_length:
            self.add(path, f"{_dotted(path)} is longer than {max_length} characters", ErrorCode.INVALID)
        return text

    def phone(self, value: str | None, path: Path, *, required: bool = False) -> str | None:
        text = (value or "").strip()
        if not text:
            if required:
                self.add(path, f"{_dotted(path)} must not be empty", ErrorCode.REQUIRED)
            return None
        if not PHONE.match(text):
            # The message never repeats the number.
            self.add(path, f"{_dotted(path)} is not a phone number: digits, spaces, '-' and a leading '+'",
                     ErrorCode.INVALID)
        return text

    def location(self, location: Any, path: Path) -> None:
        if not -90 <= location.lat <= 90:
            self.add([*path, "lat"], f"{_dotted([*path, 'lat'])} must be within -90..90", ErrorCode.OUT_OF_RANGE)
        if not -180 <= location.lon <= 180:
            self.add([*path, "lon"], f"{_dotted([*path, 'lon'])} must be within -180..180",
                     ErrorCode.OUT_OF_RANGE)

    def in_range(self, value: float | None, low: float, high: float | None, path: Path) -> None:
        if value is None:
            return
        if value < low or (high is not None and value > high):
            bound = f"within {low}..{high}" if high is not None else f"at least {low}"
            self.add(path, f"{_dotted(path)} must be {bound}", ErrorCode.OUT_OF_RANGE)

    def ref(self, global_id: str | None, type_name: str, path: Path) -> Any:
        """The ORM row a global ID names; None if `global_id` is None or after recording a problem,
        so after `raise_if_any()` a required reference is always a row."""
        if global_id is None:
            return None
        found = self._found.get((type_name, global_id))
        if found is not None:
            return found
        try:
            pk = globalid.decode_as(global_id, type_name, path)
        except ClientError as exc:
            self.add(path, f"{_dotted(path)}: {str(exc).split(': ', 1)[-1]}", exc.code)
            return None
        model = NODE_MODELS[type_name]
        row = self.session.get(model, pk)
        if row is None:
            self.add(path, f"{_dotted(path)}: no {type_name} has this ID", ErrorCode.NOT_FOUND)
        else:
            self._found[(type_name, global_id)] = row
        return row

    def unique(self, column: Any, value: Any, path: Path, what: str) -> None:
        """DUPLICATE when another row already has `value` in the unique `column`."""
        if value and self.session.scalar(select(column).where(column == value).limit(1)) is not None:
            self.add(path, f"{_dotted(path)}: a {what} with this value already exists", ErrorCode.DUPLICATE)
