"""Read the project's CSV files with errors that name the file, line and column."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.errors import DataFileError
from geo.limits import MAX_FIELD_CHARS, MAX_INPUT_BYTES, check_file_size, field_too_long

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a CSV file, with the line it starts on (the header is line 1)."""

    path: Path
    line: int
    values: dict[str, str]

    def error(self, column: str, problem: str) -> DataFileError:
        """Return a :class:`DataFileError` naming this row's file, line and ``column``."""
        return DataFileError(f"{self.path}, line {self.line}, column {column!r}: {problem}")

    def text(self, column: str, *, required: bool = True) -> str:
        """Return the stripped text of ``column``; raise if required and empty."""
        value = self.values.get(column, "").strip()
        if required and not value:
            raise self.error(column, "is empty")
        return value

    def number(self, column: str, *, low: float, high: float) -> float:
        """Return ``column`` as a float in ``[low, high]`` (bounds inclusive)."""
        raw = self.text(column)
        try:
            value = float(raw)
        except ValueError:
            raise self.error(column, f"{raw!r} is not a number") from None
        if not low <= value <= high:  # also rejects NaN
            raise self.error(column, f"{value} is outside [{low}, {high}]")
        return value

    def integer(self, column: str, *, required: bool = True) -> int | None:
        """Return ``column`` as a non-negative integer, or None when empty and optional."""
        raw = self.text(column, required=required)
        if not raw:
            return None
        if not raw.isdigit():
            raise self.error(column, f"{raw!r} is not a non-negative whole number")
        return int(raw)


def read_rows(path: Path, *, required_columns: Iterable[str]) -> list[Row]:
    """Read a UTF-8 CSV file (BOM optional) into rows, skipping blank lines.

    Parameters
    ----------
    path
        The CSV file.
    required_columns
        Columns the header must contain.

    Returns
    -------
    list of Row
        The data rows in file order.
    """
    check_file_size(path, limit_bytes=MAX_INPUT_BYTES, what="an input CSV")
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            missing = [name for name in required_columns if name not in header]
            if missing:
                msg = f"{path}, line 1: missing column(s) {', '.join(missing)}"
                raise DataFileError(msg)
            rows: list[Row] = []
            line = reader.line_num + 1
            for record in reader:
                if any(value.strip() for value in record):
                    if len(record) != len(header):
                        msg = (
                            f"{path}, line {line}: {len(record)} fields, "
                            f"the header has {len(header)} (a missing or extra comma?)"
                        )
                        raise DataFileError(msg)
                    rows.append(
                        Row(path=path, line=line, values=dict(zip(header, record, strict=True)))
                    )
                line = reader.line_num + 1
    except FileNotFoundError:
        msg = f"{path}: file not found"
        raise DataFileError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte {exc.start}): save the file as UTF-8"
        raise DataFileError(msg) from None
    except csv.Error as exc:
        line = reader.line_num if reader is not None else 1
        if "field limit" in str(exc):
            raise field_too_long(path, line) from None
        msg = f"{path}, line {line}: malformed CSV: {exc}"
        raise DataFileError(msg) from None
    return rows


#: What makes a spreadsheet read a cell as a formula when it starts the cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Return ``value`` made inert for spreadsheets (a leading apostrophe before a formula).

    Examples
    --------
    >>> neutralise("=1+1"), neutralise("@SUM(A1)"), neutralise("Ariha")
    ("'=1+1", "'@SUM(A1)", 'Ariha')
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def lf_line_breaks(values: list[str]) -> list[str]:
    r"""Return ``values`` with CR and CR LF inside a value written as LF, for ``csv.writer``.

    With ``lineterminator="\n"`` the csv module does not quote a value holding only a CR,
    but its reader ends a record there: the row would split in two (and a formula after
    the CR would escape the apostrophe that neutralises it). The column is scanned once.

    Examples
    --------
    >>> lf_line_breaks(["a\rb", "c\r\nd", "e"])
    ['a\nb', 'c\nd', 'e']
    """
    if "\r" not in "".join(values):
        return values
    return [v.replace("\r\n", "\n").replace("\r", "\n") if "\r" in v else v for v in values]
