"""The incident store as columns of text, read from and written to CSV without loss.

Every value stays the text the analyst wrote (free text is never altered; escaping happens
at render time). The file is UTF-8 (a BOM is accepted), blank lines are skipped, Windows
line endings are accepted, and columns the schema does not know are kept, after the known
ones, so nothing a user added is dropped on rewrite.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.atomic import atomic_write_text
from geo.csvfile import lf_line_breaks
from geo.errors import DataFileError
from geo.incidents.schema import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from geo.limits import (
    MAX_FIELD_CHARS,
    MAX_STORE_BYTES,
    check_file_size,
    check_store_lines,
    check_store_rows,
    field_too_long,
    looks_like_utf16,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

#: Fields longer than this are refused: no report sentence needs it, and it bounds memory.


@dataclass
class IncidentTable:
    """Columns of text, one list per column, and the file line each row starts on."""

    columns: list[str]
    data: dict[str, list[str]]
    lines: list[int] = field(default_factory=list)
    path: Path | str | None = None

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.lines)

    def row(self, index: int) -> dict[str, str]:
        """Return one row as a dict (a copy)."""
        return {column: self.data[column][index] for column in self.columns}

    def append(self, values: dict[str, str], *, line: int = 0) -> None:
        """Append a row; unknown keys become new columns (filled with "" above)."""
        for column in values:
            if column not in self.data:
                self.columns.append(column)
                self.data[column] = [""] * len(self.lines)
        for column in self.columns:
            self.data[column].append(values.get(column, ""))
        self.lines.append(line)

    def set(self, index: int, values: dict[str, str]) -> None:
        """Overwrite fields of row ``index``."""
        for column, value in values.items():
            if column not in self.data:
                self.columns.append(column)
                self.data[column] = [""] * len(self.lines)
            self.data[column][index] = value

    def sort(self) -> None:
        """Sort rows by event date, then id (the store's order)."""
        dates, ids = self.data["event_date"], self.data["event_id_cnty"]
        order = sorted(range(len(self)), key=lambda i: (dates[i], ids[i]))
        for column in self.columns:
            values = self.data[column]
            self.data[column] = [values[i] for i in order]
        self.lines = [self.lines[i] for i in order]

    def to_csv(self) -> str:
        """Return the CSV text: schema columns first, then the user's extra columns."""
        known = list(INCIDENT_COLUMNS)
        extra = [c for c in self.columns if c not in INCIDENT_COLUMNS]
        header = known + extra
        for column in known:
            self.data.setdefault(column, [""] * len(self))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        columns = [lf_line_breaks(self.data[c]) for c in header]
        writer.writerows(zip(*columns, strict=True))
        return out.getvalue()


def empty_table() -> IncidentTable:
    """Return a table with the schema's columns and no rows."""
    return IncidentTable(columns=list(INCIDENT_COLUMNS), data={c: [] for c in INCIDENT_COLUMNS})


def read_table(path: Path) -> IncidentTable:
    """Read an incident CSV into an :class:`IncidentTable`.

    Raises
    ------
    DataFileError
        On a missing file, non-UTF-8 bytes, malformed CSV, missing required columns, a row
        with the wrong number of fields or an over-long field, naming the file and line.
    """
    check_file_size(path, limit_bytes=MAX_STORE_BYTES, what="an incident store")
    check_store_lines(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte offset {exc.start}); save it as UTF-8"
        raise DataFileError(msg) from None
    if looks_like_utf16(text):
        msg = f"{path}, line 1: not UTF-8 text (NUL bytes: UTF-16?); save it as UTF-8"
        raise DataFileError(msg)
    return parse_table(text, path)


def parse_table(text: str, path: Path | str, *, only: Iterable[str] | None = None) -> IncidentTable:
    """Parse CSV text (see :func:`read_table`); ``path`` names the file in messages.

    With ``only``, just those columns are kept (and the table must not be written back).
    """
    # The csv module refuses longer fields itself ("field larger than field limit").
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise DataFileError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
        if len(set(header)) != len(header):
            raise DataFileError(f"{path}, line 1: a column name appears twice")
        body_start = reader.line_num
        records = list(reader)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise field_too_long(path, reader.line_num) from None
        raise DataFileError(f"{path}, line {reader.line_num}: malformed CSV ({exc})") from None
    check_store_rows(path, len(records))
    width = len(header)
    if reader.line_num - body_start == len(records) and all(len(r) == width for r in records):
        # One record per line and no blank line: line numbers follow from positions.
        lines = list(range(body_start + 1, body_start + 1 + len(records)))
    else:
        records, lines = _records_with_lines(text, path, width)
    if only is not None:
        data = {
            name: [record[header.index(name)] for record in records]
            if name in header
            else [""] * len(records)
            for name in only
        }
        return IncidentTable(columns=header, data=data, lines=lines, path=path)
    columns = (
        [list(values) for values in zip(*records, strict=True)] if records else [[] for _ in header]
    )
    table = IncidentTable(
        columns=header, data=dict(zip(header, columns, strict=True)), lines=lines, path=path
    )
    for name in INCIDENT_COLUMNS:
        if name not in table.data:
            table.columns.append(name)
            table.data[name] = [""] * len(lines)
    return table


#: What a blank record may hold (the build's line splitter skips the same lines).
_BLANK = " \t\r\n"


def _records_with_lines(
    text: str, path: Path | str, width: int
) -> tuple[list[list[str]], list[int]]:
    """Slow path: track each record's first line (quoted newlines, blank lines, bad rows)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    previous_end = reader.line_num
    records, lines = [], []
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(value.strip(_BLANK) for value in record):  # as the build's reader
            continue
        if len(record) != width:
            msg = (
                f"{path}, line {start}: {len(record)} fields, the header has {width} "
                "(a missing or extra comma, or an unclosed quote?)"
            )
            raise DataFileError(msg)
        records.append(record)
        lines.append(start)
    return records, lines


def write_table(table: IncidentTable, path: Path) -> None:
    """Sort the table and write it atomically (temporary file, fsync, rename)."""
    table.sort()
    atomic_write_text(path, table.to_csv())
