"""Read the store's CSV bytes into columns of text (pyarrow), keeping each record's line.

Every value stays the text the analyst wrote. The file is UTF-8 (a BOM is accepted), blank
records are skipped, Windows line endings are accepted, and columns the schema does not
know are kept after the known ones.

The fast path is pyarrow's multithreaded CSV reader; each record's first line comes from
one vectorised pass over the bytes (a line break ends a record unless an odd number of
quotes precedes it). When that pass and pyarrow disagree (a stray ``"`` inside an unquoted
field, a record of the wrong width, a line of spaces) or pyarrow refuses the bytes, the
file is read again with the :mod:`csv` module, record by record, which names the exact
line of every problem: slow, but only for files that have one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.errors import DataFileError
from geo.incidents.schema import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from geo.limits import MAX_FIELD_CHARS, check_store_rows, field_too_long, looks_like_utf16

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.incidents.store import StoreText

#: What a blank record may hold (skipped, as the csv module's readers here always did).
_BLANK = " \t\r\n"
#: pyarrow parses blocks of this size in parallel (4 MiB measured fastest on 2 cores).
_BLOCK_BYTES = 4 << 20


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that is not a row of the header's width: where, why, and its values."""

    line: int
    message: str
    values: list[str]


@dataclass
class StoreColumns:
    """The store as text columns: every schema column (empty when the file lacks it) first."""

    name: str
    header: list[str]
    table: pa.Table
    lines: NDArray[np.int64]
    bad_records: list[BadRecord] = field(default_factory=list)
    #: The bytes held no NUL and no field over the limit (checked when read from a file).
    clean_text: bool = False

    def __len__(self) -> int:
        """Return the number of rows."""
        return int(self.table.num_rows)

    def text(self, column: str) -> pa.ChunkedArray:
        """Return one column's values (text)."""
        return self.table.column(column)


def read_columns(store: StoreText) -> StoreColumns:
    """Read the CSV bytes of ``store`` into :class:`StoreColumns`.

    Raises
    ------
    DataFileError
        Non-UTF-8 bytes, malformed CSV, missing or repeated columns, an unclosed quote, or a
        field over :data:`~geo.limits.MAX_FIELD_CHARS`, naming the file and line.
    """
    data, name = store.data, store.name
    if looks_like_utf16(data):
        msg = f"{name}, line 1: not UTF-8 text (NUL bytes: UTF-16?); save the file as UTF-8"
        raise DataFileError(msg)
    header = _header(data, name)
    table, lines, bad = _fast(data, header) or _exact(data, name, header)
    check_store_rows(name, len(lines) + len(bad))
    _check_lengths(table, lines, name)
    keep = _not_blank(table)
    if keep is not None:
        table, lines = table.filter(pa.array(keep)), lines[keep]
    for column in INCIDENT_COLUMNS:
        if column not in table.column_names:
            table = table.append_column(column, pa.array([""] * table.num_rows, pa.string()))
    # One chunk per column: the reader's blocks would make every later dictionary encoding
    # unify per-chunk dictionaries (2.4x slower over the columns at 100,000 rows; the copy
    # takes 0.02 s, measured 2 Dec 2026). Column by column, with nothing else holding the
    # reader's table, each column's blocks are freed as soon as it is copied: the read's
    # peak at 1,000,000 rows (reading alone) fell from 1,342 to 1,175 MB.
    for index, column in enumerate(table.column_names):
        table = table.set_column(index, column, table.column(index).combine_chunks())
    return StoreColumns(name, header, table, lines, bad, clean_text=b"\x00" not in data)


def _header(data: bytes, name: str) -> list[str]:
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise DataFileError(f"{name}, line 1: not UTF-8 text; save the file as UTF-8") from None
    try:
        header = [column.strip() for column in next(csv.reader([text.rstrip("\r")]), [])]
    except csv.Error as exc:  # e.g. a carriage return inside the header line
        raise DataFileError(f"{name}, line 1: malformed header ({exc})") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DataFileError(f"{name}, line 1: missing column(s) {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise DataFileError(f"{name}, line 1: a column name appears twice")
    return header


_Read = tuple[pa.Table, "NDArray[np.int64]", list[BadRecord]]


def _fast(data: bytes, header: list[str]) -> _Read | None:
    """Read with pyarrow; None when the slow path must decide (see the module docstring).

    pyarrow refuses a record of the wrong width and bytes that are not UTF-8: the slow path
    then names them.
    """
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1,
                                           block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    lines = _record_lines(data)
    if lines is None or len(lines) != table.num_rows:
        return None
    return table, lines, []


def _record_lines(data: bytes) -> NDArray[np.int64] | None:
    """Return the first line of every non-empty record after the header, from the bytes.

    A line break ends a record when an even number of quotes precedes it. None when the
    quotes are unbalanced at the end (an unclosed quote, or a stray one: the slow path
    tells which).
    """
    buffer = np.frombuffer(data, dtype=np.uint8)
    breaks, quotes = _where(buffer, ord("\n")), _where(buffer, ord('"'))
    if len(quotes) & 1:
        return None
    ends = breaks[(np.searchsorted(quotes, breaks) & 1) == 0] if len(quotes) else breaks
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(buffer)]])
    # pyarrow skips empty records (nothing, or a lone CR, before the line break).
    length = stops - starts
    last = buffer[np.maximum(stops - 1, 0)] if len(buffer) else np.zeros(len(stops), np.uint8)
    empty = (length == 0) | ((length == 1) & (last == ord("\r")))
    first_line = np.searchsorted(breaks, starts) + 1
    keep = ~empty
    keep[0] = False  # the header
    lines: NDArray[np.int64] = first_line[keep].astype(np.int64)
    return lines


def _where(buffer: NDArray[np.uint8], byte: int) -> NDArray[np.int64]:
    """Positions of ``byte`` in ``buffer``, found block by block (bounded temporary memory)."""
    found = [
        np.flatnonzero(buffer[at : at + _BLOCK_BYTES] == byte) + at
        for at in range(0, len(buffer), _BLOCK_BYTES)
    ]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _exact(data: bytes, name: str, header: list[str]) -> _Read:
    """Read record by record with the csv module: exact lines, records of the wrong width."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = 1 + data.count(b"\n", 0, exc.start)
        msg = f"{name}, line {line}: not UTF-8 text; save the file as UTF-8"
        raise DataFileError(msg) from None
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    lines: list[int] = []
    bad: list[BadRecord] = []
    start = 1
    try:
        next(reader)
        start = reader.line_num + 1
        for record in reader:
            if any(value.strip(_BLANK) for value in record):
                if len(record) == len(header):
                    records.append(record)
                    lines.append(start)
                else:
                    message = (
                        f"{len(record)} fields, the header has {len(header)} "
                        "(a missing or extra comma, or an unclosed quote?)"
                    )
                    bad.append(BadRecord(start, message, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise field_too_long(name, reader.line_num) from None
        raise DataFileError(f"{name}, line {reader.line_num}: malformed CSV ({exc})") from None
    last = lines[-1] if lines else 0
    if bad and bad[-1].line > last:
        last = bad[-1].line
    if last and _ends_in_quotes(text, last):
        msg = f'{name}, line {last}: a quoted field is never closed (an unbalanced ")'
        raise DataFileError(msg)
    columns = zip(*records, strict=True) if records else [[] for _ in header]
    table = pa.table([pa.array(list(values), pa.string()) for values in columns], names=header)
    return table, np.asarray(lines, dtype=np.int64), bad


def _ends_in_quotes(text: str, line: int) -> bool:
    """Whether the record starting on ``line`` (the last one) runs to the end inside quotes."""
    tail = text.split("\n", line - 1)[-1]
    try:
        list(csv.reader(io.StringIO(tail, newline=""), strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _check_lengths(table: pa.Table, lines: NDArray[np.int64], name: str) -> None:
    """Refuse a field over the limit: a pasted file or an unclosed quote, not a report."""
    for column in table.columns:
        if len(column) and pc.max(pc.utf8_length(column)).as_py() > MAX_FIELD_CHARS:
            row = int(np.argmax(pc.utf8_length(column).to_numpy() > MAX_FIELD_CHARS))
            raise field_too_long(name, int(lines[row]))


def _not_blank(table: pa.Table) -> NDArray[np.bool_] | None:
    """Return which rows hold a value, or None when all do (the usual case)."""
    if not table.num_rows:
        return None
    filled = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        filled |= pc.greater(pc.utf8_length(pc.utf8_trim(column, _BLANK)), 0).to_numpy(
            zero_copy_only=False
        )
        if filled.all():
            return None
    return filled
