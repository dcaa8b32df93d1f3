"""Check every row of the incident store, column by column, and report every problem at once.

Each problem names the file, line and column. A column is checked through its distinct
values (pyarrow's dictionary encoding): a rule runs once per distinct text and its verdict
is spread to the rows with numpy, so 100,000 rows check in a few tens of milliseconds and
each rule stays the plain Python of its message. The area test is one prepared-geometry
call; duplicates are a group-by on codes.

:func:`check` reports which rows are bad (the build maps the others and lists these in
``rejected.csv``); with ``strict`` any error raises. Warnings (an event that looks entered
twice, a point just outside the boundary polygons) never reject a row.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geo.geocode import EARTH_RADIUS_KM
from geo.incidents.issues import IncidentValidationError, Issue
from geo.incidents.rows import dictionary_of
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
    from collections.abc import Callable

    from numpy.typing import NDArray

    from geo.admin import AdminAreas
    from geo.incidents.columns import StoreColumns
    from geo.incidents.table import IncidentTable
    from geo.places import Place

log = logging.getLogger(__name__)
REQUIRED_TEXT = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "location",
                 "source")  # fmt: skip
#: A place and the coordinates given with it may differ by its precision plus this much.
PLACE_TOLERANCE_M = 5_000.0
#: A point at most this far outside the boundary polygons is kept, with a warning: the OCHA
#: lines are not surveyed to the metre, and events are coded at border villages.
BOUNDARY_TOLERANCE_M = 2_000.0


@dataclass
class Parsed:
    """Typed columns aligned with the table's rows (NaN / NaT where a value is bad)."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    date: NDArray[np.datetime64]
    geo_precision: NDArray[np.int8]
    time_precision: NDArray[np.int8]
    fatalities: NDArray[np.float64]  # NaN where not reported
    injured: NDArray[np.float64]  # NaN where not reported
    #: Rows that look like the same event entered twice.
    warnings: list[Issue] = field(default_factory=list)

    def take(self, rows: NDArray[Any]) -> Parsed:
        """Return the rows at ``rows`` (indices or a mask)."""
        arrays = {f.name: getattr(self, f.name)[rows] for f in fields(self) if f.name != "warnings"}
        return Parsed(**arrays, warnings=self.warnings)


@dataclass
class Checked:
    """What :func:`check` found: typed columns of every row, errors, warnings, bad rows."""

    parsed: Parsed
    errors: list[Issue]
    warnings: list[Issue]
    bad: NDArray[np.bool_]


class _Found:
    """Collects errors as (rows, column, message per row or one for all)."""

    def __init__(self, lines: NDArray[np.int64]) -> None:
        self.lines = lines
        self.bad = np.zeros(len(lines), dtype=bool)
        self.issues: list[Issue] = []

    def add(self, rows: NDArray[Any], column: str, message: str | Callable[[int], str]) -> None:
        for row in np.asarray(rows, dtype=np.int64).tolist():
            text = message if isinstance(message, str) else message(row)
            self.issues.append(Issue(int(self.lines[row]), column, text))
            self.bad[row] = True


def _distinct(column: pa.ChunkedArray | pa.Array) -> tuple[NDArray[np.int64], list[str]]:
    """Return each row's code and the distinct texts (the column's dictionary)."""
    codes, dictionary = _encoded(column)
    return codes, dictionary.to_pylist()


def _encoded(column: pa.ChunkedArray | pa.Array) -> tuple[NDArray[np.int64], pa.Array]:
    """Return each row's code and the column's dictionary, as an Arrow array."""
    return dictionary_of(column)


def _per_value(
    column: pa.ChunkedArray, rule: Callable[[str], Any], otypes: type = object
) -> tuple[NDArray[Any], NDArray[np.int64], list[str]]:
    """Run ``rule`` once per distinct text; return its verdict per row, codes and texts."""
    codes, texts = _distinct(column)
    verdicts: NDArray[Any] = np.array([rule(text) for text in texts], dtype=otypes)
    return (verdicts[codes] if len(texts) else np.zeros(0, dtype=otypes)), codes, texts


def check(
    columns: StoreColumns,
    *,
    today: dt.date,
    admin: AdminAreas | None = None,
    places: dict[str, Place] | None = None,
    strict: bool = False,
    duplicates: bool = True,
) -> Checked:
    """Check every row; return the typed columns, every error and warning, and the bad rows.

    Parameters
    ----------
    columns
        The store as read.
    today
        Dates after this are refused.
    admin
        When given, positions must lie in its sub-districts (north-west Syria), or at most
        :data:`BOUNDARY_TOLERANCE_M` outside them (a warning); a position outside that fits
        with latitude and longitude swapped is named as swapped.
    places
        Gazetteer places by id; when given, ``place_id`` must exist and lie within its
        precision plus :data:`PLACE_TOLERANCE_M` of the coordinates.
    strict
        Raise on the first sight of any error, listing them all.
    duplicates
        Whether to look for rows that repeat an event (warnings).

    Raises
    ------
    IncidentValidationError
        With ``strict``, listing every error with its line and column.
    """
    table, found = columns.table, _Found(columns.lines)
    if not columns.clean_text:
        _text(table, found)
    for name in REQUIRED_TEXT:
        empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(table.column(name))), 0)
        found.add(np.flatnonzero(empty.to_numpy(zero_copy_only=False)), name, "is empty")
    _unique_ids(table.column("event_id_cnty"), found)
    date = _dates(table, today, found)
    _enums(table, found)
    geo = _codes(table.column("geo_precision"), "geo_precision", GEO_PRECISION, found,
                 required=True)  # fmt: skip
    time = _codes(table.column("time_precision"), "time_precision", TIME_PRECISION, found,
                  required=False)  # fmt: skip
    parsed = Parsed(
        lon=_numbers(table.column("longitude"), "longitude", -180, 180, found),
        lat=_numbers(table.column("latitude"), "latitude", -90, 90, found),
        date=date,
        geo_precision=geo.astype(np.int8),
        time_precision=np.where(time == 0, 1, time).astype(np.int8),
        fatalities=_counts(table.column("fatalities"), "fatalities", found),
        injured=_counts(table.column("injured"), "injured", found),
    )
    warnings = _in_area(parsed, admin, found) if admin is not None else []
    if places is not None:
        _place_agrees(table, parsed, places, found)
    errors = [Issue(r.line, "", r.message) for r in columns.bad_records] + found.issues
    errors.sort(key=lambda issue: (issue.line, issue.column))
    if strict and errors:
        raise IncidentValidationError(columns.name, errors)
    if duplicates:
        parsed.warnings = _duplicates(table, parsed, columns.lines, ~found.bad)
    warnings = sorted(warnings + parsed.warnings, key=lambda issue: issue.line)
    return Checked(parsed=parsed, errors=errors, warnings=warnings, bad=found.bad)


def validate(
    table: IncidentTable,
    *,
    today: dt.date,
    admin: AdminAreas | None = None,
    places: dict[str, Place] | None = None,
    warnings: bool = True,
) -> Parsed:
    """Check the rows of an in-memory table (new rows of an ``add``); raise on any error.

    The same rules as :func:`check`, all or nothing. Points kept within the boundary
    tolerance are logged as warnings; ``Parsed.warnings`` lists rows that repeat an event.

    Raises
    ------
    IncidentValidationError
        Listing every error with its line and column.
    """
    from geo.incidents.columns import StoreColumns  # noqa: PLC0415 - avoids an import cycle

    issues: list[Issue] = []
    arrays = []
    for name in table.columns:
        values = table.data[name]
        if not _encodable("".join(values)):
            for i, value in enumerate(values):
                if not _encodable(value):
                    message = "holds bytes that are not UTF-8 text (a lone surrogate)"
                    issues.append(Issue(table.lines[i], name, message))
            values = [v.encode("utf-8", "replace").decode("utf-8") for v in values]
        arrays.append(pa.array(values, pa.string()))
    lines = np.asarray(table.lines, dtype=np.int64)
    columns = StoreColumns(str(table.path or "incidents"), list(table.columns),
                           pa.table(arrays, names=list(table.columns)), lines)  # fmt: skip
    checked = check(columns, today=today, admin=admin, places=places, duplicates=warnings)
    issues = sorted(issues + checked.errors, key=lambda issue: (issue.line, issue.column))
    if issues:
        raise IncidentValidationError(columns.name, issues)
    for warning in checked.warnings:
        if warning not in checked.parsed.warnings:
            log.warning("warning: %s", warning.describe(columns.name))
    return checked.parsed


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(table: pa.Table, found: _Found) -> None:
    """Refuse fields the store could not be read back with, and NUL characters."""
    for name, column in zip(table.column_names, table.columns, strict=True):
        lengths = pc.utf8_length(column).to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(lengths > MAX_FIELD_CHARS).tolist():
            message = f"is {lengths[row]:,} characters long; the limit is {MAX_FIELD_CHARS:,}"
            found.add(np.array([row]), name, message)
        nul = pc.match_substring(column, "\x00").to_numpy(zero_copy_only=False)
        found.add(np.flatnonzero(nul), name, "contains a NUL character (\\x00); remove it")


def _unique_ids(ids: pa.ChunkedArray, found: _Found) -> None:
    """Refuse the second and later rows of an id (a group-by on the id's codes)."""
    codes, dictionary = _encoded(ids)  # ids are mostly distinct: no Python list of them
    if not len(codes):
        return
    counts = np.bincount(codes, minlength=len(dictionary))
    first = np.full(len(dictionary), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    repeated = np.flatnonzero((counts[codes] > 1) & (first[codes] != np.arange(len(codes))))
    texts = {int(c): dictionary[int(c)].as_py() for c in np.unique(codes[repeated]).tolist()}
    repeated = repeated[[bool(texts[int(codes[i])]) for i in repeated.tolist()]]
    found.add(repeated, "event_id_cnty", lambda i: (
        f"{texts[int(codes[i])]!r} is used {counts[codes[i]]} times (ids must be unique)"
    ))  # fmt: skip


_NO_DATE = -(2**62)


def _day_of(raw: str) -> int:
    """Days since 1970-01-01 of an ISO date (what ``date.fromisoformat`` reads), or _NO_DATE."""
    try:
        return (dt.date.fromisoformat(raw.strip()) - dt.date(1970, 1, 1)).days
    except ValueError:
        return _NO_DATE


def _dates(table: pa.Table, today: dt.date, found: _Found) -> NDArray[np.datetime64]:
    days, codes, texts = _per_value(table.column("event_date"), _day_of, np.int64)
    known = days != _NO_DATE
    given = np.array([bool(t.strip()) for t in texts], dtype=bool)[codes] if texts else known
    found.add(np.flatnonzero(~known & given), "event_date", lambda i: (
        f"{texts[codes[i]]!r} is not a date in YYYY-MM-DD form"
    ))  # fmt: skip
    out = np.where(known, days, 0).astype("datetime64[D]")
    out[~known] = np.datetime64("NaT")
    first, last = np.datetime64(FIRST_DATE, "D"), np.datetime64(today, "D")
    found.add(np.flatnonzero(known & (out < first)), "event_date", lambda i: (
        f"{out[i].astype(dt.date)} is before {FIRST_DATE} (the data start in 2011)"
    ))  # fmt: skip
    found.add(np.flatnonzero(known & (out > last)), "event_date", lambda i: (
        f"{out[i].astype(dt.date)} is in the future (today is {today})"
    ))  # fmt: skip
    year, year_codes, years = _per_value(table.column("year"), _year_given, np.int64)
    year_of = out.astype("datetime64[Y]").astype(np.int64) + 1970
    wrong = np.flatnonzero((year != -1) & known & (year != year_of))
    found.add(wrong, "year", lambda i: (
        f"{years[year_codes[i]]!r} does not match event_date {out[i]}"
    ))  # fmt: skip
    return out


def _year_given(raw: str) -> int:
    """Return the year a ``year`` cell gives: -1 when empty, -2 when not a plain number."""
    text = raw.strip()
    if not text:
        return -1
    return int(text) if text.isascii() and text.isdigit() and str(int(text)) == text else -2


def _enums(table: pa.Table, found: _Found) -> None:
    event_codes, event_texts = _distinct(table.column("event_type"))
    sub_codes, sub_texts = _distinct(table.column("sub_event_type"))
    width = max(len(sub_texts), 1)
    pairs, inverse = np.unique(event_codes * width + sub_codes, return_inverse=True)
    inverse = inverse.ravel()
    verdicts = [_event_problem(event_texts[p // width], sub_texts[p % width]) for p in pairs]
    for k, verdict in enumerate(verdicts):
        if verdict is not None:
            found.add(np.flatnonzero(inverse == k), *verdict)
    for name, allowed, message in (
        ("disorder_type", ("", *DISORDER_TYPES), f"is not one of {', '.join(DISORDER_TYPES)}"),
        ("civilian_targeting", CIVILIAN_TARGETING, "must be empty or 'Civilian targeting'"),
    ):
        _allowed_values(table.column(name), name, allowed, message, found)


def _allowed_values(
    column: pa.ChunkedArray, name: str, allowed: tuple[str, ...], message: str, found: _Found
) -> None:
    ok, codes, texts = _per_value(column, allowed.__contains__, bool)
    found.add(np.flatnonzero(~ok), name, lambda i: f"{texts[codes[i]]!r} {message}")


def _event_problem(event: str, sub: str) -> tuple[str, str] | None:
    if event and event not in EVENT_TYPES:
        return "event_type", f"{event!r} is not an ACLED event type ({', '.join(EVENT_TYPES)})"
    if sub and sub not in SUB_EVENT_TYPES:
        return "sub_event_type", f"{sub!r} is not an ACLED sub-event type"
    if event and sub and SUB_EVENT_TYPES[sub] != event:
        return "sub_event_type", f"{sub!r} belongs to {SUB_EVENT_TYPES[sub]!r}, not {event!r}"
    return None


def _codes(
    column: pa.ChunkedArray, name: str, allowed: tuple[int, ...], found: _Found, *, required: bool
) -> NDArray[np.int64]:
    by_text = {str(code): code for code in allowed}
    out, codes, texts = _per_value(column, lambda v: by_text.get(v.strip(), 0), np.int64)
    names = ", ".join(str(code) for code in allowed)
    given = np.array([bool(t.strip()) for t in texts], dtype=bool)
    given_rows = given[codes] if len(texts) else np.zeros(0, dtype=bool)
    found.add(np.flatnonzero((out == 0) & given_rows), name, lambda i: (
        f"{texts[codes[i]]!r} is not one of {names}"
    ))  # fmt: skip
    if required:
        found.add(np.flatnonzero((out == 0) & ~given_rows), name, f"is empty (use {names})")
    return out


def _count_of(raw: str) -> float:
    """Return a casualty count: NaN when empty, -1 when not a whole number ≥ 0."""
    value = raw.strip()
    if not value:
        return math.nan
    return float(int(value)) if value.isascii() and value.isdigit() else -1.0


def _counts(column: pa.ChunkedArray, name: str, found: _Found) -> NDArray[np.float64]:
    out, codes, texts = _per_value(column, _count_of, np.float64)
    found.add(np.flatnonzero(out < 0), name, lambda i: (
        f"{texts[codes[i]]!r} is not a whole number ≥ 0 (leave it empty when not reported)"
    ))  # fmt: skip
    return np.where(out < 0, np.nan, out)


def _number_of(raw: str, low: float, high: float) -> float | str:
    """Return the number, or the problem with it."""
    try:
        value = float(raw)
    except ValueError:
        return f"{raw!r} is not a number" if raw.strip() else "is empty"
    if not math.isfinite(value) or not low <= value <= high:
        return f"{raw!r} is outside {low}..{high}"
    return value


#: Plain decimal numbers, which pyarrow casts as ``float`` reads them; any other text (an
#: underscore, Arabic digits, "inf", a problem) goes through ``float`` itself.
_DECIMAL = r"^[ \t]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t]*$"


def _numbers(
    column: pa.ChunkedArray, name: str, low: float, high: float, found: _Found
) -> NDArray[np.float64]:
    codes, plain = _encoded(column)  # positions are mostly distinct: Arrow, then Python
    decimal = pc.match_substring_regex(plain, _DECIMAL).to_numpy(zero_copy_only=False)
    texts = _Texts(plain)
    values = np.full(len(plain), np.nan)
    if decimal.any():
        chosen = pc.utf8_trim(plain.filter(pa.array(decimal)), " \t")
        values[decimal] = pc.cast(chosen, pa.float64()).to_numpy(zero_copy_only=False)
    problems: dict[int, str] = {}
    for k in np.flatnonzero(~decimal).tolist():
        verdict = _number_of(texts[k], low, high)
        if isinstance(verdict, str):
            problems[k] = verdict
        else:
            values[k] = verdict
    outside = decimal & ((values < low) | (values > high) | ~np.isfinite(values))
    for k in np.flatnonzero(outside).tolist():
        problems[k] = str(_number_of(texts[k], low, high))
        values[k] = np.nan
    if problems:
        bad = np.zeros(len(plain), dtype=bool)
        bad[list(problems)] = True
        found.add(np.flatnonzero(bad[codes]), name, lambda i: problems[int(codes[i])])
    return values[codes] if len(plain) else np.zeros(0, dtype=np.float64)


class _Texts:
    """The texts of an Arrow array, turned into Python strings one at a time."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array

    def __getitem__(self, k: int) -> str:
        value: str = self.array[k].as_py()
        return value


def _in_area(parsed: Parsed, admin: AdminAreas, found: _Found) -> list[Issue]:
    """Refuse points outside the polygons by more than the tolerance; warn for the rest."""
    lon, lat = parsed.lon, parsed.lat
    valid = np.isfinite(lon) & np.isfinite(lat)
    inside = np.zeros(len(lon), dtype=bool)
    inside[valid] = admin.contains(lon[valid], lat[valid])
    outside = np.flatnonzero(valid & ~inside)
    if not len(outside):
        return []
    dist_m = admin.distance_outside_m(lon[outside], lat[outside])
    near = dist_m <= BOUNDARY_TOLERANCE_M
    warnings = [
        Issue(int(found.lines[i]), "latitude", (
            f"({lat[i]}, {lon[i]}) lat, lon lies {d / 1000:.2f} km outside the boundary "
            f"polygons of north-west Syria; kept (within {BOUNDARY_TOLERANCE_M / 1000:.0f} km)"
        ), "warning")
        for i, d in zip(outside[near].tolist(), dist_m[near].tolist(), strict=True)
    ]  # fmt: skip
    far = outside[~near]
    swapped = admin.contains(lat[far], lon[far]) if len(far) else np.zeros(0, dtype=bool)
    for i, is_swapped in zip(far.tolist(), swapped.tolist(), strict=True):
        where = f"({lat[i]}, {lon[i]}) lat, lon lies outside north-west Syria"
        found.add(np.array([i]), "latitude", (
            f"{where}; latitude and longitude look swapped" if is_swapped
            else f"{where} (the map's area)"
        ))  # fmt: skip
    return warnings


def _place_agrees(table: pa.Table, parsed: Parsed, places: dict[str, Place], found: _Found) -> None:
    chosen, codes, texts = _per_value(table.column("place_id"), places.get)
    given = np.array([bool(t) for t in texts], dtype=bool)[codes] if texts else np.zeros(0, bool)
    unknown = given & np.array([p is None for p in chosen.tolist()], dtype=bool)
    found.add(np.flatnonzero(unknown), "place_id", lambda i: (
        f"{texts[codes[i]]!r} is not in the gazetteer"
    ))  # fmt: skip
    known = np.flatnonzero(given & ~unknown & np.isfinite(parsed.lon) & np.isfinite(parsed.lat))
    if not len(known):
        return
    place_list = chosen[known].tolist()
    dist_m = 1000 * _haversine_km(
        np.array([p.position.lon for p in place_list]),
        np.array([p.position.lat for p in place_list]),
        parsed.lon[known], parsed.lat[known],
    )  # fmt: skip
    limit_m = np.array([p.precision_m for p in place_list]) + PLACE_TOLERANCE_M
    locations = table.column("location")
    for k in np.flatnonzero(dist_m > limit_m).tolist():
        i, place = int(known[k]), place_list[k]
        found.add(np.array([i]), "latitude", (
            f"the coordinates lie {dist_m[k] / 1000:,.1f} km from {place.name_en} "
            f"(place_id {texts[codes[i]]!r}, location {locations[i].as_py()!r}): which is right?"
        ))  # fmt: skip


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


def place_keys(table: pa.Table) -> tuple[NDArray[np.int64], list[str]]:
    """Return each row's place key (``place_id``, else the folded location) as codes."""
    pid_codes, pids = _distinct(table.column("place_id"))
    loc_codes, locations = _distinct(table.column("location"))
    keys = [pid or "" for pid in pids] + [loc.strip().casefold() for loc in locations]
    key_of_pid = np.arange(len(pids))
    has_pid = np.array([bool(p) for p in pids], dtype=bool)[pid_codes] if pids else (
        np.zeros(0, dtype=bool))  # fmt: skip
    combined = np.where(has_pid, key_of_pid[pid_codes] if pids else 0, len(pids) + loc_codes)
    unique_keys, remap = np.unique(np.array(keys, dtype=object), return_inverse=True)
    return remap.ravel()[combined], unique_keys.tolist()


def _duplicates(
    table: pa.Table, parsed: Parsed, lines: NDArray[np.int64], keep: NDArray[np.bool_]
) -> list[Issue]:
    """Warn about rows with the same date, place and sub-event type (the same event twice?)."""
    rows = np.flatnonzero(keep)
    if not len(rows):
        return []
    place, _ = place_keys(table)
    sub_codes, subs = _distinct(table.column("sub_event_type"))
    day = parsed.date[rows].astype(np.int64)
    day -= day.min()
    # One integer key per row (day, place, type), grouped by a 1-D unique.
    span_place, span_sub = int(place.max()) + 1, max(len(subs), 1)
    keys = (day * span_place + place[rows]) * span_sub + sub_codes[rows]
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for k in np.flatnonzero(counts[inverse] > 1).tolist():
        groups[int(inverse[k])].append(int(rows[k]))
    if not groups:
        return []
    # Only the first four rows of a group are ever named: their ids, not the whole column's.
    named_rows = sorted({j for members in groups.values() for j in members[:4]})
    id_texts = table.column("event_id_cnty").take(pa.array(named_rows, pa.int64())).to_pylist()
    ids = dict(zip(named_rows, id_texts, strict=True))
    warnings = []
    for members in groups.values():
        when, sub = parsed.date[members[0]], subs[sub_codes[members[0]]]
        for i in members[1:]:
            # Name up to three others: a day with hundreds of shellings of one village must
            # not make a message (and a build) quadratic in their number.
            others = [ids[j] for j in members[:4] if j != i][:3]
            more = len(members) - 1 - len(others)
            named = ", ".join(others) + (f" and {more} more" if more else "")
            message = f"same date ({when}), place and type ({sub}) as {named}"
            warnings.append(Issue(int(lines[i]), "event_id_cnty", message, "warning"))
    return sorted(warnings, key=lambda issue: issue.line)
