"""Check every row of the incident store and report every problem at once.

Each problem names the file, line and column. Errors stop a build or an add; warnings (an
event that looks entered twice) are reported and stop only an ``add`` without ``--force``.
Checks are column-wise over the whole table, so 100,000 rows validate in well under a
second.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from geo.errors import DataFileError
from geo.geocode import EARTH_RADIUS_KM
from geo.incidents.schema import (
    CIVILIAN_TARGETING,
    DISORDER_TYPES,
    EVENT_TYPES,
    FIRST_DATE,
    GEO_PRECISION,
    SUB_EVENT_TYPES,
    TIME_PRECISION,
)
from geo.limits import MAX_FIELD_CHARS

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.admin import AdminAreas
    from geo.incidents.table import IncidentTable
    from geo.places import Place

REQUIRED_TEXT = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "location",
    "source",
)
#: Receives (row index, column, message) for each error found.
Report = Callable[[int, str, str], None]
#: A place and the coordinates given with it may differ by its precision plus this much.
PLACE_TOLERANCE_M = 5_000.0
MAX_REPORTED = 50


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: where (line, column) and what."""

    line: int
    column: str
    message: str
    severity: str = "error"
    origin: str = ""

    def describe(self, path: object) -> str:
        """Return ``file, line N, column 'c': message``; a new row names its origin instead."""
        where = self.origin or (f"{path}, line {self.line}" if self.line else str(path))
        return f"{where}, column {self.column!r}: {self.message}"


class IncidentValidationError(DataFileError):
    """The store has errors; ``issues`` lists every one (the message shows the first 50)."""

    def __init__(self, path: object, issues: list[Issue]) -> None:
        self.path = path
        self.issues = issues
        shown = "\n".join("  " + issue.describe(path) for issue in issues[:MAX_REPORTED])
        more = f"\n  … and {len(issues) - MAX_REPORTED} more" if len(issues) > MAX_REPORTED else ""
        super().__init__(f"{path}: {len(issues)} problem(s):\n{shown}{more}")


@dataclass
class Parsed:
    """Typed columns of a valid table (arrays aligned with its rows)."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    date: NDArray[np.datetime64]
    geo_precision: NDArray[np.int8]
    time_precision: NDArray[np.int8]
    fatalities: NDArray[np.float64]  # NaN where not reported
    injured: NDArray[np.float64]  # NaN where not reported
    warnings: list[Issue] = field(default_factory=list)


def validate(
    table: IncidentTable,
    *,
    today: dt.date,
    admin: AdminAreas | None = None,
    places: dict[str, Place] | None = None,
    warnings: bool = True,
) -> Parsed:
    """Check ``table``; return its typed columns or raise with every error.

    Parameters
    ----------
    table
        The store as read.
    today
        Dates after this are refused.
    admin
        When given, positions must lie in its sub-districts (north-west Syria); a position
        outside that fits with latitude and longitude swapped is named as swapped.
    places
        Gazetteer places by id; when given, ``place_id`` must exist and lie within its
        precision plus :data:`PLACE_TOLERANCE_M` of the coordinates.
    warnings
        Whether to look for rows that repeat an event; a caller validating part of a store
        checks the whole store itself.

    Raises
    ------
    IncidentValidationError
        Listing every error with its line and column.
    """
    issues: list[Issue] = []
    lines, data = table.lines, table.data

    def error(index: int, column: str, message: str) -> None:
        issues.append(Issue(lines[index], column, message))

    _lengths(data, error)
    for column in REQUIRED_TEXT:
        values = data[column]
        if min(map(len, map(str.strip, values)), default=1) == 0:  # fast path: none empty
            for i, value in enumerate(values):
                if not value.strip():
                    error(i, column, "is empty")
    for value, count in Counter(data["event_id_cnty"]).items():
        if value and count > 1:
            first = [i for i, v in enumerate(data["event_id_cnty"]) if v == value]
            for i in first[1:]:
                error(i, "event_id_cnty", f"{value!r} is used {count} times (ids must be unique)")
    date = _dates(data["event_date"], data["year"], today, error)
    _enums(data, error)
    geo = _codes(data["geo_precision"], "geo_precision", GEO_PRECISION, error, required=True)
    time = _codes(data["time_precision"], "time_precision", TIME_PRECISION, error, required=False)
    fatalities = _counts(data["fatalities"], "fatalities", error)
    injured = _counts(data["injured"], "injured", error)
    lon = _numbers(data["longitude"], "longitude", -180, 180, error)
    lat = _numbers(data["latitude"], "latitude", -90, 90, error)
    if admin is not None:
        _in_area(lon, lat, admin, error)
    if places is not None:
        _place_agrees(data["place_id"], data["location"], lon, lat, places, error)
    if issues:
        issues.sort(key=lambda issue: (issue.line, issue.column))
        raise IncidentValidationError(table.path or "incidents", issues)
    return Parsed(
        lon=lon,
        lat=lat,
        date=date,
        geo_precision=geo.astype(np.int8),
        time_precision=np.where(time == 0, 1, time).astype(np.int8),
        fatalities=fatalities,
        injured=injured,
        warnings=_duplicates(table, date) if warnings else [],
    )


def _lengths(data: dict[str, list[str]], error: Report) -> None:
    """Refuse fields the store could not be read back with, NUL, and lone surrogates."""
    for column, values in data.items():
        if max(map(len, values), default=0) > MAX_FIELD_CHARS:
            for i, value in enumerate(values):
                if len(value) > MAX_FIELD_CHARS:
                    message = f"is {len(value):,} characters long; the limit is {MAX_FIELD_CHARS:,}"
                    error(i, column, message)
        if any("\x00" in value for value in values):
            for i, value in enumerate(values):
                if "\x00" in value:
                    error(i, column, "contains a NUL character (\\x00); remove it")
        if not _encodable("".join(values)):
            for i, value in enumerate(values):
                if not _encodable(value):
                    error(i, column, "holds bytes that are not UTF-8 text (a lone surrogate)")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _dates(
    values: list[str], years: list[str], today: dt.date, error: Report
) -> NDArray[np.datetime64]:
    out = _dates_vectorised(values)
    if out is None:
        out = _dates_one_by_one(values, error)
    first, last = np.datetime64(FIRST_DATE, "D"), np.datetime64(today, "D")
    for i in np.flatnonzero(~np.isnat(out) & ((out < first) | (out > last))):
        day = out[i].astype(dt.date)
        if day < FIRST_DATE:
            error(int(i), "event_date", f"{day} is before {FIRST_DATE} (the data start in 2011)")
        else:
            error(int(i), "event_date", f"{day} is in the future (today is {today})")
    given = np.asarray([y.strip() for y in years])
    year_of = out.astype("datetime64[Y]").astype(int) + 1970
    for i in np.flatnonzero((given != "") & ~np.isnat(out)):
        if given[i] != str(year_of[i]):
            error(int(i), "year", f"{years[i]!r} does not match event_date {out[i]}")
    return out


_YEAR_ONE = np.datetime64("0001-01-01", "D")


def _dates_vectorised(values: list[str]) -> NDArray[np.datetime64] | None:
    """Parse a column of YYYY-MM-DD dates in C; None if any is not exactly that."""
    iso_length = 10
    if any(len(v.strip()) != iso_length for v in values):
        return None
    stripped = [v.strip() for v in values]
    try:
        out = np.asarray(stripped, dtype="datetime64[D]")
    except ValueError:
        return None
    if np.isnat(out).any() or (out < _YEAR_ONE).any():
        return None
    # numpy also reads "0000000000" or "+002020-01"; only exact YYYY-MM-DD text passes.
    if not np.array_equal(np.datetime_as_string(out, unit="D"), np.asarray(stripped)):
        return None
    return out


def _dates_one_by_one(values: list[str], error: Report) -> NDArray[np.datetime64]:
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    cache: dict[str, dt.date | None] = {}
    for i, raw in enumerate(values):
        if raw not in cache:
            try:
                cache[raw] = dt.date.fromisoformat(raw.strip())
            except ValueError:
                cache[raw] = None
        parsed = cache[raw]
        if parsed is None:
            if raw.strip():
                error(i, "event_date", f"{raw!r} is not a date in YYYY-MM-DD form")
            continue
        out[i] = np.datetime64(parsed, "D")
    return out


def _enums(data: dict[str, list[str]], error: Report) -> None:
    events, subs = data["event_type"], data["sub_event_type"]
    for i, (event, sub) in enumerate(zip(events, subs, strict=True)):
        if event and event not in EVENT_TYPES:
            error(
                i, "event_type", f"{event!r} is not an ACLED event type ({', '.join(EVENT_TYPES)})"
            )
        elif sub and sub not in SUB_EVENT_TYPES:
            error(i, "sub_event_type", f"{sub!r} is not an ACLED sub-event type")
        elif event and sub and SUB_EVENT_TYPES[sub] != event:
            error(
                i, "sub_event_type", f"{sub!r} belongs to {SUB_EVENT_TYPES[sub]!r}, not {event!r}"
            )
    for i, value in enumerate(data["disorder_type"]):
        if value and value not in DISORDER_TYPES:
            error(i, "disorder_type", f"{value!r} is not one of {', '.join(DISORDER_TYPES)}")
    for i, value in enumerate(data["civilian_targeting"]):
        if value not in CIVILIAN_TARGETING:
            error(i, "civilian_targeting", f"{value!r} must be empty or 'Civilian targeting'")


def _codes(
    values: list[str], column: str, allowed: tuple[int, ...], error: Report, *, required: bool
) -> NDArray[np.int64]:
    text = np.char.strip(np.asarray(values, dtype=str)) if values else np.zeros(0, dtype=str)
    out = np.zeros(len(values), dtype=np.int64)
    names = ", ".join(str(code) for code in allowed)
    for code in allowed:
        out[text == str(code)] = code
    for i in np.flatnonzero(out == 0):
        if text[i]:
            error(int(i), column, f"{values[i]!r} is not one of {names}")
        elif required:
            error(int(i), column, f"is empty (use {names})")
    return out


def _counts(values: list[str], column: str, error: Report) -> NDArray[np.float64]:
    out = np.full(len(values), np.nan)
    for i, raw in enumerate(values):
        value = raw.strip()
        if not value:
            continue
        if not value.isascii() or not value.isdigit():
            error(
                i, column, f"{raw!r} is not a whole number ≥ 0 (leave it empty when not reported)"
            )
            continue
        out[i] = int(value)
    return out


def _numbers(
    values: list[str], column: str, low: float, high: float, error: Report
) -> NDArray[np.float64]:
    out = np.full(len(values), np.nan)
    for i, raw in enumerate(values):
        try:
            value = float(raw)
        except ValueError:
            error(i, column, f"{raw!r} is not a number" if raw.strip() else "is empty")
            continue
        if not math.isfinite(value) or not low <= value <= high:
            error(i, column, f"{raw!r} is outside {low}..{high}")
            continue
        out[i] = value
    return out


def _in_area(
    lon: NDArray[np.float64], lat: NDArray[np.float64], admin: AdminAreas, error: Report
) -> None:
    valid = np.isfinite(lon) & np.isfinite(lat)
    inside = np.zeros(len(lon), dtype=bool)
    inside[valid] = admin.contains(lon[valid], lat[valid])
    outside = np.flatnonzero(valid & ~inside)
    if not len(outside):
        return
    swapped = admin.contains(lat[outside], lon[outside])
    for i, is_swapped in zip(outside, swapped, strict=True):
        where = f"({lat[i]}, {lon[i]}) lat, lon"
        if is_swapped:
            error(
                int(i),
                "latitude",
                f"{where} lies outside north-west Syria; latitude and longitude look swapped",
            )
        else:
            error(int(i), "latitude", f"{where} lies outside north-west Syria (the map's area)")


def _place_agrees(
    place_ids: list[str],
    locations: list[str],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    places: dict[str, Place],
    error: Report,
) -> None:
    rows = [i for i, place_id in enumerate(place_ids) if place_id]
    known = []
    for i in rows:
        if places.get(place_ids[i]) is None:
            error(i, "place_id", f"{place_ids[i]!r} is not in the gazetteer")
        elif np.isfinite(lon[i]) and np.isfinite(lat[i]):
            known.append(i)
    if not known:
        return
    chosen = [places[place_ids[i]] for i in known]
    index = np.asarray(known)
    dist_m = 1000 * _haversine_km(
        np.array([p.position.lon for p in chosen]), np.array([p.position.lat for p in chosen]),
        lon[index], lat[index],
    )  # fmt: skip
    limit_m = np.array([p.precision_m for p in chosen]) + PLACE_TOLERANCE_M
    for k in np.flatnonzero(dist_m > limit_m).tolist():
        i, place = known[k], chosen[k]
        error(
            i,
            "latitude",
            f"the coordinates lie {dist_m[k] / 1000:,.1f} km from {place.name_en} "
            f"(place_id {place_ids[i]!r}, location {locations[i]!r}): which is right?",
        )


def _haversine_km(
    lon1: NDArray[np.float64], lat1: NDArray[np.float64],
    lon2: NDArray[np.float64], lat2: NDArray[np.float64],
) -> NDArray[np.float64]:  # fmt: skip
    """Vectorised :func:`geo.geocode.distance_km` (the same sphere)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    result: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return result


def _duplicates(table: IncidentTable, date: NDArray[np.datetime64]) -> list[Issue]:
    """Warn about rows with the same date, place and sub-event type (the same event twice?)."""
    data = table.data
    places = [
        pid or loc.strip().casefold()
        for pid, loc in zip(data["place_id"], data["location"], strict=True)
    ]
    keys = list(zip(date.astype(str).tolist(), places, data["sub_event_type"], strict=True))
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    groups: defaultdict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key in repeated:
            groups[key].append(i)
    warnings = []
    for (day, _, sub), rows in groups.items():
        if len(rows) > 1:
            for i in rows[1:]:
                others = ", ".join(data["event_id_cnty"][j] for j in rows if j != i)
                message = f"same date ({day}), place and type ({sub}) as {others}"
                warnings.append(Issue(table.lines[i], "event_id_cnty", message, "warning"))
    return warnings
