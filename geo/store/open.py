"""Open the store ``--store PATH_OR_URL`` names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.store.csv_store import CsvStore
from geo.store.location import DatabaseLocation

if TYPE_CHECKING:
    from pathlib import Path

    from geo.store.base import Store


def open_store(location: Path | DatabaseLocation) -> Store:
    """Return the store at ``location`` (nothing is read or connected to yet)."""
    if isinstance(location, DatabaseLocation):
        # psycopg is imported only when a database is used: a CSV build does not pay for it.
        from geo.store.pg_store import DatabaseStore  # noqa: PLC0415

        return DatabaseStore(location)
    return CsvStore(location)
