"""Write classified incidents: CSV (safe in spreadsheets), GeoJSON, GeoPackage, a summary.

Everything is done on columns. The CSV goes through pyarrow's writer; the GeoJSON is
assembled from per-column JSON fragments (each distinct text encoded once by :mod:`json`,
then joined row-wise by pyarrow) with sorted keys, so the same store gives the same bytes;
the GeoPackage is written by GDAL from the Arrow table (``pyogrio.write_arrow``), with its
timestamps fixed so that it too is byte-deterministic. Every
file is written to a temporary file beside its target, fsynced, and renamed into place
only when all of them are complete.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) get a leading apostrophe; a CR inside a value is written
as LF (the store itself keeps the text as given).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely

from geo import geojson
from geo.atomic import atomic_write_bytes, sync_folder
from geo.csvfile import FORMULA_PREFIXES, neutralise
from geo.gpkg_styles import add_layer_styles
from geo.incidents.classify import CERTAINTIES, PHASES, SIDES
from geo.incidents.rows import area_or_none, dictionary_of
from geo.incidents.schema import INCIDENT_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from numpy.typing import NDArray

    from geo.incidents.classify import Classification
    from geo.incidents.validate import Parsed

EXPORTS = ("incidents_classified.csv", "layers/incidents.geojson", "idlib.gpkg", "summary.json")
REJECTED = "rejected.csv"
_INTEGER_PROPERTIES = ("fatalities", "injured", "geo_precision", "time_precision", "year")
_FLOAT_PROPERTIES = ("dist_to_m4_km", "nearest_place_km")
_GEOMETRY_TYPES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint",
                   5: "MultiLineString", 6: "MultiPolygon"}  # fmt: skip


def spreadsheet_safe(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Return a text column with line breaks as LF and formulas neutralised (on arrays)."""
    if isinstance(column, pa.ChunkedArray):  # chunk by chunk: unchanged chunks are not copied
        return pa.chunked_array([_safe_chunk(c) for c in column.chunks], column.type)
    return _safe_chunk(column)


def _safe_chunk(array: pa.Array) -> pa.Array:
    first, data = _first_bytes(array)
    if (data == ord("\r")).any():
        array = pc.replace_substring(pc.replace_substring(array, "\r\n", "\n"), "\r", "\n")
        first, data = _first_bytes(array)
    formula = np.isin(first, _FORMULA_BYTES)
    if not formula.any():
        return array
    return pc.if_else(pa.array(formula), pc.binary_join_element_wise("'", array, ""), array)


#: The formula prefixes are ASCII: a UTF-8 text starts with one exactly when its first byte is it.
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_PREFIXES).encode("ascii"), dtype=np.uint8)


def _first_bytes(array: pa.Array) -> tuple[NDArray[np.int16], NDArray[np.uint8]]:
    """Return each text's first byte (-1 for an empty text) and all the texts' bytes.

    Read from the array's buffers: two numpy passes instead of a string kernel per test.
    """
    width = np.int64 if array.type == pa.large_string() else np.int32
    raw = np.frombuffer(array.buffers()[1], dtype=width)[array.offset :][: len(array) + 1]
    offsets: NDArray[np.int64] = raw.astype(np.int64)
    buffer = array.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    data = data[int(offsets[0]) : int(offsets[-1])] if len(array) else data[:0]
    starts = offsets[:-1] - (offsets[0] if len(array) else 0)
    first = np.full(len(array), -1, dtype=np.int16)
    filled = offsets[1:] > offsets[:-1]
    first[filled] = data[starts[filled]]
    return first, data


def _decimals(values: NDArray[np.float64]) -> pa.Array:
    """Return non-negative numbers as text with three decimals (``1.500``), vectorised."""
    milli = pc.cast(pa.array(np.round(values * 1000).astype(np.int64)), pa.string())
    padded = pc.utf8_lpad(milli, 4, "0")
    whole, part = pc.utf8_slice_codeunits(padded, 0, -3), pc.utf8_slice_codeunits(padded, -3)
    return pc.binary_join_element_wise(whole, part, ".")


def classified(table: pa.Table, classes: Classification) -> pa.Table:
    """Return the store's columns (admin areas from the polygons where empty) and the classes."""
    columns = {name: table.column(name) for name in INCIDENT_COLUMNS}
    for level in (1, 2, 3):
        names = pa.array([getattr(a, f"admin{level}") for a in classes.areas] + [""], pa.string())
        derived = names.take(pa.array(area_or_none(classes)))
        own = columns[f"admin{level}"]
        columns[f"admin{level}"] = pc.if_else(pc.equal(own, ""), derived, own)
    place_names = pa.array([p.name_en for p in classes.places], pa.string())
    place_ids = pa.array([p.place_id for p in classes.places], pa.string())
    nearest = pa.array(classes.nearest_index)
    columns.update(
        corridor_side=pa.array(SIDES, pa.string()).take(pa.array(classes.side_code)),
        in_corridor_certainty=pa.array(CERTAINTIES, pa.string()).take(
            pa.array(classes.certainty_code)
        ),
        dist_to_m4_km=_decimals(classes.dist_to_m4_km),
        nearest_place=place_names.take(nearest),
        nearest_place_id=place_ids.take(nearest),
        nearest_place_km=_decimals(classes.nearest_place_km),
        phase=pa.array(PHASES, pa.string()).take(pa.array(classes.phase_code)),
    )
    return pa.table(columns)


def prepare_exports(
    out_dir: Path,
    names: Iterable[str],
    columns: pa.Table,
    parsed: Parsed,
    classes: Classification,
    *,
    sub_event_type: pa.ChunkedArray,
    map_layers: dict[str, dict[str, Any]],
) -> dict[str, Path]:
    """Write the exports ``names`` (of :data:`EXPORTS`) to temporary files, each fsynced.

    ``incidents_classified.csv`` (formulas neutralised), ``layers/incidents.geojson``,
    ``idlib.gpkg`` (the incidents and ``map_layers``) and ``summary.json``; ``columns`` is
    :func:`classified` of the mapped rows. Returns each export's temporary file by its
    name, for :func:`publish_exports`; on an error none is left behind. Two processes may
    each prepare some (a build does), then one publishes them all.
    """

    def write(name: str, path: Path) -> None:
        if name == "incidents_classified.csv":
            _write_csv(path, columns)
        elif name == "layers/incidents.geojson":
            _write_feature_collection(path, columns, parsed)
        elif name == "idlib.gpkg":
            _write_gpkg(path, columns, parsed, map_layers)
        else:
            counts = summary(parsed, classes, sub_event_type)
            text = json.dumps(counts, ensure_ascii=False, sort_keys=True, indent=1)
            path.write_text(text + "\n", encoding="utf-8")

    temps: dict[str, Path] = {}
    try:
        for name in names:
            temps[name] = _temporary(out_dir / name)
            write(name, temps[name])
            with temps[name].open("rb+") as handle:  # on disk before any is renamed
                os.fsync(handle.fileno())
    except BaseException:
        discard_exports(temps)
        raise
    return temps


def publish_exports(out_dir: Path, temps: dict[str, Path]) -> list[Path]:
    """Rename prepared exports into place (a power cut keeps the old or the new); return them."""
    paths = []
    try:
        for name in sorted(temps, key=EXPORTS.index):
            path = out_dir / name
            temps[name].chmod(0o644)
            temps[name].replace(path)
            paths.append(path)
    finally:
        discard_exports(temps)
    for folder in {path.parent for path in paths}:
        sync_folder(folder)
    return paths


def discard_exports(temps: dict[str, Path]) -> None:
    """Remove prepared exports that were not published."""
    for temp in temps.values():
        temp.unlink(missing_ok=True)


def _write_csv(path: Path, columns: pa.Table) -> None:
    """Write the classified CSV, every cell made safe for spreadsheets."""
    safe = pa.table([spreadsheet_safe(c) for c in columns.columns], names=columns.column_names)
    pacsv.write_csv(safe, str(path), pacsv.WriteOptions(quoting_style="needed", eol="\n"))


def _temporary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # GDAL wants a GeoPackage to be named .gpkg, even while it is being written.
    suffix = ".gpkg" if path.suffix == ".gpkg" else ".tmp"
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    if suffix == ".gpkg":
        Path(name).unlink()  # GDAL creates the GeoPackage itself
    return Path(name)


def _json_values(column: pa.ChunkedArray | pa.Array, name: str) -> pa.Array:
    """Return each row's value as JSON text: each distinct text encoded once."""
    if name in _FLOAT_PROPERTIES:
        return column  # already numbers with three decimals
    codes, dictionary = dictionary_of(column)
    if name in _INTEGER_PROPERTIES:
        texts = dictionary.to_pylist()
        fragments = pa.array([str(int(t)) if t.strip().isdigit() else "null" for t in texts],
                             pa.string())  # fmt: skip
    else:
        fragments = json_strings(dictionary)
    return fragments.take(pa.array(codes))


#: Escapes JSON needs inside a string besides the rare control characters (json's own).
_JSON_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
                 ("\b", "\\b"), ("\f", "\\f"))  # fmt: skip
_OTHER_CONTROL = "[\x00-\x07\x0b\x0e-\x1f]"
_NEEDS_ESCAPE = '[\\\\"\x00-\x1f]'


def json_strings(values: pa.Array) -> pa.Array:
    r"""Return each text as a JSON string literal, as ``json.dumps(ensure_ascii=False)`` does.

    Examples
    --------
    >>> print(json_strings(pa.array(['say "hi"', "tab\there"]))[0])
    "say \"hi\""
    """
    quoted = pc.binary_join_element_wise('"', values, '"', "")
    special = pc.match_substring_regex(values, _NEEDS_ESCAPE)
    if not pc.any(special).as_py():  # most columns: one scan, no rewriting
        return quoted
    escaped = values.filter(special)  # only the texts with a character to escape
    for char, escape in _JSON_ESCAPES:
        escaped = pc.replace_substring(escaped, char, escape)
    fixed = pc.binary_join_element_wise('"', escaped, '"', "")
    quoted = pc.replace_with_mask(quoted, special, fixed)
    other = pc.match_substring_regex(values, _OTHER_CONTROL)
    if pc.any(other).as_py():  # json.dumps for the few texts with other control characters
        rows = np.flatnonzero(other.to_numpy(zero_copy_only=False))
        fixed = [json.dumps(values[int(i)].as_py(), ensure_ascii=False) for i in rows]
        quoted = pc.replace_with_mask(quoted, other, pa.array(fixed, pa.string()))
    return quoted


def _coordinate(values: NDArray[np.float64]) -> pa.Array:
    return pc.cast(pa.array(np.round(values, geojson.COORD_DECIMALS)), pa.string())


#: Features encoded at a time: bounds the memory of the GeoJSON text of a large store. With
#: 100,000 the build's peak at 100,000 incidents was the GeoJSON's (528 MB; 395 MB with
#: 25,000, in the same time: measured 4 Dec 2026).
_FEATURES_AT_A_TIME = 25_000


def _write_feature_collection(path: Path, columns: pa.Table, parsed: Parsed) -> None:
    """Write the incidents as RFC 7946 GeoJSON: compact, keys sorted, in store order."""
    names = sorted(n for n in columns.column_names if n not in {"latitude", "longitude"})
    with path.open("wb") as handle:
        handle.write(b'{"features":[')
        for start in range(0, columns.num_rows, _FEATURES_AT_A_TIME):
            stop = min(start + _FEATURES_AT_A_TIME, columns.num_rows)
            part = columns.slice(start, stop - start)
            pieces: list[Any] = [
                '{"geometry":{"coordinates":[', _coordinate(parsed.lon[start:stop]), ",",
                _coordinate(parsed.lat[start:stop]), '],"type":"Point"},"properties":{',
            ]  # fmt: skip
            for k, name in enumerate(names):
                pieces += [("," if k else "") + json.dumps(name) + ":",
                           _json_values(part[name], name)]  # fmt: skip
            pieces.append('},"type":"Feature"},')
            text = joined_bytes(pc.binary_join_element_wise(*pieces, ""))
            handle.write(text[:-1] if stop == columns.num_rows else text)  # no comma after last
        handle.write(b'],"type":"FeatureCollection"}\n')


def joined_bytes(array: pa.Array) -> memoryview:
    """Return the texts of a string array end to end (a view of its data buffer, no copy)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type != pa.large_string() and array.nbytes > 2**31 - 1:
        array = array.cast(pa.large_string())
    width = np.int64 if array.type == pa.large_string() else np.int32
    offsets = np.frombuffer(array.buffers()[1], dtype=width)[array.offset :]
    data = array.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]) : int(offsets[len(array)])]


def _point_wkb(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> pa.Array:
    """Return little-endian WKB points (21 bytes each) as a binary array, vectorised."""
    record = np.zeros(len(lon), dtype=[("order", "u1"), ("kind", "<u4"), ("x", "<f8"),
                                       ("y", "<f8")])  # fmt: skip
    record["order"], record["kind"], record["x"], record["y"] = 1, 1, lon, lat
    offsets = (np.arange(len(lon) + 1, dtype=np.int32) * record.itemsize).tobytes()
    return pa.Array.from_buffers(
        pa.binary(), len(lon), [None, pa.py_buffer(offsets), pa.py_buffer(record.tobytes())]
    )


#: SQLite settings while GDAL writes the GeoPackage. No fsync per transaction: the file is a
#: temporary that is fsynced as a whole before it is renamed into place, so a crash leaves
#: the old export. 64 KiB pages: fewer, larger writes. The R-tree spatial index is kept (QGIS
#: draws and selects with it); without it the write took about 0.1 s less at 100,000 rows.
#: A 64 MB page cache (SQLite's default is 2 MB, 31 pages of this size): at 1,000,000 rows
#: the R-tree and the table no longer evict each other's pages, and the write took 4.5 s
#: instead of 6.8 s (no change at 100,000 rows; measured 4 Dec 2026, the same bytes).
#: A fixed "current date" for GDAL's timestamps makes the same store give the same bytes.
_GPKG_WRITE_CONFIG = {
    "OGR_SQLITE_SYNCHRONOUS": "OFF",
    "OGR_SQLITE_PRAGMA": "page_size=65536",
    "OGR_SQLITE_CACHE": "64",
    "OGR_CURRENT_DATE": "2020-03-05T00:00:00.000Z",
}


@contextmanager
def _gdal_config(options: dict[str, str]) -> Iterator[None]:
    """Set GDAL configuration options for the block, then restore the previous values."""
    import pyogrio  # noqa: PLC0415 - GDAL, loaded only when writing the GeoPackage

    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def _write_gpkg(
    path: Path, columns: pa.Table, parsed: Parsed, map_layers: dict[str, dict[str, Any]]
) -> None:
    """Write the incidents (typed fields) and the map layers into a new GeoPackage."""
    import pyogrio  # noqa: PLC0415 - GDAL, loaded only when writing the GeoPackage

    fields: dict[str, Any] = {}
    for name in columns.column_names:
        if name in {"latitude", "longitude"}:
            continue
        if name in _INTEGER_PROPERTIES:
            values = _json_values(columns[name], name)
            fields[name] = pc.cast(pc.if_else(pc.equal(values, "null"), None, values), pa.int64())
        elif name in _FLOAT_PROPERTIES:
            fields[name] = pc.cast(columns[name], pa.float64())
        else:
            fields[name] = columns[name]
    fields["geom"] = _point_wkb(np.round(parsed.lon, geojson.COORD_DECIMALS),
                                np.round(parsed.lat, geojson.COORD_DECIMALS))  # fmt: skip
    with _gdal_config(_GPKG_WRITE_CONFIG):
        pyogrio.write_arrow(pa.table(fields), path, layer="incidents", driver="GPKG",
                            geometry_name="geom", geometry_type="Point",
                            crs="EPSG:4326")  # fmt: skip
        for name, collection in sorted(map_layers.items()):
            _write_layer(path, name.removesuffix(".geojson"), collection)
    add_layer_styles(path)  # QGIS opens the layers coloured like the web map


def _write_layer(path: Path, name: str, collection: dict[str, Any]) -> None:
    """Append one (small) FeatureCollection to the GeoPackage as a layer."""
    import pyogrio.raw  # noqa: PLC0415 - GDAL, loaded only when writing the GeoPackage

    features = collection["features"]
    geometries = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    names = list(dict.fromkeys(k for f in features for k in f["properties"]))
    kinds = sorted(set(shapely.get_type_id(geometries).tolist()))
    pyogrio.raw.write(
        path,
        geometry=shapely.to_wkb(geometries),
        field_data=[_field([f["properties"].get(k) for f in features]) for k in names],
        fields=names,
        layer=name,
        driver="GPKG",
        geometry_type=_GEOMETRY_TYPES.get(kinds[0], "Unknown") if len(kinds) == 1 else "Unknown",
        crs="EPSG:4326",
        append=True,
    )


def _field(values: list[Any]) -> NDArray[Any]:
    """Return a column for GDAL: int64, float64 (NaN for gaps) or text (None for gaps)."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return np.array(values, dtype=object)
    if kinds <= {int}:
        return np.array(values, dtype=np.int64)
    if kinds <= {int, float, type(None)}:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return np.array([None if v is None else str(v) for v in values], dtype=object)


def write_rejected(
    path: Path, header: list[str], rows: Iterable[tuple[int, str, list[str]]]
) -> int:
    """Write the rows a build left off the map, with their line and problems; return how many.

    Spreadsheet-safe like the CSV export. With no rows, an old file is removed instead, so
    ``rejected.csv`` always describes the last build.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "problems", *header])
    count = 0
    for line, problems, values in rows:
        cells = [problems, *values]
        cells = [neutralise(c.replace("\r\n", "\n").replace("\r", "\n")) for c in cells]
        writer.writerow([str(line), *cells])
        count += 1
    if count:
        atomic_write_bytes(path, out.getvalue().encode("utf-8"))
    elif path.exists():
        path.unlink()
        sync_folder(path.parent)
    return count


def summary(
    parsed: Parsed, classes: Classification, sub_event_type: pa.ChunkedArray
) -> dict[str, Any]:
    """Return counts of incidents, killed and injured by side, type, month and phase.

    Every grouping works on integer codes (one sort of each small label set), not on text.
    """
    side, side_labels = _grouping(classes.side_code, SIDES)
    phase, phase_labels = _grouping(classes.phase_code, PHASES)
    months = parsed.date.astype("datetime64[M]").astype(np.int64)
    month, month_values = np.unique(months, return_inverse=True)[1].ravel(), np.unique(months)
    month_labels = month_values.astype("datetime64[M]").astype(str).tolist()
    kind, kinds = dictionary_of(sub_event_type)
    after = np.flatnonzero(classes.phase_code == PHASES.index("after"))
    side_month = side[after] * max(len(month_labels), 1) + month[after]
    side_month_labels = [f"{s} {m}" for s in side_labels for m in month_labels]
    groups = {
        "by_side": (side, side_labels, None),
        "by_type": (kind, kinds.to_pylist(), None),
        "by_month": (month, month_labels, None),
        "by_phase": (phase, phase_labels, None),
        "after_ceasefire_by_side_and_month": (side_month, side_month_labels, after),
    }
    result: dict[str, Any] = {
        "as_of": str(parsed.date.max()) if len(parsed.date) else None,
        "total": _buckets(np.zeros(len(side), dtype=np.int64), 1, parsed)[0],
    }
    for name, (codes, labels, rows) in groups.items():
        used, inverse = np.unique(codes, return_inverse=True)
        buckets = _buckets(inverse.ravel(), len(used), parsed, rows=rows)
        result[name] = {labels[int(code)]: bucket for code, bucket in zip(used, buckets,
                                                                          strict=True)}  # fmt: skip
    return result


def _grouping(
    codes: NDArray[np.int8], labels: tuple[str, ...]
) -> tuple[NDArray[np.int64], list[str]]:
    """Return each row's index into its sorted distinct labels, and those labels."""
    used = np.unique(codes)
    ranked = sorted(used.tolist(), key=lambda code: labels[code])
    rank_of = np.zeros(len(labels), dtype=np.int64)
    rank_of[ranked] = np.arange(len(ranked))
    return rank_of[codes], [labels[code] for code in ranked]


def _buckets(
    group: NDArray[np.int64], count: int, parsed: Parsed, *, rows: NDArray[np.int64] | None = None
) -> list[dict[str, int]]:
    """Incidents, killed, injured and unknown counts of each of ``count`` groups."""
    chosen = np.arange(len(group)) if rows is None else rows
    columns = {"incidents": np.bincount(group, minlength=count)}
    for name, values in (("killed", parsed.fatalities), ("injured", parsed.injured)):
        picked = values[chosen]
        known = ~np.isnan(picked)
        columns[name] = np.bincount(group, weights=np.where(known, picked, 0), minlength=count)
        columns[f"{name}_unknown"] = np.bincount(group, weights=~known, minlength=count)
    order = ("incidents", "killed", "injured", "killed_unknown", "injured_unknown")
    return [{name: int(columns[name][k]) for name in order} for k in range(count)]
