"""The import framework: a kind declares its columns and how valid rows are written; this module
reads the file, checks every cell and every row, and writes through the kind in one transaction.

A run is always the same three steps, so a dry run sees exactly what an apply would:

1. **Cells**: the header is matched to the kind's columns (its Chinese header or its key); each
   cell is parsed by its column (REQUIRED when a required cell is blank, INVALID or OUT_OF_RANGE
   when it does not parse); a value of a column declared unique that an earlier row already had
   is a DUPLICATE naming that row.
2. **Rows**, in chunks of `CHUNK_ROWS`: the kind checks the chunk's rows whose cells parsed with
   the checks of the API's write path (reading what they name, one query per chunk rather than
   per row) and writes the rows that pass, in bulk, through the caller's restricted session (the
   access policy checks every row); a refused row is not written and its problems become its
   errors, at the columns the refused input fields belong to. Each chunk is a savepoint: should
   the database still refuse it (a value registered meanwhile), the chunk's rows are refused.
3. **End**: a dry run rolls everything back; an apply commits when no row failed, or with
   `skip_bad_rows` commits the rows that passed; otherwise it rolls back (all or nothing). An
   applied import is audited in the same transaction (db/models/imports.py): the run, and per
   row written the object and the names of the fields that changed, one INSERT per chunk.

The report names rows (as the spreadsheet numbers them: the header is row 1) and column headers,
with codes and messages that never repeat a cell's value: personal data is never echoed or logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, insert, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.errors import DbError
from db.models import ImportChange, ImportRun
from db.session import lock_for_write
from resolvers.core.errors import ErrorCode, MutationAborted, Problem
from resolvers.core.mutation import db_problem, is_unique_violation
from resolvers.imports.files import MAX_CELL_CHARS, ImportFileError, read_table, write_xlsx

#: the outcome of a row written: created, updated, or unchanged (idempotent re-import)
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
#: rows checked and written together (one query per chunk for what they name, one INSERT per table)
CHUNK_ROWS = 1000
ERROR_HEADER = "错误 errors"


class CellError(Exception):
    """A cell that does not parse; the message says what is expected, never what was found."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Column:
    """One column of a kind's file."""

    key: str  # English name, also accepted as the header
    header: str  # the Chinese header the template writes
    required: bool = False
    parse: Callable[[str], Any] = str  # non-blank text -> value; raises CellError
    fields: tuple[str, ...] = ()  # the write path's input fields (dotted prefixes) reported at this column
    note: str = ""  # what the template's notes sheet says about the column
    example: str = ""


@dataclass
class ImportContext:
    """What a kind's writer uses: the caller's restricted session, the caller and the settings."""

    session: Session
    caller: Any
    secret_key: str
    scope: Any = None  # the unit the import is confined to (its subtree), or None
    run_id: int | None = None  # the audited run of an apply (None: a dry run), set by run_import
    file_name: str = ""  # the file's name (not its path), set by run_import
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Written:
    """What one row did: its outcome (None: refused, with its problems), the object written and
    the names of the fields that changed (for the audit; never their values)."""

    outcome: str | None
    problems: Sequence[Problem] = ()
    subject_id: int | None = None
    fields: Sequence[str] = ()


def refused(*problems: Problem) -> Written:
    return Written(None, problems)


@dataclass(frozen=True)
class Kind:
    """What can be imported: columns, the natural key, in-file uniqueness and the writer."""

    name: str
    columns: tuple[Column, ...]
    key: str  # the column whose value names the row's object (re-imports update it)
    #: column key -> normaliser (None: the value is not compared); a repeat in the file is a DUPLICATE
    unique: Mapping[str, Callable[[Any], Any]]
    #: a chunk of rows whose cells parsed, (row number, values) -> what each did, by row number
    write: Callable[[ImportContext, list[tuple[int, dict[str, Any]]]], dict[int, Written]]
    refusal_column: str  # where a refusal of the row as a whole (the access policy) is reported
    subject_type: str  # what the audit calls the objects written ("Volunteer")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def column_for(self, path: Sequence[str]) -> Column:
        """The column an input path of the write path belongs to (the longest declared prefix)."""
        dotted = ".".join(path[1:] if path and path[0] == "input" else path)
        best: tuple[int, Column] | None = None
        for column in self.columns:
            for prefix in column.fields:
                if (dotted == prefix or dotted.startswith(prefix + ".")) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), column)
        return best[1] if best is not None else self.column(self.refusal_column)


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the column's header
    code: str
    message: str


@dataclass
class Report:
    """What a run found and did; `summary()` is its JSON."""

    kind: str
    dry_run: bool
    rows: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    header: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "dryRun": self.dry_run, "applied": self.applied, "rows": self.rows,
            "badRows": self.bad_rows, **self.outcomes,
            "errors": [{"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in self.errors],
        }

    def write_xlsx(self, path: Path) -> None:
        """The original rows with an error column (empty for a good row)."""
        by_row: dict[int, list[str]] = {}
        for e in self.errors:
            by_row.setdefault(e.row, []).append(f"{e.column}: {e.message} ({e.code})")

        def rows() -> Any:
            yield [*self.header, ERROR_HEADER]
            for number, cells in enumerate(self.table, start=2):
                yield [*cells, *[""] * (len(self.header) - len(cells)), "; ".join(by_row.get(number, []))]

        write_xlsx(path, [("report", rows())])


def among(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN values` for a chunk's values: on PostgreSQL `= ANY` of one array parameter (a
    thousand placeholders would be parsed by the driver in Python for each query)."""
    wanted = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=postgresql.ARRAY(column.type)))
    return column.in_(wanted)


def write_template(kind: Kind, path: Path) -> None:
    """An empty file of `kind` (its headers) with a second sheet of notes on every column."""
    notes = [["列 column", "键 key", "必填 required", "说明 notes", "示例 example"]]
    notes += [[c.header, c.key, "是 yes" if c.required else "", c.note, c.example] for c in kind.columns]
    write_xlsx(path, [(kind.name, [[c.header for c in kind.columns]]), ("说明 notes", notes)])


def _columns(kind: Kind, header: list[str]) -> list[Column | None]:
    by_name = {name: c for c in kind.columns for name in (c.header, c.key)}
    found: list[Column | None] = []
    for position, name in enumerate(header, start=1):
        if not name:
            found.append(None)
            continue
        column = by_name.get(name)
        if column is None:
            raise ImportFileError(f"column {position} of the header is not a column of {kind.name}: the template "
                                  f"(`wenming import template {kind.name}`) lists them")
        if column in found:
            raise ImportFileError(f"the column {column.header} appears twice in the header")
        found.append(column)
    missing = [c.header for c in kind.columns if c.required and c not in found]
    if missing:
        raise ImportFileError(f"required columns are missing from the header: {', '.join(missing)}")
    return found


def _parse_row(kind: Kind, columns: list[Column | None], cells: list[str], number: int,
               errors: list[RowError]) -> dict[str, Any]:
    values: dict[str, Any] = {c.key: None for c in kind.columns}
    given = {c.key: cells[i] if i < len(cells) else "" for i, c in enumerate(columns) if c is not None}
    for column in kind.columns:
        text = given.get(column.key, "")
        if not text:
            if column.required:
                errors.append(RowError(number, column.header, ErrorCode.REQUIRED.value, "must not be empty"))
            continue
        try:
            if len(text) > MAX_CELL_CHARS:
                raise CellError(f"is longer than {MAX_CELL_CHARS} characters")
            if "\x00" in text:
                raise CellError("must not contain NUL characters")
            values[column.key] = column.parse(text)
        except CellError as exc:
            errors.append(RowError(number, column.header, exc.code.value, str(exc)))
    return values


def guarded(context: ImportContext, kind: Kind, work: Callable[[], Written]) -> Written:
    """`work()` (one row's write through the API's path) in a savepoint: a refusal rolls back that
    row only and becomes its problems."""
    savepoint = context.session.begin_nested()
    try:
        written = work()
        context.session.flush()
    except (MutationAborted, DbError, IntegrityError, StaleDataError) as exc:
        savepoint.rollback()
        return refused(*_refusal(kind, exc))
    savepoint.commit()
    return written


def _refusal(kind: Kind, exc: Exception) -> list[Problem]:
    if isinstance(exc, MutationAborted):
        return list(exc.problems)
    if isinstance(exc, DbError):
        return [db_problem(exc)]
    if isinstance(exc, IntegrityError):
        if not is_unique_violation(exc):
            raise exc
        key = kind.column(kind.key)
        return [Problem(("input", *key.fields[:1]), f"{key.header} (or another unique value of the row) is "
                        "registered already, outside what you may see, or was registered meanwhile: ask the staff "
                        "above you, or run the import again", ErrorCode.DUPLICATE)]
    return [Problem(("input",), "the record was changed meanwhile: run the import again", ErrorCode.CONFLICT)]


def _write_chunk(context: ImportContext, kind: Kind, rows: list[tuple[int, dict[str, Any]]], report: Report,
                 run_id: int | None) -> None:
    """Write one chunk through the kind (a savepoint), record its outcomes, errors and audit."""
    if not rows:
        return
    session = context.session
    savepoint = session.begin_nested()
    try:
        written = kind.write(context, rows)
        session.flush()
    except (MutationAborted, DbError, IntegrityError, StaleDataError) as exc:
        savepoint.rollback()
        problems = _refusal(kind, exc)
        written = {number: refused(*problems) for number, _ in rows}
    else:
        savepoint.commit()
    changes = []
    for number, _ in rows:
        result = written[number]
        report.errors.extend(RowError(number, kind.column_for(p.field).header, p.code.value, p.message)
                             for p in result.problems)
        if result.outcome is None:
            continue
        report.outcomes[result.outcome] += 1
        if result.outcome != UNCHANGED and run_id is not None:
            changes.append({"run_id": run_id, "row": number, "subject_type": kind.subject_type,
                            "subject_id": result.subject_id, "outcome": result.outcome, "fields": list(result.fields)})
    if changes:  # the import's own audit, written beside the caller's rows (not a write of the caller's)
        session.connection().execute(insert(ImportChange), changes)


def run_import(context: ImportContext, kind: Kind, path: Path, *, dry_run: bool, skip_bad_rows: bool = False,
               progress: Callable[[int, int], None] | None = None) -> Report:
    """Import `path` as `kind` through `context` (see the module docstring); ImportFileError when
    the file as a whole cannot be read."""
    header, table = read_table(path)
    columns = _columns(kind, header)
    report = Report(kind.name, dry_run, header=header, table=table)
    seen: dict[str, dict[Any, int]] = {key: {} for key in kind.unique}
    session = context.session
    lock_for_write(session)  # the outer transaction, before the first chunk's savepoint
    try:
        run_id = None if dry_run else session.connection().execute(
            insert(ImportRun).values(account_id=context.caller.account_id, kind=kind.name).returning(ImportRun.id),
        ).scalar_one()
        context.run_id, context.file_name = run_id, path.name[:200]
        pending: list[tuple[int, dict[str, Any]]] = []
        for index, cells in enumerate(table):
            number = index + 2
            if any(cells):
                report.rows += 1
                errors: list[RowError] = []
                values = _parse_row(kind, columns, cells, number, errors)
                for key, normalise in kind.unique.items():
                    if values[key] is None:
                        continue
                    value = normalise(values[key])
                    if value is None:
                        continue
                    first = seen[key].setdefault(value, number)
                    if first != number:
                        errors.append(RowError(number, kind.column(key).header, ErrorCode.DUPLICATE.value,
                                               f"the same value as row {first}"))
                report.errors.extend(errors)
                if not errors:
                    pending.append((number, values))
            if len(pending) >= CHUNK_ROWS or index + 1 == len(table):
                _write_chunk(context, kind, pending, report, run_id)
                pending = []
                if progress is not None:
                    progress(index + 1, len(table))
        report.errors.sort(key=lambda e: e.row)
        if dry_run or (report.errors and not skip_bad_rows):
            session.rollback()
        else:
            session.connection().execute(update(ImportRun).where(ImportRun.id == run_id).values(
                rows=report.rows, bad_rows=report.bad_rows, **report.outcomes))
            session.commit()
            report.applied = True
    except BaseException:
        session.rollback()
        raise
    return report
