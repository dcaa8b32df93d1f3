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
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.cache import digest
from geo.errors import DataFileError
from geo.incidents.classify import classify
from geo.incidents.rows import IncidentRows, concat, rows_from_store
from geo.incidents.store import IncidentStore
from geo.incidents.table import parse_table
from geo.incidents.validate import IncidentValidationError, Issue, validate
from geo.limits import (
    MAX_STORE_BYTES,
    check_file_size,
    check_store_lines,
    check_store_rows,
    looks_like_utf16,
)
from geo.store.text import StoreText

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from geo.cache import BuildCache
    from geo.incidents.classify import Classification
    from geo.project import StaticInputs

log = logging.getLogger(__name__)

CACHE_ENTRY = "incident-rows"
#: Records read, validated and classified at a time: bounds the memory of a large store.
CHUNK_ROWS = 25_000
_LENGTH_BYTES = 8
#: String codes below this pack three to an int64 key (day, place, type).
_CODE_SPAN = 2**21
#: A line of only these characters holds no values (the CSV reader skips it too).
_BLANK = b' \t\r,"'


@dataclass
class LoadedRows:
    """The rows of the store in file order, their lines, warnings and what was reused."""

    rows: IncidentRows
    lines: NDArray[np.int64]
    warnings: list[Issue] = field(default_factory=list)
    reused: int = 0
    parsed: int = 0
    #: Whether ``on_chunk`` received every row.
    streamed: bool = False
    #: Writes the rows to the cache (None when the cache is current); the caller runs it
    #: once the map is written, so a rebuild shows first and stores after.
    save: Callable[[], None] | None = None
    #: The store as read (its records and digest): what these rows are of.
    split: StoreSplit | None = None


def split_records(data: bytes, *, exact: bool = False) -> tuple[bytes, list[bytes], list[int]]:
    r"""Return the header line, each record's exact bytes and the line it starts on.

    A record spans several lines only inside a quoted field; blank lines are skipped. Lines
    are joined by counting quotes unless ``exact`` (slower: each line read as the csv
    module reads it, for files with stray quotes). The file stays bytes (UTF-8 is checked
    chunk by chunk): as one Python string, a file with a single emoji would take four bytes
    per character.

    Examples
    --------
    >>> split_records(b'a,b\n1,"x\ny"\n\n2,z\n')
    (b'a,b', [b'1,"x\ny"', b'2,z'], [2, 5])
    """
    lines = data.split(b"\n")
    header = lines[0]
    if not exact and not any(line.count(b'"') & 1 for line in lines):
        starts = [i + 1 for i in range(1, len(lines)) if lines[i].strip(_BLANK)]
        return header, [lines[i - 1] for i in starts], starts
    # Quoted fields span lines: a line ends inside quotes when it has an odd number of them,
    # unless a stray quote (a " inside an unquoted field, which the csv module reads as a
    # letter) misleads the count; ``exact`` reads each line as the csv module does.
    ends_quoted = _ends_in_quotes if exact else _odd_quotes
    records, starts = [], []
    i = 1
    while i < len(lines):
        start, parts = i, [lines[i]]
        quoted = ends_quoted(lines[i], quoted=False)
        while quoted and i + 1 < len(lines):
            i += 1
            parts.append(lines[i])
            quoted = ends_quoted(lines[i], quoted=True)
        i += 1
        record = b"\n".join(parts)
        if record.strip(_BLANK):
            records.append(record)
            starts.append(start + 1)
    return header, records, starts


def _ends_quoted(record: bytes, *, exact: bool) -> bool:
    return (_ends_in_quotes if exact else _odd_quotes)(record, quoted=False)


def _odd_quotes(line: bytes, *, quoted: bool) -> bool:
    return quoted ^ bool(line.count(b'"') & 1)


def _ends_in_quotes(line: bytes, *, quoted: bool) -> bool:
    """Return whether ``line`` ends inside a quoted field, read as the csv module reads it.

    Examples
    --------
    >>> _ends_in_quotes(b'1,He said 5" rockets,"x', quoted=False)
    True
    >>> _ends_in_quotes(b'y"", z",3', quoted=True)
    False
    """
    i, n, field_start = 0, len(line), not quoted
    while i < n:
        if quoted:
            j = line.find(b'"', i)
            if j < 0:
                return True
            if line[j + 1 : j + 2] == b'"':
                i = j + 2  # a doubled quote stands for one
                continue
            quoted, field_start, i = False, False, j + 1
        elif field_start and line[i : i + 1] == b'"':
            quoted, i = True, i + 1
        else:
            j = line.find(b",", i)
            if j < 0:
                return False
            field_start, i = True, j + 1
    return quoted


def read_store_file(path: Path) -> StoreText:
    """Read the CSV store at ``path`` whole (after its size and line-count checks).

    Raises
    ------
    DataFileError
        The file is missing, over the limits, or UTF-16.
    """
    check_file_size(path, limit_bytes=MAX_STORE_BYTES, what="an incident store")
    check_store_lines(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    if looks_like_utf16(data):
        msg = f"{path}, line 1: not UTF-8 text (NUL bytes: UTF-16?); save the file as UTF-8"
        raise DataFileError(msg)
    return StoreText.of(str(path), data, lambda: read_store_file(path))


def _decode(path: Path | str, data: bytes, first_line: int = 1) -> str:
    """Return ``data`` as text, or name the line that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        msg = f"{path}, line {line}: not UTF-8 text; save the file as UTF-8"
        raise DataFileError(msg) from None


def _pack(rows: IncidentRows, records: list[bytes]) -> list[bytes]:
    """Return the cache payload as parts (the records are not joined into one copy)."""
    archive = rows.to_bytes()
    lengths = np.array([len(record) for record in records], dtype=np.int64)
    return [
        len(archive).to_bytes(_LENGTH_BYTES, "little"), archive,
        len(lengths).to_bytes(_LENGTH_BYTES, "little"), lengths.tobytes(), *records,
    ]  # fmt: skip


def _unpack(payload: bytes) -> tuple[IncidentRows, list[bytes]]:
    """Inverse of :func:`_pack`; ValueError when the payload is not one."""
    size = int.from_bytes(payload[:_LENGTH_BYTES], "little")
    rows = IncidentRows.from_bytes(payload[_LENGTH_BYTES : _LENGTH_BYTES + size])
    at = _LENGTH_BYTES + size
    count = int.from_bytes(payload[at : at + _LENGTH_BYTES], "little")
    at += _LENGTH_BYTES
    lengths = np.frombuffer(payload[at : at + 8 * count], dtype=np.int64)
    body = memoryview(payload)[at + 8 * count :]
    if count != len(rows) or len(lengths) != count or int(lengths.sum()) != len(body):
        msg = "record table does not match the rows"
        raise ValueError(msg)
    ends = np.cumsum(lengths).tolist()
    records = [bytes(body[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    return rows, records


@dataclass
class _Memory:
    """The rows of the last cache entry this process wrote, with its digest."""

    directory: Path
    key: str
    sha256: str
    rows: IncidentRows
    records: list[bytes]
    where: dict[bytes, int]


_LAST: list[_Memory] = []


def forget() -> None:
    """Drop the rows remembered from the last build (as a new process would start)."""
    _LAST.clear()


def _remember(
    cache: BuildCache, key: str, sha256: str, rows: IncidentRows, records: list[bytes]
) -> None:
    """Keep what was just written, so the next build in this process need not read it back."""
    _LAST[:] = [_Memory(cache.directory, key, sha256, rows, records,
                        {record: i for i, record in enumerate(records)})]  # fmt: skip


def _remembered(cache: BuildCache | None, key: str) -> _Memory | None:
    """Return the remembered rows if the entry on disk is still the one they were written as."""
    if cache is None or not _LAST:
        return None
    memory = _LAST[0]
    if memory.directory != cache.directory or memory.key != key:
        return None
    return memory if cache.digest_of(CACHE_ENTRY, key=key) == memory.sha256 else None


def remember_cached(text: StoreText, *, cache: BuildCache, key: str) -> None:
    """Hold the cached rows of the store read as ``text`` in memory for this process's next build.

    ``--watch`` calls it when a build found nothing to do, so that the first incident added
    afterwards does not wait for the cache to be read.
    """
    header = text.data.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    entry_key = digest(key, header.decode("utf-8", errors="replace"))
    if _remembered(cache, entry_key) is not None:
        return
    sha = cache.digest_of(CACHE_ENTRY, key=entry_key)
    cached, _ = _cached_rows(cache, entry_key)
    if cached is not None and sha is not None:
        _remember(cache, entry_key, sha, *cached)


def _cached_rows(
    cache: BuildCache | None, key: str
) -> tuple[tuple[IncidentRows, list[bytes]] | None, dict[bytes, int]]:
    """Return the cached rows and records for ``key`` and where each record is, if any."""
    memory = _remembered(cache, key)
    if memory is not None:  # this process wrote that entry last (--watch)
        return (memory.rows, memory.records), memory.where
    payload = cache.read(CACHE_ENTRY, key=key) if cache is not None else None
    if payload is None:
        return None, {}
    try:
        cached = _unpack(payload)
    except ValueError as exc:
        log.info("cache %s: corrupt (%s), rebuilding it", CACHE_ENTRY, exc)
        return None, {}
    return cached, {record: i for i, record in enumerate(cached[1])}


def load_rows(
    path: Path | str,
    *,
    cache: BuildCache | None,
    key: str,
    static: Callable[[], StaticInputs],
    today: dt.date | None = None,
    on_chunk: Callable[[IncidentStore, Classification], None] | None = None,
    split: StoreSplit | None = None,
) -> LoadedRows:
    """Return the store's rows, reusing cached rows for unchanged records.

    Records are read :data:`CHUNK_ROWS` at a time, so memory stays bounded however large
    the store; every error of every chunk is collected before raising.

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
    on_chunk
        Called with each validated, classified chunk, in store order, when every record is
        read in this load (``LoadedRows.streamed`` tells whether it was).
    split
        The store as an earlier load read it (``LoadedRows.split``): the same bytes are used
        again, so a second pass (the exports) sees exactly the store the first one saw.

    Raises
    ------
    DataFileError
        As :func:`geo.incidents.load_store`, naming the file, line and column.
    """
    split = split or read_split(Path(path))
    try:
        return _load_rows(path, split, cache=cache, key=key, static=static, today=today,
                          on_chunk=on_chunk)  # fmt: skip
    except _Misread:
        # A stray quote made the quick line-joining disagree with the csv module: read the
        # same store again, split exactly as the csv module reads.
        exact = split_text(split.reread(), exact=True)
        if exact.digest != split.digest:
            msg = f"{path} changed while it was being read; build again once it is saved"
            raise DataFileError(msg) from None
        return _load_rows(path, exact, cache=cache, key=key, static=static, today=today,
                          on_chunk=on_chunk)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoreSplit:
    """The store as read once: header, each record's bytes and first line, and its digest."""

    header: bytes
    records: list[bytes]
    starts: list[int]
    digest: str
    exact: bool
    #: Reads the store again (for the exact split, and to name a line in an error).
    reread: Callable[[], StoreText]


def read_split(path: Path, *, exact: bool = False) -> StoreSplit:
    """Read the CSV store at ``path`` once and split it (see :func:`split_text`)."""
    return split_text(read_store_file(path), exact=exact)


def split_text(text: StoreText, *, exact: bool = False) -> StoreSplit:
    """Split one reading of the store into records (exactly, if quotes call for it).

    Raises
    ------
    DataFileError
        Too many records, or an unclosed quote (by line).
    """
    name, data = text.name, text.data.removeprefix(b"\xef\xbb\xbf")
    header, records, starts = split_records(data, exact=exact)
    if records and not exact and _ends_quoted(records[-1], exact=False):
        header, records, starts = split_records(data, exact=True)  # a stray quote misled
        exact = True
    del data  # the records hold the bytes now
    check_store_rows(name, len(records))
    if records and _ends_quoted(records[-1], exact=True):
        msg = f'{name}, line {starts[-1]}: a quoted field is never closed (an unbalanced ")'
        raise DataFileError(msg)
    return StoreSplit(header, records, starts, text.digest, exact, text.reread)


class _Misread(Exception):  # noqa: N818 - internal signal, never leaves this module
    """The quick record split disagrees with the csv module; split exactly instead."""


def _load_rows(
    path: Path | str,
    split: StoreSplit,
    *,
    cache: BuildCache | None,
    key: str,
    static: Callable[[], StaticInputs],
    today: dt.date | None,
    on_chunk: Callable[[IncidentStore, Classification], None] | None,
) -> LoadedRows:
    header, records, starts, exact = split.header, split.records, split.starts, split.exact
    entry_key = digest(key, header.decode("utf-8", errors="replace"))
    cached, where = _cached_rows(cache, entry_key)
    hit = np.fromiter((where.get(r, -1) for r in records), dtype=np.int64, count=len(records))
    missing = np.flatnonzero(hit < 0)
    lines = np.asarray(starts, dtype=np.int64)
    parts, positions = [], []
    streamed = on_chunk is not None and len(missing) == len(records)
    if cached is not None and len(missing) < len(records):
        found = np.flatnonzero(hit >= 0)
        parts.append(cached[0].take(hit[found]))
        positions.append(found)
    issues: list[Issue] = []
    for start in range(0, len(missing), CHUNK_ROWS):
        chunk = missing[start : start + CHUNK_ROWS]
        try:
            store, classes = _load_records(
                path, header, records, chunk, lines, static, today, exact=exact,
                reread=split.reread,
            )  # fmt: skip
        except IncidentValidationError as exc:
            issues += exc.issues
            continue
        if not issues:
            parts.append(rows_from_store(store, classes))
            positions.append(chunk)
            if streamed and on_chunk is not None:
                on_chunk(store, classes)
    if issues:
        raise IncidentValidationError(path, issues)
    if parts:
        order = np.argsort(np.concatenate(positions), kind="stable")
        rows = concat(parts).take(order) if len(parts) > 1 else parts[0].take(order)
    else:
        rows = _empty_rows(path, _decode(path, header), static, today)
    _check_unique_ids(path, rows, lines)
    save: Callable[[], None] | None = None
    if cache is not None and (len(missing) or cached is None or len(cached[1]) != len(records)):

        def save() -> None:
            compact = rows.compact()
            sha = cache.write(CACHE_ENTRY, _pack(compact, records), key=entry_key)
            _remember(cache, entry_key, sha, compact, records)

    return LoadedRows(
        rows=rows,
        lines=lines,
        warnings=same_event_warnings(rows, lines),
        reused=len(records) - len(missing),
        parsed=len(missing),
        streamed=streamed,
        save=save,
        split=split,
    )


def _load_records(  # noqa: PLR0913 - the chunk and what it is read from
    path: Path | str,
    header: bytes,
    records: list[bytes],
    missing: NDArray[np.int64],
    lines: NDArray[np.int64],
    static: Callable[[], StaticInputs],
    today: dt.date | None,
    *,
    exact: bool,
    reread: Callable[[], StoreText],
) -> tuple[IncidentStore, Classification]:
    """Parse, validate and classify the records at ``missing``.

    Raises
    ------
    _Misread
        When not ``exact`` and the csv module reads the records differently.
    """
    chosen = missing.tolist()
    try:
        body = b"\n".join(records[i] for i in chosen).decode("utf-8")
    except UnicodeDecodeError:
        for i in chosen:  # find the record, to name its line
            _decode(path, records[i], int(lines[i]))
        raise
    subset = _decode(path, header) + "\n" + body + "\n"
    try:
        table = parse_table(subset, path)
    except DataFileError:
        # Raise the same problem with the file's own line numbers.
        parse_table(_decode(path, reread().data.removeprefix(b"\xef\xbb\xbf")), path)
        if not exact:
            raise _Misread from None  # the file reads well; the split was wrong
        raise
    if len(table) != len(missing) and not exact:
        raise _Misread
    if len(table) != len(missing):
        # A stray quote in an unquoted field: the line splitter joined lines the csv
        # module keeps apart. Name the first record that spans lines.
        joined = next((int(lines[i]) for i in chosen if b"\n" in records[i]), int(lines[chosen[0]]))
        msg = (
            f'{path}, line {joined}: a double quote (") makes this record run over several '
            'lines; put the field in quotes and double the quote inside ("say ""x""")'
        )
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
    path: Path | str, text: str, static: Callable[[], StaticInputs], today: dt.date | None
) -> IncidentRows:
    """Return the rows of a store with a header and no records (the header is still checked)."""
    table = parse_table(text, path)
    inputs = static()
    parsed = validate(table, today=today or dt.datetime.now(tz=dt.UTC).date())
    store = IncidentStore(path=path, table=table, parsed=parsed)
    classes = classify(store, index=inputs.corridor_index, places=inputs.places, admin=inputs.admin)
    return rows_from_store(store, classes)


def _check_unique_ids(path: Path | str, rows: IncidentRows, lines: NDArray[np.int64]) -> None:
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
    if not len(rows):
        return []
    place, kind = rows.text["place_key"].astype(np.int64), rows.text["sub_event_type"]
    if len(rows.strings) < _CODE_SPAN:  # one integer key per row: a fast 1-D unique
        keys = (rows.day * _CODE_SPAN + place) * _CODE_SPAN + kind
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    else:
        rows_keys = np.stack([rows.day, place, kind], axis=1)
        _, inverse, counts = np.unique(rows_keys, axis=0, return_inverse=True, return_counts=True)
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
            # Name up to three others: a day with hundreds of shellings of one village must
            # not make a message (and a build) quadratic in their number.
            others = [ids[j] for j in members[:4] if j != i][:3]
            more = len(members) - 1 - len(others)
            named = ", ".join(others) + (f" and {more} more" if more else "")
            message = f"same date ({day}), place and type ({sub}) as {named}"
            warnings.append(Issue(int(lines[i]), "event_id_cnty", message, "warning"))
    return sorted(warnings, key=lambda issue: issue.line)
