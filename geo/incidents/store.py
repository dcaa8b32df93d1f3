"""Load the incident store (read, validate) and turn it into what the map and analyses use."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.coords import LonLat
from geo.incidents.table import IncidentTable, read_table
from geo.incidents.validate import Issue, Parsed, validate

if TYPE_CHECKING:
    from pathlib import Path

    from geo.admin import AdminAreas
    from geo.places import Place


@dataclass(frozen=True, slots=True)
class Incident:
    """One reported event. ``fatalities``/``injured`` are None when the report gives no figure."""

    event_id: str
    event_date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    location: str
    position: LonLat
    geo_precision: int
    fatalities: int | None
    injured: int | None
    source: str
    source_url: str
    notes: str
    tags: str


@dataclass
class IncidentStore:
    """A validated store: the text table, its typed columns and any warnings."""

    path: Path | str
    table: IncidentTable
    parsed: Parsed

    @property
    def warnings(self) -> list[Issue]:
        """Rows that look like the same event entered twice."""
        return self.parsed.warnings

    def incidents(self) -> list[Incident]:
        """Return the rows as :class:`Incident` objects, in store order (date, then id)."""
        data, parsed = self.table.data, self.parsed
        out = []
        for i in range(len(self.table)):
            fatalities, injured = parsed.fatalities[i], parsed.injured[i]
            out.append(
                Incident(
                    event_id=data["event_id_cnty"][i],
                    event_date=parsed.date[i].astype(dt.date),
                    time_precision=int(parsed.time_precision[i]),
                    event_type=data["event_type"][i],
                    sub_event_type=data["sub_event_type"][i],
                    actor1=data["actor1"][i],
                    actor2=data["actor2"][i],
                    location=data["location"][i],
                    position=LonLat(float(parsed.lon[i]), float(parsed.lat[i])),
                    geo_precision=int(parsed.geo_precision[i]),
                    fatalities=None if math.isnan(fatalities) else int(fatalities),
                    injured=None if math.isnan(injured) else int(injured),
                    source=data["source"][i],
                    source_url=data["source_url"][i],
                    notes=data["notes"][i],
                    tags=data["tags"][i],
                )
            )
        return sorted(out, key=lambda item: (item.event_date, item.event_id))


def load_store(
    path: Path,
    *,
    today: dt.date | None = None,
    admin: AdminAreas | None = None,
    places: dict[str, Place] | None = None,
) -> IncidentStore:
    """Read and validate the store at ``path``.

    Raises
    ------
    DataFileError
        A file-level problem (encoding, malformed CSV, missing columns).
    IncidentValidationError
        Every row-level error, each with its line and column.
    """
    table = read_table(path)
    parsed = validate(
        table, today=today or dt.datetime.now(tz=dt.UTC).date(), admin=admin, places=places
    )
    return IncidentStore(path=path, table=table, parsed=parsed)


def load_incidents(path: Path, *, today: dt.date | None = None) -> list[Incident]:
    """Read, validate and return the incidents of ``path`` (no area or gazetteer checks)."""
    return load_store(path, today=today).incidents()
