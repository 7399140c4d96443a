"""Errors of the database layer: expected failures that callers turn into user-facing messages.

Exception tree::

    DbError                      base; `.code` (stable, UPPER_SNAKE) and `.field` (model attribute)
    ├── TreeError                a unit-tree rule is broken (db/tree.py)
    │     codes: NOT_FOUND, PARENT_NOT_FOUND, LEVEL_MISMATCH, CENTER_HAS_PARENT, CYCLE,
    │            NOT_A_CENTER
    └── IdNumberError            a national ID number is malformed (db/identity.py)
          codes: ID_NUMBER_FORMAT, ID_NUMBER_REGION, ID_NUMBER_BIRTH_DATE, ID_NUMBER_CHECKSUM

Every message says what is wrong and what to do; none repeats personal data (an ID number or a
phone is never part of a message). Integrity violations from the database itself (a duplicate
code or fingerprint) stay `sqlalchemy.exc.IntegrityError`; see `db.queries` for checks that find
duplicates before writing.
"""

from __future__ import annotations


class DbError(Exception):
    """Base of the database layer's expected errors."""

    code: str = "DB_ERROR"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, message={self.message!r})"


class TreeError(DbError):
    """A create or move would break the center -> institute -> station tree."""

    code = "TREE_ERROR"


class IdNumberError(DbError):
    """A national (PRC resident) ID number is malformed; the message never repeats the number."""

    code = "ID_NUMBER_FORMAT"
