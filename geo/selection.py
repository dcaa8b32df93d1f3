"""The incidents a figure or chart shows: a period, types and an area, as arrays.

The period follows the web map's date filter: an incident is kept when its date range (one
day, or the week or month its ``time_precision`` allows) overlaps the period, both ends
included. Types are the map's symbol keys (:data:`geo.symbology.SYMBOLS`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo.coords import LonLatBbox
from geo.errors import DataFileError
from geo.incidents.schema import TIME_PRECISION_DAYS
from geo.symbology import SYMBOLS, symbol_key

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.project import MapInputs


class SelectionError(DataFileError):
    """A period, type or area option that cannot select anything sensible."""


@dataclass(frozen=True, slots=True)
class Selection:
    """The chosen incidents, arrays aligned (store order), and what chose them."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    date: NDArray[np.datetime64]
    symbol: NDArray[np.str_]
    geo_precision: NDArray[np.int8]
    killed: NDArray[np.float64]  # NaN where not reported
    injured: NDArray[np.float64]
    side: NDArray[np.str_]
    start: dt.date | None
    end: dt.date | None
    types: tuple[str, ...]
    total: int

    def __len__(self) -> int:
        """Return the number of incidents chosen."""
        return len(self.lon)

    @property
    def as_of(self) -> dt.date | None:
        """The date of the newest incident chosen (None when there is none)."""
        return self.date.max().astype(dt.date) if len(self) else None


def parse_types(text: str | None) -> tuple[str, ...]:
    """Return the symbol keys of a comma-separated list (all when ``text`` is empty).

    Examples
    --------
    >>> parse_types("shelling, air")
    ('shelling', 'air')
    """
    if not text:
        return tuple(SYMBOLS)
    keys = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [key for key in keys if key not in SYMBOLS]
    if unknown:
        raise SelectionError(
            f"--types: unknown type(s) {', '.join(unknown)}; known: {', '.join(SYMBOLS)}"
        )
    return keys


def parse_bbox(text: str) -> LonLatBbox:
    """Return ``WEST,SOUTH,EAST,NORTH`` (degrees, lon/lat order) as a box.

    Examples
    --------
    >>> parse_bbox("36.2,35.6,36.9,36.0")
    LonLatBbox(west=36.2, south=35.6, east=36.9, north=36.0)
    """
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise SelectionError(
            f"--bbox {text!r}: give WEST,SOUTH,EAST,NORTH in degrees (e.g. 36.2,35.6,36.9,36.0)"
        ) from None
    if not (west < east and south < north):
        swapped = " (latitude and longitude swapped?)" if south < east and west < north else ""
        raise SelectionError(f"--bbox {text!r}: west must be < east and south < north{swapped}")
    return LonLatBbox(west=west, south=south, east=east, north=north)


def select(
    inputs: MapInputs,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    types: tuple[str, ...] = tuple(SYMBOLS),
    bbox: LonLatBbox | None = None,
) -> Selection:
    """Return the incidents of ``inputs`` in the period, of the types, inside ``bbox``."""
    if start and end and end < start:
        raise SelectionError(f"--to {end} is before --from {start}")
    store, classes = inputs.store, inputs.classification
    parsed, data = store.parsed, store.table.data
    symbols = np.array(
        [symbol_key(sub, tags) for sub, tags in zip(data["sub_event_type"], data["tags"],
                                                     strict=True)],
        dtype=str,
    )  # fmt: skip
    slack = np.array([TIME_PRECISION_DAYS.get(int(tp), 0) for tp in parsed.time_precision])
    slack_days = slack.astype("timedelta64[D]")
    keep = np.isin(symbols, list(types)) if len(symbols) else np.zeros(0, dtype=bool)
    if start is not None:
        keep &= parsed.date + slack_days >= np.datetime64(start, "D")
    if end is not None:
        keep &= parsed.date - slack_days <= np.datetime64(end, "D")
    if bbox is not None:
        keep &= (parsed.lon >= bbox.west) & (parsed.lon <= bbox.east)
        keep &= (parsed.lat >= bbox.south) & (parsed.lat <= bbox.north)
    return Selection(
        lon=parsed.lon[keep], lat=parsed.lat[keep], date=parsed.date[keep],
        symbol=symbols[keep] if len(symbols) else np.zeros(0, dtype=str),
        geo_precision=parsed.geo_precision[keep], killed=parsed.fatalities[keep],
        injured=parsed.injured[keep], side=np.asarray(classes.corridor_side, dtype=str)[keep],
        start=start, end=end, types=types, total=len(parsed.lon),
    )  # fmt: skip
