"""The incident layer's data: every incident sent to the page once, as packed columns.

Encoding (see :mod:`layers.packing`: every column is one string of base-32 varints). Rows
are in date-then-id order; each column holds one value per incident:

- ``pos``: index into the positions (``posLat``/``posLon``: degrees × ``scale`` from
  ``lat0``/``lon0``, 1e-5° or about 1 m); incidents at the same point share one position;
- ``day``: days after the previous incident (the first is ``day0`` days after 1 Jan 2011);
- ``type``: index into ``types`` (symbol, colour, label, ACLED sub-event type);
- ``killed``/``injured``: count + 1, or 0 when the report gives none;
- ``flags``: time precision + 3 × geo precision + 9 × corridor side + 36 × certainty
  + 108 × ceasefire phase (each code indexes its label list);
- ``dist``: distance to the M4 in tenths of a km;
- ``idFamily``/``idNumber``: the id as a prefix and zero-padded number (``idFamilies``), or,
  for family 0, the id's code in ``strings``;
- ``location``, ``source``, ``url``, ``notes``, ``actor1``, ``actor2``, ``admin``,
  ``subtype`` (the ACLED sub-event type), ``tags``: code in
  the string table (code 0 is empty text, code k is ``strings[k - 1]``); each text is sent
  once and the most frequent get the shortest codes. The table travels compressed
  (``stringsDeflated``, see :func:`deflate_strings`).

``js/incidents.js`` unpacks it, clusters, filters and builds popups on demand.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import math
import re
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geo.incidents.classify import CERTAINTIES
from geo.incidents.export import joined_bytes, json_strings
from geo.symbology import symbol_key
from layers import style
from layers.packing import pack, script_json, unpack
from layers.page import DATA_PLACEHOLDER, TemplateError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from numpy.typing import NDArray

    from geo.incidents.rows import IncidentRows

EPOCH = dt.date(2011, 1, 1)
EPOCH_MS = int(dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day, tzinfo=dt.UTC).timestamp() * 1000)
SCALE = 100_000
SIDE_LABELS = ("north half (Turkish supervision)", "south half (Russian supervision)",
               "on the M4 (edge of both halves)", "outside the corridor")  # fmt: skip
PHASE_LABELS = ("before", "after", "date too imprecise to say")
GEO_PRECISION_LABELS = ("at the named place", "near the named place", "in the wider region")
#: The page's text columns and the row fields they come from.
TEXT_COLUMNS = {"location": "location", "source": "source", "url": "source_url", "notes": "notes",
                "actor1": "actor1", "actor2": "actor2", "admin": "admin",
                "subtype": "sub_event_type", "tags": "tags"}  # fmt: skip
_EPOCH_DAY = (EPOCH - dt.date(1970, 1, 1)).days
#: Quantised longitude offsets stay below this (2**24 × 1e-5° is 167°).
_KEY_SPAN = 2**24


def encode(rows: IncidentRows) -> dict[str, Any]:
    """Return the packed columns of every incident (see the module docstring)."""
    n = len(rows)
    strings = rows.strings
    ids = rows.text["event_id"]
    id_rank = np.zeros(len(strings), dtype=np.int64)
    used_ids = np.unique(ids)
    by_text = pc.array_sort_indices(strings.take(pa.array(used_ids))).to_numpy()
    id_rank[used_ids[by_text]] = np.arange(len(used_ids))  # distinct texts: ranks by text
    order = np.lexsort((id_rank[ids], rows.day))
    families, id_family, id_number, loose = _id_columns(rows, order)
    texts = {name: rows.text[field][order] for name, field in TEXT_COLUMNS.items()}
    remap, table = _string_table(strings, [*texts.values(), loose])
    # Compressed before the columns are packed, and let go of: at 1,000,000 incidents the
    # table and the packed columns held at once were the build's peak (measured 4 Dec 2026).
    strings_deflated = deflate_strings(table)
    del table
    lat0 = math.floor(float(rows.lat.min())) if n else 0
    lon0 = math.floor(float(rows.lon.min())) if n else 0
    position, pos_lat, pos_lon = _positions(rows.lat[order] - lat0, rows.lon[order] - lon0)
    days = rows.day[order] - _EPOCH_DAY
    # Each column is made when it is packed and dropped after: at 1,000,000 incidents the
    # nineteen 8-byte columns held at once took 150 MB (measured 2 Dec 2026).
    columns: dict[str, Callable[[], NDArray[np.int64]]] = {
        "pos": lambda: position,
        "day": lambda: np.diff(days, prepend=days[:1]),
        "type": lambda: _symbols(rows)[order],
        "killed": lambda: _counts(rows.fatalities[order]),
        "injured": lambda: _counts(rows.injured[order]),
        "flags": lambda: _flags(rows)[order],
        "dist": lambda: np.round(rows.dist_km[order] * 10).astype(np.int64),
        "idFamily": lambda: id_family,
        "idNumber": lambda: np.where(id_family == 0, remap[loose], id_number),
        **{name: functools.partial(remap.__getitem__, codes) for name, codes in texts.items()},
    }
    newest = str(np.datetime64(int(rows.day.max()), "D")) if n else ""
    return {
        "n": n,
        "scale": SCALE,
        "lat0": lat0,
        "lon0": lon0,
        "day0": int(days[0]) if n else 0,
        "epoch": EPOCH_MS,
        "positions": len(pos_lat),
        "posLat": pack(pos_lat),
        "posLon": pack(pos_lon),
        "columns": {name: pack(column()) for name, column in sorted(columns.items())},
        "stringsDeflated": strings_deflated,
        "idFamilies": families,
        "subtitle": _subtitle(newest, n, rows.not_shown),
        "types": [
            {"key": key, "label": label, "color": color, "acled": acled}
            for key, (label, color, acled) in style.SYMBOLS.items()
        ],
        "sides": list(SIDE_LABELS),
        "certainties": list(CERTAINTIES),
        "phases": list(PHASE_LABELS),
        "geoPrecision": list(GEO_PRECISION_LABELS),
    }


def _flags(rows: IncidentRows) -> NDArray[np.int64]:
    """Return the ``flags`` code of every row, in store order (see the module docstring)."""
    flags: NDArray[np.int64] = (
        (rows.time_precision.astype(np.int64) - 1)
        + 3 * (rows.geo_precision.astype(np.int64) - 1)
        + 9 * rows.side.astype(np.int64)
        + 36 * rows.certainty.astype(np.int64)
        + 108 * rows.phase.astype(np.int64)
    )
    return flags


def _subtitle(newest: str, n: int, not_shown: int) -> str:
    """Return the title's second line: newest date, count, rows left off the map."""
    text = f"Incidents as of {newest} · {n:,} incidents" if n else "No incidents loaded"
    if not_shown:
        text += f" · {not_shown:,} rows not shown (see rejected.csv)"
    return text


def deflate_strings(strings: list[str] | pa.Array) -> str:
    """Return the string table as base-64 raw DEFLATE of its JSON (``DecompressionStream``).

    Notes, sources and URLs are most of a large map's bytes; compressed they shrink three
    to ten times, and the page unpacks them in a few milliseconds. An Arrow array is
    encoded on arrays, to the same JSON as a list of the same texts.
    """
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = b"".join([*map(packer.compress, _json_pieces(strings)), packer.flush()])
    encoded = base64.b64encode(deflated)
    del deflated  # before the text is made of it: about 25 MB at 1,000,000 incidents
    return encoded.decode("ascii")


#: Texts of the string table encoded as JSON at a time (each piece compressed at once).
_STRINGS_AT_A_TIME = 65_536


def _json_pieces(strings: list[str] | pa.Array) -> Iterator[bytes | memoryview]:
    """Yield the string table's JSON in pieces, a slice of an Arrow array at a time.

    Whole, the JSON texts of 1,000,000 incidents' table and their join held about 170 MB
    at once, the build's peak (measured 4 Dec 2026); compressed piece by piece, the same
    bytes come out.
    """
    if isinstance(strings, list):
        yield json.dumps(strings, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return
    yield b"["
    for start in range(0, len(strings), _STRINGS_AT_A_TIME):
        part = strings.slice(start, _STRINGS_AT_A_TIME)
        items = joined_bytes(pc.binary_join_element_wise(json_strings(part), ",", ""))
        yield items if start + len(part) < len(strings) else items[:-1]  # no comma at the end
    yield b"]"


def inflate_strings(text: str) -> list[str]:
    """Inverse of :func:`deflate_strings` (for tests and tools)."""
    strings: list[str] = json.loads(zlib.decompress(base64.b64decode(text), -15).decode("utf-8"))
    return strings


def incident_ids(html: str) -> list[str]:
    """Return the event ids a built page carries, in its order (decoded as the page does).

    For tests and tools that check which store a map shows.
    """
    call = re.search(r"IdlibMap\.incidents\(\s*IdlibMap\.pageData\(\"([\w-]+)\"\)", html)
    opening = "" if call is None else f'id="{call.group(1)}">'
    start = html.find(opening) if opening else -1
    if start < 0:
        raise TemplateError("no incident data in the page")
    data, _ = json.JSONDecoder().raw_decode(html, start + len(opening))
    family_of, number_of = unpack(data["columns"]["idFamily"]), unpack(data["columns"]["idNumber"])
    strings = inflate_strings(data["stringsDeflated"])
    ids = []
    for family, number in zip(family_of, number_of, strict=True):
        prefix, width = data["idFamilies"][family]
        ids.append(strings[number - 1] if family == 0 else prefix + str(number).zfill(width))
    return ids


def _string_table(
    strings: pa.Array, columns: list[NDArray[np.int32]]
) -> tuple[NDArray[np.int64], pa.Array]:
    """Re-code texts for the page: code 0 empty, then by frequency, ties by first use.

    Returns the new code of every old code and the page's string table (without "").
    """
    joined = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    # The codes index ``strings``: counting and first uses by code, not by sorting all of
    # them (``np.unique`` sorts the 11,000,000 codes of 1,000,000 incidents: 0.6 s, this 0.1).
    counts = np.bincount(joined, minlength=len(strings))
    first = np.full(len(strings), len(joined), dtype=np.int64)
    np.minimum.at(first, joined, np.arange(len(joined)))
    used = np.flatnonzero(counts)
    used = used[used != 0]
    ranked = used[np.lexsort((first[used], -counts[used]))]
    remap = np.zeros(len(strings), dtype=np.int64)
    remap[ranked] = np.arange(1, len(ranked) + 1)
    return remap, strings.take(pa.array(ranked))


def _id_columns(
    rows: IncidentRows, order: NDArray[np.int64]
) -> tuple[list[list[Any]], NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]:
    """Return the id columns: families, each id's family and number, and loose ids.

    A family is a prefix and a digit count, numbered by first use from 1; family 0 holds the
    ids that do not end in digits, which travel whole as string codes (0 for the others).
    """
    number, width = rows.id_number[order], rows.id_width[order].astype(np.int64)
    prefix = rows.text["id_prefix"][order].astype(np.int64)
    split = number >= 0
    keys = prefix * 16 + width  # widths are below 16
    unique, first, inverse = np.unique(keys[split], return_index=True, return_inverse=True)
    by_use = np.argsort(first, kind="stable")  # families numbered by first use
    family_of_unique = np.empty(len(unique), dtype=np.int64)
    family_of_unique[by_use] = np.arange(1, len(unique) + 1)
    family = np.zeros(len(order), dtype=np.int64)
    family[split] = family_of_unique[inverse.ravel()]
    families: list[list[Any]] = [["", 0]]
    families += [[rows.strings[int(k) // 16].as_py(), int(k) % 16] for k in unique[by_use]]
    loose = np.where(split, 0, rows.text["event_id"][order]).astype(np.int32)
    return families, family, np.where(split, number, 0), loose


def _symbols(rows: IncidentRows) -> NDArray[np.int64]:
    """Return the symbol code (index into ``style.SYMBOLS``) of every row."""
    symbols = list(style.SYMBOLS)
    width = len(rows.strings)
    pairs = rows.text["sub_event_type"].astype(np.int64) * width + rows.text["tags"]
    unique, inverse = np.unique(pairs, return_inverse=True)
    codes = np.array(
        [
            symbols.index(
                symbol_key(rows.strings[pair // width].as_py(), rows.strings[pair % width].as_py())
            )
            for pair in unique.tolist()
        ],
        dtype=np.int64,
    )
    return codes[inverse.ravel()] if len(unique) else np.zeros(0, dtype=np.int64)


def _positions(
    lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Quantise offsets in degrees; return each incident's position code and the positions.

    Incidents coded to a village point share its position, sent once; the most used
    positions get the shortest codes.
    """
    lat_q = np.round(lat * SCALE).astype(np.int64)
    lon_q = np.round(lon * SCALE).astype(np.int64)
    keys = lat_q * _KEY_SPAN + lon_q
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    rank = np.lexsort((unique, -counts))  # most used first, then by position
    code_of = np.empty_like(rank)
    code_of[rank] = np.arange(len(rank))
    ranked = unique[rank]
    return code_of[inverse.ravel()], ranked // _KEY_SPAN, ranked % _KEY_SPAN


def _counts(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Casualty counts shifted by one, with 0 for "not reported"."""
    return np.where(np.isnan(values), 0, np.nan_to_num(values) + 1).astype(np.int64)


def fill_template(template: str, rows: IncidentRows) -> bytes:
    """Return the page of ``template`` with the packed data of ``rows`` in place, as UTF-8.

    Bytes, joined once: the data is ASCII, but the template is not, and as one ``str`` the
    page would take two bytes a character (82 MB at 1,000,000 incidents) before encoding.
    """
    head, found, tail = template.partition(DATA_PLACEHOLDER)
    if not found or DATA_PLACEHOLDER in tail:
        msg = "not a page template: the incident placeholder must appear exactly once"
        raise TemplateError(msg)
    return b"".join((head.encode("utf-8"), script_json(encode(rows)).encode("utf-8"),
                     tail.encode("utf-8")))  # fmt: skip
