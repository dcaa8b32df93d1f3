"""Add incidents to the store: geocode, validate, refuse duplicates, write atomically under a lock.

A failed add leaves the store byte-for-byte as it was: the new rows are checked together
with the whole store before anything is written, and the write is a rename of a complete
temporary file. Concurrent adds queue on a lock file, so each sees the previous one's rows.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geo.coords import LonLat
from geo.csvfile import lf_line_breaks, read_rows
from geo.errors import AmbiguousPlaceError, DataFileError, PlaceNotFoundError
from geo.incidents.issues import IncidentValidationError, Issue
from geo.incidents.schema import DISORDER_OF_EVENT, ID_PREFIX, INCIDENT_COLUMNS, event_kind
from geo.incidents.store import StoreText, store_text, update_store
from geo.incidents.table import IncidentTable, empty_table, parse_table, strict_columns
from geo.incidents.validate import validate

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    import pyarrow as pa

    from geo.admin import AdminAreas
    from geo.geocode import Gazetteer
    from geo.incidents.columns import StoreColumns
    from geo.places import Place

#: The columns an add compares new rows with (ids, events, order).
ADD_COLUMNS = ("event_id_cnty", "event_date", "place_id", "location", "sub_event_type")
#: A position this close to a gazetteer place is named after it.
SAME_PLACE_KM = 2.0
_ID_NUMBER = re.compile("^" + re.escape(ID_PREFIX) + r"(?P<number>\d+)$")


class DuplicateIncidentError(DataFileError):
    """A new incident has the same date, place and type as one already in the store."""


@dataclass(frozen=True, slots=True)
class NewIncident:
    """What an analyst gives for one incident; ``place`` or ``position`` says where."""

    date: str
    kind: str
    source: str
    place: str = ""
    position: LonLat | None = None
    actor1: str = ""
    assoc_actor_1: str = ""
    actor2: str = ""
    assoc_actor_2: str = ""
    fatalities: int | None = None
    injured: int | None = None
    source_url: str = ""
    notes: str = ""
    tags: str = ""
    time_precision: int = 1
    geo_precision: int | None = None
    civilian_targeting: bool = False
    source_scale: str = ""

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> NewIncident:
        """Return the incident the ``add`` command's options describe.

        Raises
        ------
        ValueError
            A required option is missing, or only one of latitude and longitude is given.
        """
        if not (options.get("date") and options.get("type") and options.get("source")):
            raise ValueError("add needs --date, --type and --source (or --from FILE)")
        lat, lon = options.get("lat"), options.get("lon")
        if (lat is None) != (lon is None):
            raise ValueError("give both --lat and --lon")
        text = {key: str(options.get(key) or "") for key in _TEXT_OPTIONS}
        return cls(
            date=text["date"], kind=text["type"], source=text["source"], place=text["place"],
            position=LonLat(float(lon), float(lat)) if lat is not None and lon is not None
            else None,
            actor1=text["actor1"], assoc_actor_1=text["assoc_actor1"], actor2=text["actor2"],
            assoc_actor_2=text["assoc_actor2"], fatalities=options.get("fatalities"),
            injured=options.get("injured"), source_url=text["source_url"], notes=text["notes"],
            tags=text["tags"], time_precision=int(options.get("time_precision") or 1),
            geo_precision=options.get("geo_precision"),
            civilian_targeting=bool(options.get("civilian_targeting")),
        )  # fmt: skip


_TEXT_OPTIONS = ("date", "type", "source", "place", "actor1", "assoc_actor1", "actor2",
                 "assoc_actor2", "source_url", "notes", "tags")  # fmt: skip


def prepare_row(new: NewIncident, *, gazetteer: Gazetteer, admin: AdminAreas) -> dict[str, str]:
    """Turn a :class:`NewIncident` into a store row (without id).

    Raises
    ------
    PlaceNotFoundError, AmbiguousPlaceError
        The place name does not resolve to one place (the message lists candidates).
    ValueError
        An unknown event type, or neither a place nor a position.
    """
    kind = event_kind(new.kind)
    place_id, location = "", new.place.strip()
    if new.position is None:
        if not location:
            raise ValueError("give a place name or a position (latitude and longitude)")
        match = gazetteer.resolve(location)
        position, place_id, location = (
            match.place.position,
            match.place.place_id,
            match.place.name_en,
        )
        geo_precision = new.geo_precision or (3 if match.place.kind == "area" else 1)
    else:
        position = new.position
        if not location:
            ((nearest, dist_km),) = gazetteer.nearest(position)
            location = (
                nearest.name_en
                if dist_km < SAME_PLACE_KM
                else f"{dist_km:.1f} km from {nearest.name_en}"
            )
        geo_precision = new.geo_precision or 1
    area = admin.at(position)
    tags = ";".join(t for t in (new.tags, kind.tag) if t)
    return {
        "event_date": new.date.strip(),
        "year": new.date.strip()[:4],
        "time_precision": str(new.time_precision),
        "disorder_type": DISORDER_OF_EVENT[kind.event_type],
        "event_type": kind.event_type,
        "sub_event_type": kind.sub_event_type,
        "actor1": new.actor1, "assoc_actor_1": new.assoc_actor_1,
        "actor2": new.actor2, "assoc_actor_2": new.assoc_actor_2,
        "civilian_targeting": "Civilian targeting" if new.civilian_targeting else "",
        "iso": "760", "country": "Syria",
        "admin1": area.admin1 if area else "", "admin2": area.admin2 if area else "",
        "admin3": area.admin3 if area else "",
        "location": location,
        "latitude": f"{position.lat:.5f}", "longitude": f"{position.lon:.5f}",
        "geo_precision": str(geo_precision),
        "source": new.source, "source_scale": new.source_scale, "notes": new.notes,
        "fatalities": "" if new.fatalities is None else str(new.fatalities),
        "injured": "" if new.injured is None else str(new.injured),
        "tags": tags, "timestamp": str(int(dt.datetime.now(tz=dt.UTC).timestamp())),
        "source_url": new.source_url, "place_id": place_id,
    }  # fmt: skip


def rows_from_file(
    path: Path, *, gazetteer: Gazetteer, admin: AdminAreas
) -> list[tuple[str, dict[str, str]]]:
    """Read rows to add from a CSV in the store's schema (e.g. reviewed ``candidates.csv``).

    Rows need ``event_date``, ``source`` and a type (``sub_event_type`` or a ``type``
    alias); a row without coordinates is geocoded from ``location``. Rows whose ``status``
    column says ``reject``, ``rejected``, ``drop`` or ``no`` are skipped, so an analyst can
    review candidates in place; a ``needs_date`` row (``ingest`` found no date) is refused
    until its ``event_date`` is filled in.

    Returns
    -------
    list of (origin, row)
        ``origin`` names the file and line, for messages.

    Raises
    ------
    DataFileError
        Naming the file, line and column of the first row that cannot be used.
    """
    rows = []
    for record in read_rows(path, required_columns=("event_date", "source")):
        row, line = record.values, record.line
        if row.get("status", "").strip().casefold() in {"reject", "rejected", "drop", "no"}:
            continue
        if row.get("status", "").strip() == "needs_date" and not row.get("event_date", "").strip():
            msg = (
                f"{path}, line {line}, column 'event_date': this candidate has no date (status "
                "needs_date: the report gave no publication date); fill in event_date as "
                "YYYY-MM-DD (and time_precision), or set status to reject"
            )
            raise DataFileError(msg)
        try:
            new = NewIncident(
                date=row.get("event_date", ""),
                kind=row.get("sub_event_type") or row.get("type", ""),
                source=row.get("source", ""),
                place=row.get("location", ""),
                position=_position(row),
                actor1=row.get("actor1", ""), assoc_actor_1=row.get("assoc_actor_1", ""),
                actor2=row.get("actor2", ""), assoc_actor_2=row.get("assoc_actor_2", ""),
                fatalities=_count(row.get("fatalities", "")),
                injured=_count(row.get("injured", "")),
                source_url=row.get("source_url", ""), notes=row.get("notes", ""),
                tags=row.get("tags", ""),
                time_precision=int(row.get("time_precision") or 1),
                geo_precision=int(row["geo_precision"]) if row.get("geo_precision") else None,
                civilian_targeting=row.get("civilian_targeting", "") == "Civilian targeting",
                source_scale=row.get("source_scale", ""),
            )  # fmt: skip
            prepared = prepare_row(new, gazetteer=gazetteer, admin=admin)
        except (PlaceNotFoundError, AmbiguousPlaceError) as exc:
            raise DataFileError(f"{path}, line {line}, column 'location': {exc}") from None
        except ValueError as exc:
            column = _column_of(exc, row)
            where = f", column {column!r}" if column else ""
            raise DataFileError(f"{path}, line {line}{where}: {exc}") from None
        if row.get("event_id_cnty", "").strip():
            prepared["event_id_cnty"] = row["event_id_cnty"].strip()
        known = gazetteer.by_id.get(row.get("place_id", "").strip())
        if known is not None and new.position is not None and _same_point(known, new.position):
            prepared["place_id"] = known.place_id  # e.g. a candidate row from `ingest`
        rows.append((f"{path}, line {line}", prepared))
    return rows


def add_rows(
    store: Path,
    rows: list[tuple[str, dict[str, str]]],
    *,
    admin: AdminAreas,
    places: dict[str, Place],
    force: bool = False,
    today: dt.date | None = None,
) -> list[str]:
    """Append ``rows`` (each with its origin, for messages) to ``store``; return their ids.

    Under an exclusive lock: the store is read into columns, the rows get ids after the
    highest ``SYR-IDL-`` number, every check runs on the new rows (their ids and events are
    compared with the stored rows that share an id or a date with them), and only then is
    the store rewritten atomically with the rows in date order. The rest of the store is not
    re-validated here (the build does that), so one bad hand-edited row elsewhere does not
    block today's add.

    Raises
    ------
    IncidentValidationError
        A new row is invalid (nothing is written).
    DuplicateIncidentError
        A new row looks like an existing event and ``force`` is False (nothing is written).
    """
    added: list[str] = []
    # Every check that needs no stored row first: a bad add never waits for the lock.
    check_new_rows(rows, stored=empty_table(), new_id=lambda origin: origin, admin=admin,
                   places=places, force=force, today=today, store_name=store)  # fmt: skip

    def change(data: bytes) -> bytes:
        columns = strict_columns(StoreText(data, str(store), ""))
        numbers = itertools.count(1 + _highest_number(columns.text("event_id_cnty")))
        new = check_new_rows(
            rows, stored=_related_rows(columns, rows),
            new_id=lambda _: f"{ID_PREFIX}{next(numbers):06d}",
            admin=admin, places=places, force=force, today=today, store_name=store,
        )  # fmt: skip
        added[:] = new.data["event_id_cnty"]
        return _with_rows(store, data, columns, new)

    update_store(store, change, header=_header_text())
    return added


def check_new_rows(
    rows: list[tuple[str, dict[str, str]]],
    *,
    stored: IncidentTable,
    new_id: Callable[[str], str],
    admin: AdminAreas,
    places: dict[str, Place],
    force: bool,
    today: dt.date | None,
    store_name: object,
) -> IncidentTable:
    """Check rows to add against each other and against ``stored``; return them as a table.

    The checks of every add, whatever the store: each row is validated as the build
    validates the store, an id given is refused if ``stored`` has it, and a row with the
    date, place and type of another new row or a stored one is refused unless ``force``.

    Parameters
    ----------
    rows
        (origin, row) pairs; the origin names the row in messages.
    stored
        The stored rows to compare with, in :data:`ADD_COLUMNS` (all of them, or those that
        share a date and type or an id with the new rows).
    new_id
        Returns the id of a row given without one (called with the row's origin).
    store_name
        How messages name the store.

    Raises
    ------
    IncidentValidationError
        A new row is invalid or reuses a stored id.
    DuplicateIncidentError
        A new row looks like an existing event and ``force`` is False.
    """
    new = empty_table()
    new.path = stored.path
    origins: dict[int, str] = {}
    for line, (origin, given) in enumerate(rows, start=1):
        row = dict(given)
        if not row.get("event_id_cnty"):
            row["event_id_cnty"] = new_id(origin)
        new.append(row, line=line)
        origins[line] = origin
    try:
        parsed = validate(
            new, today=today or dt.datetime.now(tz=dt.UTC).date(), admin=admin, places=places
        )
    except IncidentValidationError as exc:
        raise _for_new_rows(exc, origins, store_name) from None
    _check_against_store(stored, new, origins, store_name)
    clashes = [(origins[w.line], w.message) for w in parsed.warnings]
    clashes += _same_events(stored, new, origins)
    if clashes and not force:
        details = "; ".join(f"{origin} has the {message}" for origin, message in clashes)
        msg = f"nothing added: {details}. Add --force to add it anyway."
        raise DuplicateIncidentError(msg)
    return new


def _check_against_store(
    table: IncidentTable, new: IncidentTable, origins: dict[int, str], store_name: object
) -> None:
    taken = set(table.data["event_id_cnty"])
    issues = [
        Issue(0, "event_id_cnty", f"{event_id!r} is already in the store", origin=origins[line])
        for event_id, line in zip(new.data["event_id_cnty"], new.lines, strict=True)
        if event_id in taken
    ]
    if issues:
        raise IncidentValidationError(f"{store_name} (nothing added)", issues)


def _event_key(table: IncidentTable, i: int) -> tuple[str, str, str]:
    data = table.data
    place = data["place_id"][i] or data["location"][i].strip().casefold()
    return data["event_date"][i].strip(), place, data["sub_event_type"][i]


def _same_events(
    table: IncidentTable, new: IncidentTable, origins: dict[int, str]
) -> list[tuple[str, str]]:
    """Return (origin, message) for new rows with the same date, place and type as a stored one."""
    wanted = {_event_key(new, i): line for i, line in enumerate(new.lines)}
    data = table.data
    stored = zip(
        data["event_date"], data["place_id"], data["location"], data["sub_event_type"], strict=True
    )
    clashes = []
    for i, (day, place_id, location, sub) in enumerate(stored):
        key = (day.strip(), place_id or location.strip().casefold(), sub)
        if key in wanted:
            message = f"same date ({key[0]}), place and type ({sub}) as {data['event_id_cnty'][i]}"
            clashes.append((origins[wanted[key]], message))
    return clashes


def _highest_number(ids: pa.ChunkedArray) -> int:
    """Return the highest number of an id ``SYR-IDL-<digits>`` (0 when there is none)."""
    import pyarrow.compute as pc  # noqa: PLC0415

    digits = pc.struct_field(pc.extract_regex(ids, _ID_NUMBER.pattern).drop_null(), "number")
    return max((int(value) for value in digits.to_pylist()), default=0)


def _related_rows(columns: StoreColumns, rows: list[tuple[str, dict[str, str]]]) -> IncidentTable:
    """Return the stored rows that share a date or an id with ``rows``, in :data:`ADD_COLUMNS`.

    Those are the only rows :func:`check_new_rows` can find a clash with (a new id is
    numbered past every stored one), so the other 99,999 of a large store stay in columns.
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    days = pa.array(sorted({row.get("event_date", "").strip() for _, row in rows}), pa.string())
    given = pa.array(sorted({r["event_id_cnty"] for _, r in rows if r.get("event_id_cnty")}),
                     pa.string())  # fmt: skip
    table = columns.table
    related = pc.or_(
        pc.is_in(pc.utf8_trim_whitespace(table.column("event_date")), value_set=days),
        pc.is_in(table.column("event_id_cnty"), value_set=given),
    )
    chosen = table.select(list(ADD_COLUMNS)).filter(related)
    return IncidentTable(
        columns=list(ADD_COLUMNS),
        data={name: chosen.column(name).to_pylist() for name in ADD_COLUMNS},
        lines=columns.lines[related.to_numpy(zero_copy_only=False)].tolist(),
    )


def _with_rows(store: Path, data: bytes, columns: StoreColumns, new: IncidentTable) -> bytes:
    """Return the store's bytes with the new rows in date order.

    When the file is already in order with one row per line and every schema column, the
    new lines are spliced into the original bytes, leaving every other byte as it was;
    otherwise the whole table is rewritten in the store's canonical form.
    """
    import numpy as np  # noqa: PLC0415

    dates, ids = columns.text("event_date"), columns.text("event_id_cnty")
    first_body_line = 2
    # One record per LF-ended line (no record holds a line break), in order: splice. Split
    # at LF only: CR, U+2028, \v, \f … may sit inside fields.
    body = data if data.endswith(b"\n") or not data else data + b"\n"
    breaks = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == ord("\n"))
    simple = (
        columns.header[: len(INCIDENT_COLUMNS)] == list(INCIDENT_COLUMNS)
        and np.array_equal(columns.lines, np.arange(first_body_line, first_body_line + len(ids)))
        and len(breaks) == len(ids) + 1
        and _in_order(dates, ids)
    )
    if not simple:
        table = parse_table(store_text(data, store), store)  # every column, to rewrite it all
        for i in range(len(new)):
            table.append(new.row(i), line=0)
        table.sort()
        return table.to_csv().encode("utf-8")
    keys = _Keys(dates, ids)
    newline = "\r\n" if body[int(breaks[0]) - 1 : int(breaks[0])] == b"\r" else "\n"
    starts = np.concatenate([[0], breaks + 1])  # where each line begins, then the end
    inserts: dict[int, list[bytes]] = {}
    for i in sorted(
        range(len(new)), key=lambda k: (new.data["event_date"][k], new.data["event_id_cnty"][k])
    ):
        key = (new.data["event_date"][i], new.data["event_id_cnty"][i])
        at = bisect.bisect_right(keys, key) + 1  # + 1 for the header line
        out = io.StringIO()
        values = lf_line_breaks([new.data[c][i] if c in new.data else "" for c in columns.header])
        csv.writer(out, lineterminator=newline).writerow(values)
        inserts.setdefault(at, []).append(out.getvalue().encode("utf-8"))
    pieces, previous = [], 0
    for at in sorted(inserts):
        pieces.append(body[int(starts[previous]) : int(starts[at])])
        pieces.extend(inserts[at])
        previous = at
    pieces.append(body[int(starts[previous]) :])
    return b"".join(pieces)


def _in_order(dates: pa.ChunkedArray, ids: pa.ChunkedArray) -> bool:
    """Whether the rows are in (date, id) order, compared as Python compares the texts.

    Arrow compares UTF-8 bytes, which order as code points do. On arrays: the Python pairs
    of a 100,000-row store took about 0.1 s to make and compare.
    """
    import pyarrow.compute as pc  # noqa: PLC0415

    if len(dates) < 2:  # noqa: PLR2004 - a pair needs two rows
        return True
    d0, d1, i0, i1 = dates[:-1], dates[1:], ids[:-1], ids[1:]
    ordered = pc.or_(pc.less(d0, d1), pc.and_(pc.equal(d0, d1), pc.less_equal(i0, i1)))
    return bool(pc.all(ordered).as_py())


class _Keys:
    """The stored rows' (date, id) keys as a sequence for :mod:`bisect`, read as it asks.

    A search reads about 17 keys of 100,000 as Python strings, not all of them.
    """

    def __init__(self, dates: pa.ChunkedArray, ids: pa.ChunkedArray) -> None:
        self.dates, self.ids = dates, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, k: int) -> tuple[str, str]:
        return self.dates[k].as_py(), self.ids[k].as_py()


def _header_text() -> str:
    return ",".join(INCIDENT_COLUMNS) + "\n"


def _for_new_rows(
    exc: IncidentValidationError, origins: dict[int, str], store_name: object
) -> IncidentValidationError:
    """Name errors of new rows by their origin (``the new incident``, or a file and line)."""
    issues = [
        Issue(0, issue.column, issue.message, origin=origins[issue.line])
        if issue.line in origins
        else issue
        for issue in exc.issues
    ]
    return IncidentValidationError(f"{store_name} (nothing added)", issues)


def _position(row: dict[str, str]) -> LonLat | None:
    lat, lon = row.get("latitude", "").strip(), row.get("longitude", "").strip()
    if not lat and not lon:
        return None
    try:
        return LonLat(lon=float(lon), lat=float(lat))
    except ValueError:
        raise ValueError(f"latitude {lat!r} / longitude {lon!r} are not numbers") from None


def _column_of(exc: ValueError, row: dict[str, str]) -> str:
    """Name the column a row's ValueError is about, when the message or value shows it."""
    message = str(exc)
    if "event type" in message:
        return "sub_event_type" if row.get("sub_event_type") else "type"
    for column in ("time_precision", "geo_precision", "latitude", "longitude", "fatalities",
                   "injured"):  # fmt: skip
        value = row.get(column, "").strip()
        if value and repr(value) in message:
            return column
    return ""


def _same_point(place: Place, position: LonLat) -> bool:
    return (round(place.position.lon, 5), round(place.position.lat, 5)) == (
        round(position.lon, 5),
        round(position.lat, 5),
    )


def _count(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a whole number ≥ 0")
    return int(text)
