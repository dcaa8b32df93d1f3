"""Move a store between a CSV file and a database: ``store push`` and ``store pull``.

A push validates the CSV as a build does (every problem with its line and column), then
upserts its rows on ``event_id_cnty`` in one transaction, reporting added / updated /
unchanged as ``import-acled`` does; rows in the database that the file lacks are kept. A pull
writes the database's COPY output atomically: byte for byte the CSV store that was pushed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from geo.atomic import atomic_write_bytes
from geo.incidents.acled import ImportReport
from geo.incidents.columns import read_columns
from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.store import load_store
from geo.store.pg_merge import merge
from geo.store.pg_store import DatabaseStore

if TYPE_CHECKING:
    from pathlib import Path

    from geo.admin import AdminAreas
    from geo.places import Place
    from geo.store.location import DatabaseLocation


def push(
    csv_path: Path,
    location: DatabaseLocation,
    *,
    admin: AdminAreas,
    places: dict[str, Place],
    analyst: str = "",
    today: dt.date | None = None,
) -> ImportReport:
    """Upsert the CSV store at ``csv_path`` into the database store; return the counts.

    Raises
    ------
    DataFileError
        The CSV does not validate (nothing is sent), or the database refuses the merge.
    """
    today = today or dt.datetime.now(tz=dt.UTC).date()
    loaded = load_store(csv_path, today=today, admin=admin, places=places)
    table = loaded.table
    extras = [c for c in table.columns if c not in INCIDENT_COLUMNS]
    merged = merge(
        location, table, columns=INCIDENT_COLUMNS, extras=extras, analyst=analyst,
        check=None,  # whole rows, validated above as a build validates them
        what="the push", origin=str(csv_path),
    )  # fmt: skip
    report = ImportReport()
    report.added, report.updated, report.unchanged = merged
    return report


def pull(location: DatabaseLocation, out_path: Path) -> int:
    """Write the database store to ``out_path`` as a CSV store; return the incidents written."""
    text = DatabaseStore(location).read_text()
    atomic_write_bytes(out_path, text.data)
    return len(read_columns(text).lines)
