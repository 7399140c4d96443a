"""Reading a user's table (XLSX, or CSV in UTF-8 with or without BOM, or GB18030) and writing
tables back (templates, error reports).

Every file is bounded before its rows are checked (`MAX_FILE_BYTES`, `MAX_ROWS`, `MAX_COLUMNS`; a
cell over `MAX_CELL_CHARS` is an error of its row). Cells
come back as stripped text: a date cell as its ISO date, a whole number without ".0".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 64
MAX_CELL_CHARS = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, size, header); the message says why."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, GB18030 as Chinese office software exports."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError("the CSV file is neither UTF-8 nor GB18030: save it again as CSV (UTF-8)") from None


def _xlsx_rows(path: Path) -> Iterable[Sequence[Any]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise ImportFileError("the file is not an XLSX workbook: save it as .xlsx or .csv") from None
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the first sheet of an XLSX file or of a CSV file, as stripped text."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"the file has {size:,} bytes; at most {MAX_FILE_BYTES:,}: split it")
    is_csv = path.suffix.lower() == ".csv"
    if is_csv:
        raw: Iterable[Sequence[Any]] = csv.reader(io.StringIO(decode_csv(path.read_bytes()), newline=""))
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path)
    else:
        raise ImportFileError("only .xlsx and .csv files can be imported")
    table: list[list[str]] = []
    for values in raw:
        if len(table) > MAX_ROWS:
            raise ImportFileError(f"the file has more than {MAX_ROWS:,} rows: split it")
        cells = [v.strip() for v in values] if is_csv else [_text(v) for v in values]  # CSV: text already
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(f"row {len(table) + 1} has more than {MAX_COLUMNS} columns")
        table.append(cells)
    if not table or not any(table[0]):
        raise ImportFileError("the file is empty: its first row must name the columns")
    return table[0], table[1:]


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> None:
    """Write rows to an XLSX file, one (title, rows) per sheet, streaming (write-only workbook)."""
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
