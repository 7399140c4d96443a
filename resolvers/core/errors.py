"""Expected failures of the API and the codes clients can rely on.

Exception tree::

    ClientError          a malformed request to a query (bad global ID, page size over the
                         maximum, bad cursor): becomes a GraphQL error with `extensions.code`;
                         it is never masked because it holds nothing internal
    MutationAborted      raised inside a mutation to stop at the first blocking problem; the
                         mutation rolls back and returns the collected `userErrors`

`Problem` is the data behind one `userErrors` entry: the input path as a list of names (for
example ["input", "location", "lat"]), a message saying what to do, and a stable `ErrorCode`.
Messages never repeat personal data (phones, ID numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes of `userErrors` entries and of GraphQL error `extensions.code`."""

    REQUIRED = "REQUIRED"  # an empty or blank value where one is needed
    INVALID = "INVALID"  # a value of the wrong shape (e.g. a bad phone, a bad time)
    OUT_OF_RANGE = "OUT_OF_RANGE"  # coordinates, levels, counts outside their range
    MALFORMED_ID = "MALFORMED_ID"  # not a global ID at all
    WRONG_TYPE = "WRONG_TYPE"  # a global ID of another type than the field expects
    NOT_FOUND = "NOT_FOUND"  # a well-formed ID that names nothing
    DUPLICATE = "DUPLICATE"  # a code, volunteer number or ID number already registered
    LEVEL_MISMATCH = "LEVEL_MISMATCH"  # the tree levels would break (institute under a center, ...)
    CENTER_HAS_PARENT = "CENTER_HAS_PARENT"  # a center cannot sit under another unit
    CYCLE = "CYCLE"  # a move under the unit's own subtree
    NOT_A_CENTER = "NOT_A_CENTER"  # departments belong to centers only
    HAS_CHILDREN = "HAS_CHILDREN"  # a unit with children cannot be deleted
    IN_USE = "IN_USE"  # a unit still referenced by teams, volunteers, orders, ...
    ID_NUMBER_FORMAT = "ID_NUMBER_FORMAT"
    ID_NUMBER_REGION = "ID_NUMBER_REGION"
    ID_NUMBER_BIRTH_DATE = "ID_NUMBER_BIRTH_DATE"
    ID_NUMBER_CHECKSUM = "ID_NUMBER_CHECKSUM"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"  # a key reused with a different order
    NOT_OFFERED = "NOT_OFFERED"  # the item is not on the unit's effective menu
    PAGE_SIZE = "PAGE_SIZE"  # `first` over the maximum page size, or negative
    INVALID_CURSOR = "INVALID_CURSOR"
    CONFLICT = "CONFLICT"  # a concurrent write changed the object first; retry
    UNAUTHENTICATED = "UNAUTHENTICATED"  # no valid credential: log in (resolvers/access/auth.py)
    FORBIDDEN = "FORBIDDEN"  # the caller's roles do not allow this (resolvers/access/policy.py)
    LOGIN_FAILED = "LOGIN_FAILED"  # wrong name or password, or locked; never says which
    RATE_LIMITED = "RATE_LIMITED"  # too many requests; retry after the time given (wenming/limits.py)
    TIMEOUT = "TIMEOUT"  # the operation ran over its time budget (WENMING_EXECUTION_SECONDS); ask for less
    INTERNAL = "INTERNAL"  # an unexpected failure of the server, masked; quote `requestId` when reporting it
    TOO_LARGE = "TOO_LARGE"  # a list over its bound (e.g. a subtree of more units than `descendants` hands out)
    # the order and dispatch workflow
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"  # the order's status does not allow this step
    EMPTY_SCOPE = "EMPTY_SCOPE"  # a run over a scope and dates with no reviewed order to dispatch
    RUN_NOT_READY = "RUN_NOT_READY"  # the run has not SUCCEEDED (still running, failed, cancelled)
    ALREADY_COMMITTED = "ALREADY_COMMITTED"  # the run was committed before
    BOOKING_CONFLICT = "BOOKING_CONFLICT"  # since the run, a proposed volunteer was booked elsewhere
    ORDER_CHANGED = "ORDER_CHANGED"  # since the run, an order changed (status or version)
    RULE_BROKEN = "RULE_BROKEN"  # a proposal edit breaks a hard rule of the engine (H1..H10)
    NOT_YOUR_TASK = "NOT_YOUR_TASK"  # the acting volunteer is not the one the task belongs to
    TASK_STATE = "TASK_STATE"  # the task's status does not allow this step (accept a declined task, ...)
    NOT_CHECKED_IN = "NOT_CHECKED_IN"  # check-out before check-in
    ALREADY_RATED = "ALREADY_RATED"  # an order is rated once
    # volunteers' requests staff decide (time claims, change requests)
    REQUEST_PENDING = "REQUEST_PENDING"  # a pending request of the same kind exists: withdraw it or await it
    REQUEST_STATE = "REQUEST_STATE"  # the request is no longer PENDING (decided or withdrawn)
    OWN_REQUEST = "OWN_REQUEST"  # nobody decides a request of his own (nor one about himself)
    # the points ledger and the exchange mall
    NOT_YOUR_POINTS = "NOT_YOUR_POINTS"  # a volunteer spends his own points only
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"  # the balance does not cover it
    OUT_OF_STOCK = "OUT_OF_STOCK"  # the item's stock does not cover the quantity
    OVER_LIMIT = "OVER_LIMIT"  # more of the item than one person may redeem
    NOT_AVAILABLE = "NOT_AVAILABLE"  # the item is withdrawn, or outside its valid period
    REDEMPTION_STATE = "REDEMPTION_STATE"  # the redemption was picked up or cancelled already
    ALREADY_REVERSED = "ALREADY_REVERSED"  # a ledger transaction is reversed once
    NOT_REVERSIBLE = "NOT_REVERSIBLE"  # redemptions are undone by cancelling them, reversals not at all
    # record certificates
    NO_SERVICE_RECORDED = "NO_SERVICE_RECORDED"  # the unit recorded no service of the volunteer in the period
    # training
    NOT_ENROLLED = "NOT_ENROLLED"  # attendance or an assessment for a volunteer not enrolled in the session
    NOT_ATTENDED = "NOT_ATTENDED"  # an assessment of a volunteer whose attendance is not recorded
    ALREADY_ASSESSED = "ALREADY_ASSESSED"  # an enrolment is assessed once (a pass has issued its certificate)
    SESSION_FULL = "SESSION_FULL"  # more enrolments than the session's capacity
    # subsidies and allowances
    OVERLAP = "OVERLAP"  # a rule would pay (or cap) the same days twice: another of its kind covers them


@dataclass(frozen=True, slots=True)
class Problem:
    """One `userErrors` entry: where (input path), what to do (message), and a stable code."""

    field: tuple[str, ...]
    message: str
    code: ErrorCode


class ClientError(Exception):
    """A malformed query request; shown to the client as a GraphQL error with a code."""

    def __init__(self, message: str, code: ErrorCode, field: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.field = tuple(field)
        # graphql-core copies `extensions` of the original error onto the located GraphQL error.
        self.extensions: dict[str, object] = {"code": code.value}
        if self.field:
            self.extensions["field"] = list(self.field)


class MutationAborted(Exception):
    """Stop a mutation: its transaction is rolled back and these problems become `userErrors`."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


def problem(path: Sequence[str], message: str, code: ErrorCode) -> Problem:
    """Shorthand for a `Problem` at an input path such as ("input", "name")."""
    return Problem(tuple(path), message, code)


def abort(path: Sequence[str], message: str, code: ErrorCode | str) -> MutationAborted:
    """A MutationAborted with one problem; `raise abort(...)` (an unknown code is a ValueError)."""
    return MutationAborted([Problem(tuple(path), message, ErrorCode(code))])
