"""What every store offers the commands: its content for a build, adds, imports, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from geo.errors import DataFileError

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from geo.admin import AdminAreas
    from geo.incidents.acled import ImportReport
    from geo.incidents.store import StoreText
    from geo.incidents.table import IncidentTable
    from geo.places import Place


class StoreFeatureError(DataFileError):
    """The store cannot do this (e.g. a CSV store keeps no history)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change of an incident: who, when, and the row before and after."""

    change_id: int
    event_id: str
    operation: str
    changed_at: str
    db_user: str
    analyst: str
    old: dict[str, str] | None
    new: dict[str, str] | None


class Store(Protocol):
    """An incident store; see :func:`geo.store.open.open_store`."""

    @property
    def name(self) -> str:
        """How messages name the store (a path, or a URL that holds no password)."""
        ...

    def read_text(self) -> StoreText:
        """Return the whole store as the bytes of its CSV form, in one reading."""
        ...

    def table(self) -> IncidentTable:
        """Return the whole store as a text table (for ``ingest``'s ``already_in_store``)."""
        ...

    def add(
        self,
        rows: list[tuple[str, dict[str, str]]],
        *,
        admin: AdminAreas,
        places: dict[str, Place],
        force: bool = False,
        analyst: str = "",
        today: dt.date | None = None,
    ) -> list[str]:
        """Add ``rows`` (each with its origin, for messages); return their ids."""
        ...

    def import_acled(
        self,
        export: Path,
        *,
        admin: AdminAreas,
        places: dict[str, Place],
        analyst: str = "",
        today: dt.date | None = None,
    ) -> ImportReport:
        """Merge an ACLED export, upserting on ``event_id_cnty``."""
        ...

    def history(self, event_id: str) -> list[Change]:
        """Return the recorded changes of one incident, oldest first."""
        ...
