"""The incident store as Python lists of text, for ``add`` and ``import-acled`` to change.

Read with the build's reader (:mod:`geo.incidents.columns`), so both see the same rows at
the same lines; written back without loss. Every value stays the text the analyst wrote,
and columns the schema does not know are kept, after the known ones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.atomic import atomic_write_text
from geo.csvfile import lf_line_breaks
from geo.errors import DataFileError
from geo.incidents.schema import INCIDENT_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from geo.incidents.columns import StoreColumns
    from geo.incidents.store import StoreText


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
    from geo.incidents.store import read_store  # noqa: PLC0415 - store imports this module

    return table_from_columns(strict_columns(read_store(path)))


def parse_table(text: str, path: Path | str, *, only: Iterable[str] | None = None) -> IncidentTable:
    """Parse CSV text (see :func:`read_table`); ``path`` names the file in messages.

    With ``only``, just those columns are kept (and the table must not be written back).
    """
    from geo.incidents.store import StoreText  # noqa: PLC0415

    columns = strict_columns(StoreText(text.encode("utf-8"), str(path), ""))
    return table_from_columns(columns, only=only)


def strict_columns(store: StoreText) -> StoreColumns:
    """Read with the build's reader; a record of the wrong width is an error here."""
    from geo.incidents.columns import read_columns  # noqa: PLC0415 - pyarrow, when used

    columns = read_columns(store)
    if columns.bad_records:
        first = columns.bad_records[0]
        raise DataFileError(f"{store.name}, line {first.line}: {first.message}")
    return columns


def table_from_columns(
    columns: StoreColumns, *, only: Iterable[str] | None = None
) -> IncidentTable:
    """Return the columns as an :class:`IncidentTable` (``only``: just those columns)."""
    from pathlib import Path  # noqa: PLC0415

    names = columns.table.column_names
    chosen = names if only is None else [name for name in only if name in names]
    data = {name: columns.table.column(name).to_pylist() for name in chosen}
    return IncidentTable(columns=list(names), data=data, lines=columns.lines.tolist(),
                         path=Path(columns.name))  # fmt: skip


def write_table(table: IncidentTable, path: Path) -> None:
    """Sort the table and write it atomically (temporary file, fsync, rename)."""
    table.sort()
    atomic_write_text(path, table.to_csv())
