"""Monthly subsidy batches: computed from completed tasks and approved hours, approved by another
account, corrected after approval by adjustment lines only.

A batch of unit U and month M pays the COMPLETED tasks on orders served in U's subtree whose
service starts in M (Asia/Shanghai wall clock), by U's rules in force on the task's day:
- transport: the flat rule, or the band holding the task's travel distance, per task;
- living: per approved hour (the service record's credit minutes: check-out or an approved time
  claim; rounded to the fen) per task, or per approved service day (a day with credited minutes),
  the day's first task earning it;
- the lowest cap among U's caps in force during M: a CAP line (negative) brings a volunteer's
  month down to it.
A task already paid by another batch (another unit's) earns nothing again.

`compute` writes the lines of a new or PROPOSED batch (replacing the old ones, the caller now its
proposer) and leaves an APPROVED batch exactly as it is; `driftFen` then tells what computing it
now would pay more (or less) than its approved lines, the correction to propose. `approve` is never by the proposer nor
by a volunteer the batch pays; it stamps every line. An adjustment (a signed amount with its
reason) is added to an approved batch and approved the same way. Totals are sums of lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models
from db.models.base import utcnow
from db.models.dispatch import AssignmentStatus
from db.models.subsidies import BatchState, LineKind, SubsidyKind
from db.queries import subtree_condition
from db.session import lock_for_write
from resolvers.core import globalid
from resolvers.core.context import actor_account_id
from resolvers.core.errors import ClientError, ErrorCode, abort
from resolvers.core.mutation import Outcome
from resolvers.core.mutation import run as run_mutation
from resolvers.core.pagination import paginate
from resolvers.core.validation import Checks
from resolvers.subsidies.rules import band_text

if TYPE_CHECKING:
    from resolvers.core.context import Info

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: The largest adjustment, in fen (either sign).
MAX_ADJUSTMENT_FEN = 10_000_000
BATCH = ("input", "batch")


MONTH_FORMAT = "give the month as YYYY-MM (2000-01 .. 2999-12)"


def parse_month(value: str) -> dt.date | None:
    """The first day of "YYYY-MM"; None when it is not a month."""
    match = MONTH.match(value or "")
    if match is None or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2999:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}¥{abs(fen) // 100}.{abs(fen) % 100:02d}"


@dataclass(frozen=True)
class Line:
    """A computed line, before it is written (compared with the written ones to tell a change)."""

    volunteer_id: int
    kind: LineKind
    amount_fen: int
    rule_id: int | None
    assignment_id: int | None
    day: dt.date | None
    quantity: int
    basis: str


def _in_force(rules: list[models.SubsidyRule], day: dt.date, *kinds: SubsidyKind) -> list[models.SubsidyRule]:
    return [r for r in rules if r.kind in kinds and r.valid_from <= day <= r.valid_until]


def _transport(rules: list[models.SubsidyRule], day: dt.date, metres: int) -> models.SubsidyRule | None:
    for rule in _in_force(rules, day, SubsidyKind.TRANSPORT_FLAT, SubsidyKind.TRANSPORT_BAND):
        if rule.kind == SubsidyKind.TRANSPORT_FLAT:
            return rule
        if (rule.min_metres or 0) <= metres and (rule.max_metres is None or metres < rule.max_metres):
            return rule
    return None


def compute_lines(session: Session, unit: models.Unit, month: dt.date, batch_id: int | None) -> list[Line]:
    """The lines the batch of `unit` and `month` pays now (see the module docstring)."""
    end = next_month(month)
    R = models.SubsidyRule
    rules = list(session.scalars(select(R).where(R.unit_id == unit.id, R.withdrawn_at.is_(None),
                                                 R.valid_from < end, R.valid_until >= month).order_by(R.id)))
    if not rules:
        return []
    A, SR, Ord = models.Assignment, models.ServiceRecord, models.Order
    served = (A.status == AssignmentStatus.COMPLETED, A.start >= dt.datetime.combine(month, dt.time()),
              A.start < dt.datetime.combine(end, dt.time()), subtree_condition(unit.path))
    tasks = session.execute(
        select(A.id, A.volunteer_id, A.start, A.distance_km, SR.credit_minutes)
        .join(Ord, Ord.id == A.order_id).join(models.Unit, models.Unit.id == Ord.unit_id)
        .outerjoin(SR, SR.assignment_id == A.id).where(*served).order_by(A.start, A.id)).all()
    # what other batches (whichever unit's) paid already: ids only, read through the connection
    L, R_ = models.SubsidyLine.__table__, models.SubsidyRule.__table__
    other = L.c.batch_id != batch_id if batch_id is not None else L.c.batch_id.isnot(None)
    month_tasks = (select(A.id).join(Ord, Ord.id == A.order_id).join(models.Unit, models.Unit.id == Ord.unit_id)
                   .where(*served))
    connection = session.connection()
    taken = {(a, LineKind(k)) for a, k in connection.execute(
        select(L.c.assignment_id, L.c.kind).where(L.c.assignment_id.in_(month_tasks), other))}
    days_taken = {(v, d) for v, d in connection.execute(
        select(L.c.volunteer_id, L.c.day).join(R_, R_.c.id == L.c.rule_id)
        .where(R_.c.kind == SubsidyKind.LIVING_DAY, L.c.day >= month, L.c.day < end, other))}
    lines: list[Line] = []
    for aid, vid, start, km, minutes in tasks:
        day = start.date()
        metres = round((km or 0.0) * 1000)
        rule = _transport(rules, day, metres)
        if rule is not None and rule.amount_fen > 0 and (aid, LineKind.TRANSPORT) not in taken:
            band = rule.kind == SubsidyKind.TRANSPORT_BAND
            how = f"{metres / 1000:g} km, {band_text(rule.min_metres, rule.max_metres)}" if band else "flat"
            lines.append(Line(vid, LineKind.TRANSPORT, rule.amount_fen, rule.id, aid, day,
                              metres if band else 1,
                              f"transport: task of {day}, {how}"))
        credited = minutes or 0
        if credited <= 0 or (aid, LineKind.LIVING) in taken:
            continue
        for rule in _in_force(rules, day, SubsidyKind.LIVING_HOUR, SubsidyKind.LIVING_DAY):
            if rule.kind == SubsidyKind.LIVING_HOUR:
                amount = (credited * rule.amount_fen + 30) // 60
                basis = f"living: task of {day}, {credited} approved minutes at {yuan(rule.amount_fen)} an hour"
                quantity = credited
            elif (vid, day) in days_taken:
                continue
            else:
                days_taken.add((vid, day))
                amount, quantity = rule.amount_fen, 1
                basis = f"living: approved service day {day}"
            if amount > 0:
                lines.append(Line(vid, LineKind.LIVING, amount, rule.id, aid, day, quantity, basis))
            break
    caps = [r for r in rules if r.kind == SubsidyKind.MONTHLY_CAP]
    if caps:
        cap = min(caps, key=lambda r: (r.amount_fen, r.id))
        earned: dict[int, int] = defaultdict(int)
        for line in lines:
            earned[line.volunteer_id] += line.amount_fen
        for vid in sorted(earned):
            if earned[vid] > cap.amount_fen:
                lines.append(Line(vid, LineKind.CAP, cap.amount_fen - earned[vid], cap.id, None, None, 1,
                                  f"cap: {yuan(earned[vid])} earned, {yuan(cap.amount_fen)} at most a month"))
    return lines


def _written(session: Session, batch_id: int) -> list[Line]:
    L = models.SubsidyLine
    return [Line(r.volunteer_id, r.kind, r.amount_fen, r.rule_id, r.assignment_id, r.day, r.quantity, r.basis)
            for r in session.scalars(select(L).where(L.batch_id == batch_id, L.kind != LineKind.ADJUSTMENT)
                                     .order_by(L.id))]


@dataclass(frozen=True)
class Computed:
    """A batch after `compute`, and whether its lines changed."""

    batch: models.SubsidyBatch
    changed: bool


def compute(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> Computed:
        lock_for_write(session)
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        month = parse_month(data.month)
        if month is None:
            checks.add(("input", "month"), MONTH_FORMAT, ErrorCode.INVALID)
        checks.raise_if_any()
        assert month is not None
        B = models.SubsidyBatch
        batch = session.scalar(select(B).where(B.unit_id == unit.id, B.month == month).with_for_update())
        if batch is not None and batch.state == BatchState.APPROVED:
            return Computed(batch, False)  # approved: frozen; a correction is an adjustment line
        lines = compute_lines(session, unit, month, batch.id if batch is not None else None)
        account = actor_account_id(info)
        now = utcnow()
        if batch is None:
            batch = B(unit_id=unit.id, month=month, state=BatchState.PROPOSED, proposed_by_account_id=account,
                      proposed_at=now)
            session.add(batch)
            session.flush()
            changed = True
        else:
            changed = _written(session, batch.id) != lines
            batch.proposed_by_account_id, batch.proposed_at = account, now
            for old in session.scalars(select(models.SubsidyLine).where(models.SubsidyLine.batch_id == batch.id)):
                session.delete(old)
            session.flush()
        session.add_all([models.SubsidyLine(batch_id=batch.id, volunteer_id=x.volunteer_id, kind=x.kind,
                                            amount_fen=x.amount_fen, rule_id=x.rule_id, assignment_id=x.assignment_id,
                                            day=x.day, quantity=x.quantity, basis=x.basis,
                                            proposed_by_account_id=account, proposed_at=now) for x in lines])
        session.flush()
        return Computed(batch, changed)

    return run_mutation(info, work, info.context.present.subsidy_computed)


def _not_own(info: Info, proposer: int, volunteers: set[int], path: tuple[str, ...]) -> None:
    caller = info.context.auth.caller
    if caller.account_id == proposer or volunteers & set(caller.volunteer_ids):
        raise abort(path, "you proposed this, or it pays you: another member of staff approves it",
                    ErrorCode.OWN_REQUEST)


def approve(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.SubsidyBatch:
        lock_for_write(session)
        batch: models.SubsidyBatch = globalid.load(session, data.batch, "SubsidyBatch", BATCH, lock=True)
        if batch.state != BatchState.PROPOSED:
            raise abort(BATCH, f"the batch is {batch.state}; only a PROPOSED batch is approved",
                        ErrorCode.ILLEGAL_TRANSITION)
        L = models.SubsidyLine
        lines = list(session.scalars(select(L).where(L.batch_id == batch.id)))
        _not_own(info, batch.proposed_by_account_id, {x.volunteer_id for x in lines}, BATCH)
        now, account = utcnow(), actor_account_id(info)
        batch.state, batch.approved_by_account_id, batch.approved_at = BatchState.APPROVED, account, now
        for line in lines:
            line.approved_by_account_id, line.approved_at = account, now
        session.flush()
        return batch

    return run_mutation(info, work, info.context.present.subsidy_batch)


def adjustment_propose(info: Info, data: Any) -> Outcome[Any]:
    """A correction of an approved batch: a new line (signed amount, reason), pending approval."""
    def work(session: Session) -> models.SubsidyLine:
        checks = Checks(session)
        batch: models.SubsidyBatch = globalid.load(session, data.batch, "SubsidyBatch", BATCH, lock=True)
        volunteer = checks.ref(data.volunteer, "Volunteer", ("input", "volunteer"))
        if data.amount_fen == 0 or abs(data.amount_fen) > MAX_ADJUSTMENT_FEN:
            checks.add(("input", "amountFen"), f"an adjustment is a non-zero amount within ±{MAX_ADJUSTMENT_FEN} fen",
                       ErrorCode.OUT_OF_RANGE)
        reason = checks.name(data.reason, ("input", "reason"), max_length=500)
        checks.raise_if_any()
        if batch.state != BatchState.APPROVED:
            raise abort(BATCH, "the batch is not approved yet: compute it again instead", ErrorCode.ILLEGAL_TRANSITION)
        line = models.SubsidyLine(batch_id=batch.id, volunteer_id=volunteer.id, kind=LineKind.ADJUSTMENT,
                                  amount_fen=data.amount_fen, quantity=1, basis=f"adjustment: {reason}",
                                  proposed_by_account_id=actor_account_id(info), proposed_at=utcnow())
        session.add(line)
        session.flush()
        return line

    return run_mutation(info, work, info.context.present.subsidy_line)


def adjustment_approve(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.SubsidyLine:
        path = ("input", "line")
        line: models.SubsidyLine = globalid.load(session, data.line, "SubsidyLine", path, lock=True)
        if line.kind != LineKind.ADJUSTMENT or line.approved_at is not None:
            raise abort(path, "only a pending adjustment line is approved", ErrorCode.ILLEGAL_TRANSITION)
        _not_own(info, line.proposed_by_account_id, {line.volunteer_id}, path)
        line.approved_by_account_id, line.approved_at = actor_account_id(info), utcnow()
        session.flush()
        return line

    return run_mutation(info, work, info.context.present.subsidy_line)


def batch_of(info: Info, unit: str, month: str) -> models.SubsidyBatch | None:
    pk = globalid.decode_as(unit, "Unit", ("unit",))
    first = parse_month(month)
    if first is None:
        raise ClientError(f"month: {MONTH_FORMAT}", ErrorCode.INVALID, ("month",))
    B = models.SubsidyBatch
    return info.context.session.scalar(select(B).where(B.unit_id == pk, B.month == first))


def totals(session: Session, batch_id: int) -> tuple[int, int]:
    """(approved fen, pending fen) of a batch: sums of its lines."""
    L = models.SubsidyLine
    rows = dict(session.execute(select(L.approved_at.isnot(None), func.coalesce(func.sum(L.amount_fen), 0))
                                .where(L.batch_id == batch_id).group_by(L.approved_at.isnot(None))).all())
    return int(rows.get(True, 0)), int(rows.get(False, 0))


def drift(session: Session, batch: models.SubsidyBatch) -> int:
    """What computing the batch now would pay, less what its approved lines (adjustments included)
    pay, in fen: the correction still to make (0 for a proposed batch, which is computed again instead)."""
    if batch.state != BatchState.APPROVED:
        return 0
    unit = session.get(models.Unit, batch.unit_id)
    if unit is None:
        return 0
    now = sum(x.amount_fen for x in compute_lines(session, unit, batch.month, batch.id))
    return now - totals(session, batch.id)[0]


def lines_page(info: Info, batch_id: int, first: int | None, after: str | None) -> Any:
    L = models.SubsidyLine
    return paginate(info.context, select(L).where(L.batch_id == batch_id), L.id, info.context.present.subsidy_line,
                    first, after)
