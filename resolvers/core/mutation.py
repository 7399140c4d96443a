"""The one mutation runner: one transaction per mutation, commit on success, roll back on any
problem or error; the same rule for every domain.

`run(info, work, mapper)` calls `work(session)`, which validates, raises `MutationAborted` with
every problem found, or writes and returns the written row (`mapper`, usually one of the
schema's presenters, turns it into the payload's object). Expected database refusals (a tree
rule, an ID number, a concurrent update, a unique value taken meanwhile) become problems with
their stable codes. Anything else rolls back and propagates: the app logs it with its traceback
and the operation path (wenming/errors.py) and masks it as "Unexpected error.".

After a successful commit, the callbacks queued with `after_commit(session, fn)` run (live
notifications, starting background runs); after a rollback they are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.errors import DbError
from resolvers.core.errors import ErrorCode, MutationAborted, Problem

if TYPE_CHECKING:
    from resolvers.core.context import Info

T = TypeVar("T")

#: db/ model attribute -> GraphQL input field, for refusals raised by db/ (tree, identity).
DB_FIELDS = {"parent_id": "parent", "unit_id": "unit", "id_number": "idNumber", "id": "id"}
#: db/ codes spelled differently in the API (the others are the same names).
DB_CODES = {"PARENT_NOT_FOUND": ErrorCode.NOT_FOUND}


@dataclass
class Outcome(Generic[T]):
    """The result of a mutation: the object (None on failure) and the user errors."""

    value: T | None
    errors: list[Any] = field(default_factory=list)


def user_error(info: Info, p: Problem) -> Any:
    """The schema's `UserError` for a problem."""
    return info.context.present.user_error(p)


_AFTER_COMMIT = "wenming_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the current mutation has committed (never when it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def db_problem(exc: DbError, path: tuple[str, ...] | None = None) -> Problem:
    """A Problem from a db/ refusal, at the input field it names (or `path`)."""
    if path is None:
        path = ("input", DB_FIELDS.get(exc.field or "", exc.field or "")) if exc.field else ("input",)
    code = DB_CODES.get(exc.code) or ErrorCode.__members__.get(exc.code, ErrorCode.INVALID)
    return Problem(path, exc.message, code)


def is_unique_violation(exc: IntegrityError) -> bool:
    """True when the database refused a duplicate value (not a foreign key or CHECK failure)."""
    original = exc.orig
    return (
        getattr(original, "sqlstate", None) == "23505"  # PostgreSQL unique_violation
        or getattr(original, "sqlite_errorname", None) in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
    )


def run(
    info: Info,
    work: Callable[[Session], T],
    mapper: Callable[[T], Any] | None = None,
    on_duplicate: Callable[[Session], Outcome[Any]] | None = None,
) -> Outcome[Any]:
    """Run `work` in the request session's transaction, all or nothing.

    A unique value checked free by `work` can still be taken by a concurrent request before the
    commit; the database then refuses it. That refusal is answered by `on_duplicate` (after the
    rollback) or as a CONFLICT user error asking to retry. Other integrity errors are bugs in the
    validation and propagate (logged and masked).
    """
    session = info.context.session
    session.info.pop(_AFTER_COMMIT, None)
    problems: list[Problem] = []
    try:
        value = work(session)
        session.flush()
        # presented before the commit: a failure to present rolls back too, never "saved, then an error"
        presented = mapper(value) if mapper is not None else value
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if not is_unique_violation(exc):
            raise
        if on_duplicate is not None:
            return on_duplicate(session)
        problems = [Problem(("input",), "a concurrent request stored the same unique value first: read again "
                                        "and retry", ErrorCode.CONFLICT)]
    except MutationAborted as exc:
        session.rollback()
        problems = exc.problems
    except DbError as exc:
        session.rollback()
        problems = [db_problem(exc)]
    except StaleDataError:
        session.rollback()
        problems = [Problem(("input", "id"), "the object was changed by someone else meanwhile: read it again "
                                             "and retry", ErrorCode.CONFLICT)]
    except BaseException:
        session.rollback()
        raise
    finally:
        callbacks = session.info.pop(_AFTER_COMMIT, [])
    if problems:
        return Outcome(None, [user_error(info, p) for p in problems])
    for callback in callbacks:  # reached only after a successful commit
        callback()
    return Outcome(presented)
