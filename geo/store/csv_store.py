"""The CSV store (``data/incidents.csv``) behind the :class:`~geo.store.base.Store` calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.incidents.store import read_store
from geo.store.base import StoreFeatureError

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from geo.admin import AdminAreas
    from geo.incidents.acled import ImportReport
    from geo.incidents.store import StoreText
    from geo.incidents.table import IncidentTable
    from geo.places import Place
    from geo.store.base import Change


@dataclass(frozen=True, slots=True)
class CsvStore:
    """A CSV file changed under a lock file, written atomically (see geo.incidents.add)."""

    path: Path

    @property
    def name(self) -> str:
        """The file's path."""
        return str(self.path)

    def read_text(self) -> StoreText:
        """Return the file's bytes."""
        return read_store(self.path)

    def table(self) -> IncidentTable:
        """Return the file as a text table."""
        from geo.incidents.table import read_table  # noqa: PLC0415 - pyarrow, when used

        return read_table(self.path)

    def add(
        self,
        rows: list[tuple[str, dict[str, str]]],
        *,
        admin: AdminAreas,
        places: dict[str, Place],
        force: bool = False,
        analyst: str = "",  # noqa: ARG002 - a CSV store records no author
        today: dt.date | None = None,
    ) -> list[str]:
        """Add ``rows`` under the file's lock; return their ids."""
        from geo.incidents.add import add_rows  # noqa: PLC0415 - pyarrow, when used

        return add_rows(self.path, rows, admin=admin, places=places, force=force, today=today)

    def import_acled(
        self,
        export: Path,
        *,
        admin: AdminAreas,
        places: dict[str, Place],
        analyst: str = "",  # noqa: ARG002 - a CSV store records no author
        today: dt.date | None = None,
    ) -> ImportReport:
        """Merge an ACLED export into the file."""
        from geo.incidents.acled import import_acled  # noqa: PLC0415 - pyarrow, when used

        return import_acled(export, self.path, admin=admin, places=places, today=today)

    def history(self, event_id: str) -> list[Change]:
        """Refuse: a CSV store keeps no history."""
        msg = (
            f"{self.path} is a CSV store, which keeps no history of {event_id}; a database "
            "store does (README: Team store), or see the file's history in git"
        )
        raise StoreFeatureError(msg)
