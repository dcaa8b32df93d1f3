"""The store seam: the incident store read as CSV bytes, and changed under a lock.

Everything that reads the store goes through :func:`read_store`, which returns the CSV as
bytes with a display name and their SHA-256 (:class:`StoreText`); everything that changes it
goes through :func:`update_store`, a read-modify-write of the CSV text under an exclusive
lock, written atomically. Today the store is a file. A database store (issue 17) supplies
the same CSV text (``COPY … TO STDOUT``) to the same reader, so a map built from a database
is byte for byte the map built from the equivalent file, and implements the same update.

:func:`load_store` is the strict, whole-store reading that tools and analyses use (the
build itself reads through :mod:`geo.incidents.columns` and :mod:`geo.incidents.validate`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.atomic import atomic_write_bytes
from geo.coords import LonLat
from geo.errors import DataFileError
from geo.filelock import locked
from geo.limits import MAX_STORE_BYTES, check_file_size, check_store_lines

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from geo.admin import AdminAreas
    from geo.incidents.issues import Issue
    from geo.incidents.table import IncidentTable
    from geo.incidents.validate import Parsed
    from geo.places import Place

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class StoreText:
    """The store as read once: its CSV bytes (no BOM), a name for messages, their SHA-256."""

    data: bytes
    name: str
    digest: str

    @classmethod
    def of(cls, data: bytes, name: str) -> StoreText:
        """Return the reading of ``data`` (BOM removed), with the digest of what was read."""
        return cls(data.removeprefix(_BOM), name, hashlib.sha256(data).hexdigest())


def read_store(path: Path) -> StoreText:
    """Return the CSV bytes of the store at ``path``, refused unread when over the limits.

    Raises
    ------
    DataFileError
        The file is missing, over :data:`~geo.limits.MAX_STORE_BYTES` or has too many lines.
    """
    check_file_size(path, limit_bytes=MAX_STORE_BYTES, what="an incident store")
    check_store_lines(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    return StoreText.of(data, str(path))


def update_store(path: Path, change: Callable[[bytes], bytes | None], *, header: str) -> None:
    """Apply ``change`` to the store's CSV bytes under the store's lock; write what it returns.

    ``change`` receives the bytes as they are, without a BOM (``header`` when there is no
    store yet), and returns the new bytes, or None to leave the store as it is. Writers queue
    on the lock, so each sees the previous one's rows; the new bytes replace the file
    atomically, so a failure or a kill leaves the store byte for byte as it was.
    """
    with locked(path):
        check_file_size(path, limit_bytes=MAX_STORE_BYTES, what="an incident store")
        check_store_lines(path)
        data = path.read_bytes().removeprefix(_BOM) if path.exists() else header.encode()
        new = change(data)
        if new is not None and new != data:
            atomic_write_bytes(path, new)


def store_text(data: bytes, path: Path) -> str:
    """Return the store's bytes as text.

    Raises
    ------
    DataFileError
        The bytes are not UTF-8 (the message gives the offset of the first bad byte).
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte offset {exc.start}); save it as UTF-8"
        raise DataFileError(msg) from None


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
    """Read and validate the whole store at ``path``, strictly (any error raises).

    Raises
    ------
    DataFileError
        A file-level problem (encoding, malformed CSV, missing columns).
    IncidentValidationError
        Every row-level error, each with its line and column.
    """
    store = check_store_text(read_store(path), today=today, admin=admin, places=places)
    return IncidentStore(path=path, table=store.table, parsed=store.parsed)


def check_store_text(
    text: StoreText,
    *,
    today: dt.date | None = None,
    admin: AdminAreas | None = None,
    places: dict[str, Place] | None = None,
) -> IncidentStore:
    """Validate a store already read (from a file or a database), strictly, as :func:`load_store`.

    Raises
    ------
    DataFileError, IncidentValidationError
        As :func:`load_store`, naming the store by ``text.name``.
    """
    from geo.incidents.columns import read_columns  # noqa: PLC0415 - pyarrow, when used
    from geo.incidents.table import table_from_columns  # noqa: PLC0415
    from geo.incidents.validate import check  # noqa: PLC0415

    columns = read_columns(text)
    checked = check(columns, today=today or dt.datetime.now(tz=dt.UTC).date(), admin=admin,
                    places=places, strict=True)  # fmt: skip
    return IncidentStore(path=text.name, table=table_from_columns(columns), parsed=checked.parsed)


def load_incidents(path: Path, *, today: dt.date | None = None) -> list[Incident]:
    """Read, validate and return the incidents of ``path`` (no area or gazetteer checks)."""
    return load_store(path, today=today).incidents()
