"""Exceptions raised by the matching library.

```
MatchingError            base of everything this package raises on purpose
 ├── ProblemError        a problem (JSON or dict) breaks the format or refers to unknown ids;
 │                       the message starts with the JSON path, e.g. `requests[12].time.latest_end`
 └── ResultError         a result JSON breaks the result format
```
Both are `ValueError`s: the input is wrong, fix the file named in the message and retry.
An infeasible problem is not an error: `solve` returns a normal result saying so.
"""

from __future__ import annotations


class MatchingError(Exception):
    """Base class of the errors raised by `matching`."""


class ProblemError(MatchingError, ValueError):
    """A problem is malformed; `path` is the JSON path of the offending value ("" = whole file)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


class ResultError(MatchingError, ValueError):
    """A result document is malformed; `path` names the offending value."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)
