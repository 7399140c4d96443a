"""Expected failures of the dispatch workflow and the one-transaction runner of its mutations.

`DispatchErrorCode` holds every code of `resolvers.core.errors.ErrorCode` (so input checks made with
`resolvers.core.validation.Checks` keep their codes) plus the workflow's own:

    ILLEGAL_TRANSITION   the order's status does not allow this step (e.g. review a cancelled order)
    EMPTY_SCOPE          a run over a scope and dates with no reviewed order to dispatch
    RUN_NOT_READY        the run has not SUCCEEDED (still running, failed, cancelled)
    ALREADY_COMMITTED    the run was committed before
    BOOKING_CONFLICT     since the run, a proposed volunteer was booked elsewhere at an overlapping time
    ORDER_CHANGED        since the run, an order changed (status or version)
    RULE_BROKEN          a proposal edit breaks a hard rule of the engine (H1..H10)
    NOT_YOUR_TASK        the acting volunteer is not the one the task belongs to
    TASK_STATE           the task's status does not allow this step (accept a declined task, ...)
    NOT_CHECKED_IN       check-out before check-in
    ALREADY_RATED        an order is rated once

`run_mutation(info, work)` is `resolvers.core.mutation.run` for these codes: `work(session)` raises
`MutationAborted` with `Problem`s (whose codes may be either enum) and nothing is written; after a
successful commit the callbacks queued with `after_commit` run (live notifications).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.errors import DbError
from resolvers.core.errors import ErrorCode, MutationAborted, Problem

if TYPE_CHECKING:
    from wenming.context import Info

T = TypeVar("T")

_OWN_CODES = (
    "ILLEGAL_TRANSITION", "EMPTY_SCOPE", "RUN_NOT_READY", "ALREADY_COMMITTED", "BOOKING_CONFLICT",
    "ORDER_CHANGED", "RULE_BROKEN", "NOT_YOUR_TASK", "TASK_STATE", "NOT_CHECKED_IN", "ALREADY_RATED",
)

DispatchErrorCode = StrEnum(  # type: ignore[misc]
    "DispatchErrorCode", [(c.value, c.value) for c in ErrorCode] + [(c, c) for c in _OWN_CODES]
)
DispatchErrorCode.__doc__ = "Stable codes of the dispatch workflow's userErrors (a superset of ErrorCode)."


def abort(path: tuple[str, ...], message: str, code: str) -> MutationAborted:
    """A MutationAborted with one problem; `raise abort(...)`."""
    return MutationAborted([Problem(path, message, code)])  # type: ignore[arg-type]


@dataclass
class DispatchOutcome:
    """The mutation's value (None on failure) and its user errors as GraphQL objects."""

    value: Any
    errors: list[Any] = field(default_factory=list)


def user_error(p: Problem) -> Any:
    from schema.dispatch.types import DispatchUserError

    return DispatchUserError(field=list(p.field) or None, message=p.message, code=DispatchErrorCode(str(p.code)))


_AFTER_COMMIT = "wenming_dispatch_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the current mutation has committed (never when it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def run_mutation(info: Info, work: Callable[[Session], T], mapper: Callable[[T], Any] | None = None
                 ) -> DispatchOutcome:
    """Run `work` in the request session's transaction, all or nothing (see the module docstring)."""
    session = info.context.session
    session.info.pop(_AFTER_COMMIT, None)
    try:
        value = work(session)
        session.commit()
    except MutationAborted as exc:
        session.rollback()
        return DispatchOutcome(None, [user_error(p) for p in exc.problems])
    except DbError as exc:
        session.rollback()
        return DispatchOutcome(None, [user_error(Problem(("input",), exc.message, ErrorCode.INVALID))])
    except StaleDataError:
        session.rollback()
        message = "the object was changed by someone else meanwhile: read it again and retry"
        return DispatchOutcome(None, [user_error(Problem(("input",), message, ErrorCode.CONFLICT))])
    except BaseException:
        session.rollback()
        raise
    finally:
        callbacks = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:  # reached only after a successful commit
        callback()
    return DispatchOutcome(mapper(value) if mapper is not None else value)
