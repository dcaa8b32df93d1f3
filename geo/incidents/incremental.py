"""Load the store's rows for the map, reusing the cached rows of every line that is unchanged.

The cache keeps each record's exact text next to its :class:`~geo.incidents.rows.IncidentRows`
entry. On the next build a record whose text is in the cache is taken from it; only new or
edited records are parsed, validated and classified, then checked against the rest (ids
unique, same-event warnings). A record's result depends only on its text and on the inputs
in the cache key (gazetteer, road, boundaries, code), so reuse gives exactly what a full
load would. Adding one incident to 100,000 therefore costs one row of work plus a pass of
dictionary lookups; an unreadable or foreign cache entry falls back to a full load.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from geo.cache import digest
from geo.errors import DataFileError
from geo.incidents.classify import classify
from geo.incidents.rows import IncidentRows, concat, rows_from_store
from geo.incidents.store import IncidentStore
from geo.incidents.table import parse_table
from geo.incidents.validate import IncidentValidationError, Issue, validate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from numpy.typing import NDArray

    from geo.cache import BuildCache
    from geo.incidents.classify import Classification
    from geo.project import StaticInputs

log = logging.getLogger(__name__)

CACHE_ENTRY = "incident-rows"
_LENGTH_BYTES = 8
#: A line of only these characters holds no values (the CSV reader skips it too).
_BLANK = ' \t\r,"'


@dataclass
class LoadedRows:
    """The rows of the store in file order, their lines, warnings and what was reused."""

    rows: IncidentRows
    lines: NDArray[np.int64]
    warnings: list[Issue] = field(default_factory=list)
    reused: int = 0
    parsed: int = 0
    #: The whole store and its classification, when every record was read in this load.
    store: IncidentStore | None = None
    classification: Classification | None = None


def split_records(text: str) -> tuple[str, list[str], list[int]]:
    r"""Return the header line, each record's exact text and the line it starts on.

    A record spans several lines only inside a quoted field; blank lines are skipped.

    Examples
    --------
    >>> split_records('a,b\n1,"x\ny"\n\n2,z\n')
    ('a,b', ['1,"x\ny"', '2,z'], [2, 5])
    """
    lines = text.split("\n")
    header = lines[0]
    if not any(line.count('"') & 1 for line in lines):
        starts = [i + 1 for i in range(1, len(lines)) if lines[i].strip(_BLANK)]
        return header, [lines[i - 1] for i in starts], starts
    records, starts = [], []
    i = 1
    while i < len(lines):
        start, parts, odd = i, [lines[i]], lines[i].count('"') & 1
        while odd and i + 1 < len(lines):
            i += 1
            parts.append(lines[i])
            odd ^= lines[i].count('"') & 1
        i += 1
        record = "\n".join(parts)
        if record.strip(_BLANK):
            records.append(record)
            starts.append(start + 1)
    return header, records, starts


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte offset {exc.start}); save it as UTF-8"
        raise DataFileError(msg) from None


def _pack(rows: IncidentRows, records: list[str]) -> bytes:
    archive = rows.to_bytes()
    lengths = np.array([len(record) for record in records], dtype=np.int64)
    body = "".join(records).encode("utf-8")
    return b"".join([
        len(archive).to_bytes(_LENGTH_BYTES, "little"), archive,
        len(lengths).to_bytes(_LENGTH_BYTES, "little"), lengths.tobytes(), body,
    ])  # fmt: skip


def _unpack(payload: bytes) -> tuple[IncidentRows, list[str]]:
    """Inverse of :func:`_pack`; ValueError when the payload is not one."""
    size = int.from_bytes(payload[:_LENGTH_BYTES], "little")
    rows = IncidentRows.from_bytes(payload[_LENGTH_BYTES : _LENGTH_BYTES + size])
    at = _LENGTH_BYTES + size
    count = int.from_bytes(payload[at : at + _LENGTH_BYTES], "little")
    at += _LENGTH_BYTES
    lengths = np.frombuffer(payload[at : at + 8 * count], dtype=np.int64)
    body = payload[at + 8 * count :].decode("utf-8")
    if count != len(rows) or len(lengths) != count or int(lengths.sum()) != len(body):
        msg = "record table does not match the rows"
        raise ValueError(msg)
    ends = np.cumsum(lengths).tolist()
    records = [body[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    return rows, records


def load_rows(
    path: Path,
    *,
    cache: BuildCache | None,
    key: str,
    static: Callable[[], StaticInputs],
    today: dt.date | None = None,
) -> LoadedRows:
    """Return the store's rows, reusing cached rows for unchanged records.

    Parameters
    ----------
    path
        The incident store (CSV).
    cache
        Where rows are kept between builds; None to load everything.
    key
        Digest of everything a row's result depends on besides its text (the static inputs).
    static
        Returns the static inputs; called only when some record must be classified.
    today
        Dates after this are refused (default: today, UTC).

    Raises
    ------
    DataFileError
        As :func:`geo.incidents.load_store`, naming the file, line and column.
    """
    text = _read_text(path)
    header, records, starts = split_records(text)
    entry_key = digest(key, header)
    cached: tuple[IncidentRows, list[str]] | None = None
    payload = cache.read(CACHE_ENTRY, key=entry_key) if cache is not None else None
    if payload is not None:
        try:
            cached = _unpack(payload)
        except ValueError as exc:
            log.info("cache %s: corrupt (%s), rebuilding it", CACHE_ENTRY, exc)
    where: dict[str, int] = {}
    if cached is not None:
        where = {record: i for i, record in enumerate(cached[1])}
    hit = np.fromiter((where.get(r, -1) for r in records), dtype=np.int64, count=len(records))
    missing = np.flatnonzero(hit < 0)
    lines = np.asarray(starts, dtype=np.int64)
    parts, positions = [], []
    whole: tuple[IncidentStore, Classification] | None = None
    if cached is not None and len(missing) < len(records):
        found = np.flatnonzero(hit >= 0)
        parts.append(cached[0].take(hit[found]))
        positions.append(found)
    if len(missing):
        store, classes = _load_records(path, text, header, records, missing, lines, static, today)
        parts.append(rows_from_store(store, classes))
        positions.append(missing)
        if len(missing) == len(records):
            whole = (store, classes)
    if parts:
        order = np.argsort(np.concatenate(positions), kind="stable")
        rows = concat(parts).take(order) if len(parts) > 1 else parts[0].take(order)
    else:
        rows = _empty_rows(path, text, static, today)
    _check_unique_ids(path, rows, lines)
    if cache is not None and (len(missing) or cached is None or len(cached[1]) != len(records)):
        cache.write(CACHE_ENTRY, _pack(rows.compact(), records), key=entry_key)
    return LoadedRows(
        rows=rows,
        lines=lines,
        warnings=same_event_warnings(rows, lines),
        reused=len(records) - len(missing),
        parsed=len(missing),
        store=whole[0] if whole else None,
        classification=whole[1] if whole else None,
    )


def _load_records(
    path: Path,
    text: str,
    header: str,
    records: list[str],
    missing: NDArray[np.int64],
    lines: NDArray[np.int64],
    static: Callable[[], StaticInputs],
    today: dt.date | None,
) -> tuple[IncidentStore, Classification]:
    """Parse, validate and classify the records at ``missing``."""
    if len(missing) == len(records):
        table = parse_table(text, path)
        if len(table) != len(records):
            msg = f"{path}: line endings not understood; save it with LF or CRLF line endings"
            raise DataFileError(msg)
    else:
        subset = header + "\n" + "\n".join(records[i] for i in missing) + "\n"
        try:
            table = parse_table(subset, path)
        except DataFileError:
            parse_table(text, path)  # raises the same problem with the file's own line numbers
            raise
        if len(table) != len(missing):
            table = parse_table(text, path)
            msg = f"{path}: records changed while reading; build again"
            raise DataFileError(msg)
    table.lines = lines[missing].tolist()
    inputs = static()
    parsed = validate(
        table,
        today=today or dt.datetime.now(tz=dt.UTC).date(),
        admin=inputs.admin,
        places=inputs.places_by_id,
        warnings=False,
    )
    store = IncidentStore(path=path, table=table, parsed=parsed)
    classes = classify(store, index=inputs.corridor_index, places=inputs.places, admin=inputs.admin)
    return store, classes


def _empty_rows(
    path: Path, text: str, static: Callable[[], StaticInputs], today: dt.date | None
) -> IncidentRows:
    """Return the rows of a store with a header and no records (the header is still checked)."""
    table = parse_table(text, path)
    inputs = static()
    parsed = validate(table, today=today or dt.datetime.now(tz=dt.UTC).date())
    store = IncidentStore(path=path, table=table, parsed=parsed)
    classes = classify(store, index=inputs.corridor_index, places=inputs.places, admin=inputs.admin)
    return rows_from_store(store, classes)


def _check_unique_ids(path: Path, rows: IncidentRows, lines: NDArray[np.int64]) -> None:
    """Raise when an id appears twice (a new record reusing a cached record's id)."""
    codes = rows.text["event_id"]
    unique, counts = np.unique(codes, return_counts=True)
    if (counts == 1).all():
        return
    issues = []
    for code, count in zip(unique[counts > 1], counts[counts > 1], strict=True):
        value = rows.strings[int(code)]
        for i in np.flatnonzero(codes == code)[1:]:
            message = f"{value!r} is used {int(count)} times (ids must be unique)"
            issues.append(Issue(int(lines[i]), "event_id_cnty", message))
    raise IncidentValidationError(path, sorted(issues, key=lambda issue: issue.line))


def same_event_warnings(rows: IncidentRows, lines: NDArray[np.int64]) -> list[Issue]:
    """Warn about rows with the same date, place and sub-event type (the same event twice?)."""
    keys = np.stack([rows.day, rows.text["place_key"], rows.text["sub_event_type"]], axis=1)
    if not len(keys):
        return []
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(counts[inverse] > 1).tolist():
        groups[int(inverse[i])].append(i)
    ids = rows.values("event_id") if groups else []
    warnings = []
    for members in groups.values():
        day = np.datetime64(int(rows.day[members[0]]), "D")
        sub = rows.strings[int(rows.text["sub_event_type"][members[0]])]
        for i in members[1:]:
            others = ", ".join(ids[j] for j in members if j != i)
            message = f"same date ({day}), place and type ({sub}) as {others}"
            warnings.append(Issue(int(lines[i]), "event_id_cnty", message, "warning"))
    return sorted(warnings, key=lambda issue: issue.line)
