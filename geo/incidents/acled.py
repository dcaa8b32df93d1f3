"""Import an ACLED export into the store: keep the area's rows, upsert on ``event_id_cnty``.

Both column sets are read: the current export (with ``disorder_type``, ``civilian_targeting``
and ``tags``) and the pre-2023 one (``data_id``, ``iso3``, ``event_id_no_cnty``, dates
written "14 July 2020"), whose missing ``disorder_type`` is derived from the event type.
Fields ACLED does not have (``injured``, ``source_url``, ``place_id``) are kept on update.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from geo.csvfile import read_rows
from geo.incidents.issues import IncidentValidationError
from geo.incidents.schema import DISORDER_OF_EVENT, INCIDENT_COLUMNS
from geo.incidents.store import store_text, update_store
from geo.incidents.table import empty_table, parse_table
from geo.incidents.validate import validate

if TYPE_CHECKING:
    from pathlib import Path

    from geo.admin import AdminAreas
    from geo.places import Place

#: ACLED columns copied into the store (ours: injured, source_url, place_id are not in ACLED).
ACLED_FIELDS = tuple(c for c in INCIDENT_COLUMNS if c not in {"injured", "source_url", "place_id"})
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")


@dataclass
class ImportReport:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    #: The export's line numbers skipped under each reason (all of them; a few are printed).
    skipped_lines: dict[str, list[int]] = field(default_factory=dict)

    def skip(self, reason: str, line: int | None = None) -> None:
        """Count a skipped row under ``reason`` (with its line in the export, if known)."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if line is not None:
            self.skipped_lines.setdefault(reason, []).append(line)

    def describe(self) -> str:
        """Return one line per count, with the first lines skipped for each reason."""
        skipped = "".join(
            f"\n  skipped, {reason}: {n}{_lines(self.skipped_lines.get(reason, []))}"
            for reason, n in sorted(self.skipped.items())
        )
        return f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}{skipped}"


def _lines(lines: list[int], shown: int = 5) -> str:
    if not lines:
        return ""
    more = f" and {len(lines) - shown:,} more" if len(lines) > shown else ""
    return f" (line {', '.join(str(n) for n in lines[:shown])}{more})"


def parse_acled_date(text: str) -> dt.date:
    """Parse ACLED's date forms: ``2020-07-14`` (current) or ``14 July 2020`` (older).

    Examples
    --------
    >>> parse_acled_date("14 July 2020"), parse_acled_date("2020-07-14")
    (datetime.date(2020, 7, 14), datetime.date(2020, 7, 14))
    """
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), form).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date ACLED writes (2020-07-14 or 14 July 2020)")


def _acled_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    required = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")
    return [(row.line, row.values) for row in read_rows(path, required_columns=required)]


def _store_row(source: dict[str, str]) -> dict[str, str]:
    row = {name: source.get(name, "").strip() for name in ACLED_FIELDS}
    row["event_date"] = parse_acled_date(source["event_date"]).isoformat()
    row["year"] = row["event_date"][:4]
    if not row["disorder_type"]:
        row["disorder_type"] = DISORDER_OF_EVENT.get(row["event_type"], "")
    if not row["iso"] and source.get("iso3") == "SYR":
        row["iso"] = "760"
    return row


def import_acled(
    export: Path,
    store: Path,
    *,
    admin: AdminAreas,
    places: dict[str, Place],
    today: dt.date | None = None,
) -> ImportReport:
    """Merge ``export`` into ``store``; return the counts. Nothing is written on error.

    Raises
    ------
    DataFileError
        The export cannot be read, or the merged store does not validate.
    """
    today = today or dt.datetime.now(tz=dt.UTC).date()
    rows, report = acled_rows(export, admin=admin, today=today)

    def change(data: bytes) -> bytes | None:
        table = parse_table(store_text(data, store), store)
        position = {event_id: i for i, event_id in enumerate(table.data["event_id_cnty"])}
        for row in rows:
            index = position.get(row["event_id_cnty"])
            if index is None:
                table.append(row, line=max(table.lines, default=1) + 1)
                position[row["event_id_cnty"]] = len(table) - 1
                report.added += 1
            elif any(table.data[c][index] != v for c, v in row.items()):
                table.set(index, row)
                report.updated += 1
            else:
                report.unchanged += 1
        validate(table, today=today, admin=admin, places=places)
        if not (report.added or report.updated):
            return None
        table.sort()
        return table.to_csv().encode("utf-8")

    update_store(store, change, header=",".join(INCIDENT_COLUMNS) + "\n")
    return report


def acled_rows(
    export: Path, *, admin: AdminAreas, today: dt.date
) -> tuple[list[dict[str, str]], ImportReport]:
    """Return the export's rows to merge (in the store's columns) and a report of the skipped.

    A row is kept when its date and coordinates read, it has an ``event_id_cnty``, it lies
    inside north-west Syria and it passes the store's checks; each other row is counted
    under its first problem, with its line.

    Raises
    ------
    DataFileError
        The export cannot be read.
    """
    report = ImportReport()
    candidates = []
    for line, source in _acled_rows(export):
        try:
            row = _store_row(source)
            lon, lat = float(row["longitude"]), float(row["latitude"])
        except (ValueError, KeyError):
            report.skip("unreadable date or coordinates", line)
            continue
        if not row["event_id_cnty"]:
            report.skip("no event_id_cnty", line)
            continue
        candidates.append((line, row, lon, lat))
    if candidates:
        inside = admin.contains(
            np.array([c[2] for c in candidates]), np.array([c[3] for c in candidates])
        )
        kept = [c for c, is_inside in zip(candidates, inside, strict=True) if is_inside]
        for c, is_inside in zip(candidates, inside, strict=True):
            if not is_inside:
                report.skip("outside north-west Syria", c[0])
        candidates = _valid_only(kept, report, today=today)
    return [row for _, row, _, _ in candidates], report


def _valid_only(
    candidates: list[tuple[int, dict[str, str], float, float]],
    report: ImportReport,
    *,
    today: dt.date,
) -> list[tuple[int, dict[str, str], float, float]]:
    """Drop rows that fail the store's checks, counting each under its first problem."""
    table = empty_table()
    for line, row, _, _ in candidates:
        table.append(row, line=line)
    try:
        validate(table, today=today)
    except IncidentValidationError as exc:
        first: dict[int, str] = {}
        for issue in exc.issues:
            first.setdefault(issue.line, f"invalid {issue.column}")
        for line, reason in first.items():
            report.skip(reason, line)
        return [c for c in candidates if c[0] not in first]
    return candidates
