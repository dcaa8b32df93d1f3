"""Incidents: the ACLED-compatible store in ``data/incidents.csv`` and its loader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.coords import AREA_OF_INTEREST, LonLat
from geo.csvfile import read_rows

if TYPE_CHECKING:
    from pathlib import Path

#: Column order of the store: ACLED's names where ACLED has the concept, then our additions.
INCIDENT_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "civilian_targeting",
    "iso",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "injured",
    "tags",
    "timestamp",
    "source_url",
    "place_id",
)
_REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "location")
_FIRST_DATE = dt.date(2011, 1, 1)


@dataclass(frozen=True, slots=True)
class Incident:
    """One reported event. ``fatalities``/``injured`` are None when the report gives no figure."""

    event_id: str
    event_date: dt.date
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


def load_incidents(path: Path, *, today: dt.date | None = None) -> list[Incident]:
    """Load the incident store, sorted by date then id.

    Parameters
    ----------
    path
        A CSV with the columns of :data:`INCIDENT_COLUMNS`.
    today
        Dates after this are refused (default: today's date).

    Raises
    ------
    DataFileError
        On the first invalid field, naming the file, line and column.
    """
    last_date = today or dt.datetime.now(tz=dt.UTC).date()
    incidents = []
    for row in read_rows(path, required_columns=INCIDENT_COLUMNS):
        for column in _REQUIRED:
            row.text(column)
        raw_date = row.text("event_date")
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError:
            raise row.error("event_date", f"{raw_date!r} is not a YYYY-MM-DD date") from None
        if not _FIRST_DATE <= date <= last_date:
            raise row.error("event_date", f"{date} is not between {_FIRST_DATE} and {last_date}")
        precision = row.integer("geo_precision")
        if precision not in {1, 2, 3}:
            raise row.error("geo_precision", f"{precision} is not 1, 2 or 3")
        incidents.append(
            Incident(
                event_id=row.text("event_id_cnty"),
                event_date=date,
                event_type=row.text("event_type"),
                sub_event_type=row.text("sub_event_type"),
                actor1=row.text("actor1", required=False),
                actor2=row.text("actor2", required=False),
                location=row.text("location"),
                position=LonLat(
                    lon=row.number(
                        "longitude", low=AREA_OF_INTEREST.west, high=AREA_OF_INTEREST.east
                    ),
                    lat=row.number(
                        "latitude", low=AREA_OF_INTEREST.south, high=AREA_OF_INTEREST.north
                    ),
                ),
                geo_precision=precision,
                fatalities=row.integer("fatalities", required=False),
                injured=row.integer("injured", required=False),
                source=row.text("source"),
                source_url=row.text("source_url", required=False),
                notes=row.text("notes", required=False),
            )
        )
    return sorted(incidents, key=lambda item: (item.event_date, item.event_id))
