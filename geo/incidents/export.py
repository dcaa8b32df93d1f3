"""Write classified incidents: CSV (safe in spreadsheets), GeoJSON, GeoPackage and a summary.

:class:`ExportWriter` writes them a chunk of the store at a time; every output appears
atomically. CSV cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe;
the store itself keeps the text as given.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import shapely

from geo import geojson
from geo.atomic import sync_folder
from geo.csvfile import lf_line_breaks
from geo.gpkg_styles import add_layer_styles
from geo.incidents.classify import CLASS_COLUMNS
from geo.incidents.schema import INCIDENT_COLUMNS

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.incidents.classify import Classification
    from geo.incidents.store import IncidentStore
    from geo.incidents.validate import Parsed

_INTEGER_PROPERTIES = frozenset(
    {"fatalities", "injured", "geo_precision", "time_precision", "year"}
)
_FLOAT_PROPERTIES = frozenset({"dist_to_m4_km", "nearest_place_km"})
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = re.compile(r"(?:^|\n)[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """Return ``value`` made inert for spreadsheets (a leading apostrophe before a formula).

    Examples
    --------
    >>> neutralise("=1+1"), neutralise("@SUM(A1)"), neutralise("Ariha")
    ("'=1+1", "'@SUM(A1)", 'Ariha')
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def classified_columns(store: IncidentStore, classes: Classification) -> dict[str, list[str]]:
    """Return the store's columns with admin areas from the polygons and the classification."""
    columns = {c: list(store.table.data[c]) for c in INCIDENT_COLUMNS}
    for level, values in (
        ("admin1", classes.admin1),
        ("admin2", classes.admin2),
        ("admin3", classes.admin3),
    ):
        columns[level] = [
            own or derived for own, derived in zip(columns[level], values, strict=True)
        ]
    columns.update(classes.columns())
    return columns


def _neutralised(values: list[str]) -> list[str]:
    """Return ``values`` with :func:`neutralise` applied, scanning the column once in C."""
    if not _FORMULA_START.search("\n".join(values)):
        return values
    return [neutralise(value) for value in values]


@dataclass(frozen=True, slots=True)
class PointTable:
    """Points and their typed properties, in the store's order."""

    lon: list[float]
    lat: list[float]
    fields: dict[str, list[Any]]

    def geometries(self) -> NDArray[Any]:
        """Return the points as shapely geometries."""
        points: NDArray[Any] = shapely.points(np.asarray(self.lon), np.asarray(self.lat))
        return points

    def features(self) -> dict[str, Any]:
        """Return a GeoJSON FeatureCollection."""
        names = list(self.fields)
        rows = zip(*self.fields.values(), strict=True)
        return geojson.feature_collection([
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
             "properties": dict(zip(names, row, strict=True))}
            for x, y, row in zip(self.lon, self.lat, rows, strict=True)
        ])  # fmt: skip


def incident_table(store: IncidentStore, columns: dict[str, list[str]]) -> PointTable:
    """Return the incidents with :func:`classified_columns` as typed properties.

    Counts become integers (None when not reported), distances floats; positions are lon/lat
    rounded to 6 decimals; rows keep the store's order (date, then id, as ``add`` keeps it).
    """
    fields: dict[str, list[Any]] = {}
    for name, ordered in columns.items():
        if name in {"latitude", "longitude"}:
            continue
        if name in _INTEGER_PROPERTIES:
            fields[name] = [int(v) if v.strip().isdigit() else None for v in ordered]
        elif name in _FLOAT_PROPERTIES:
            fields[name] = [float(v) for v in ordered]
        else:
            fields[name] = ordered
    lon = np.round(store.parsed.lon, geojson.COORD_DECIMALS).tolist()
    lat = np.round(store.parsed.lat, geojson.COORD_DECIMALS).tolist()
    return PointTable(lon=lon, lat=lat, fields=fields)


def summary(store: IncidentStore, classes: Classification) -> dict[str, Any]:
    """Return counts of incidents, killed and injured by side, type, month and phase."""
    data, parsed = store.table.data, store.parsed
    month = parsed.date.astype("datetime64[M]").astype(str)
    side = np.asarray(classes.corridor_side, dtype=str)
    after = np.asarray(classes.phase) == "after"
    groups = {
        "by_side": (side, None),
        "by_type": (np.asarray(data["sub_event_type"], dtype=str), None),
        "by_month": (month, None),
        "by_phase": (np.asarray(classes.phase, dtype=str), None),
        "after_ceasefire_by_side_and_month": (np.char.add(np.char.add(side, " "), month), after),
    }
    result: dict[str, Any] = {
        "as_of": str(parsed.date.max()) if len(parsed.date) else None,
        "total": _buckets(np.zeros(len(side), dtype=np.int64), 1, parsed)[0],
    }
    for name, (keys, mask) in groups.items():
        chosen = np.arange(len(keys)) if mask is None else np.flatnonzero(mask)
        labels, inverse = np.unique(keys[chosen], return_inverse=True)
        buckets = _buckets(inverse.ravel(), len(labels), parsed, rows=chosen)
        result[name] = dict(zip(labels.tolist(), buckets, strict=True))
    return result


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


def _table(collection: dict[str, Any]) -> tuple[NDArray[Any], dict[str, list[Any]]]:
    """Geometries and property columns of a (small) FeatureCollection."""
    features = collection["features"]
    geometries = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    names = list(dict.fromkeys(k for f in features for k in f["properties"]))
    return geometries, {k: [f["properties"].get(k) for f in features] for k in names}


_GEOMETRY_TYPES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint",
                   5: "MultiLineString", 6: "MultiPolygon"}  # fmt: skip


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


class ExportWriter:
    """Write the incident exports a chunk of the store at a time, so memory stays bounded.

    Each output goes to a temporary file beside its target; :meth:`finish` renames them all
    into place, :meth:`abort` (or an exception inside ``with``) deletes them, so readers see
    the previous complete files or the new ones. Chunks must come in store order.

    Outputs: ``incidents_classified.csv`` (formulas neutralised), ``layers/incidents.geojson``,
    ``idlib.gpkg`` (the incidents and ``map_layers``) and ``summary.json``.
    """

    def __init__(self, out_dir: Path, *, map_layers: dict[str, dict[str, Any]]) -> None:
        self.paths = [
            out_dir / "incidents_classified.csv",
            out_dir / "layers" / "incidents.geojson",
            out_dir / "idlib.gpkg",
            out_dir / "summary.json",
        ]
        self.map_layers = map_layers
        self._temps: list[Path] = []
        for path in self.paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            # GDAL wants a GeoPackage to be named .gpkg, even while it is being written.
            suffix = ".gpkg" if path.suffix == ".gpkg" else ".tmp"
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
            os.close(fd)
            self._temps.append(Path(name))
        self._temps[2].unlink()  # GDAL creates the GeoPackage itself
        self._csv = self._temps[0].open("w", encoding="utf-8", newline="")
        self._geojson = self._temps[1].open("w", encoding="utf-8", newline="")
        csv.writer(self._csv, lineterminator="\n").writerow(
            list(INCIDENT_COLUMNS) + list(CLASS_COLUMNS)
        )
        self._geojson.write('{"features":[')
        self._first_feature = True
        self._summary: dict[str, Any] | None = None

    def __enter__(self) -> Self:
        """Return the writer."""
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        """Delete the temporary files if the block failed or did not finish."""
        if self._temps:
            self.abort()

    def add(self, store: IncidentStore, classes: Classification) -> None:
        """Write the rows of one chunk (a validated, classified part of the store)."""
        columns = classified_columns(store, classes)
        header = list(INCIDENT_COLUMNS) + list(CLASS_COLUMNS)
        csv.writer(self._csv, lineterminator="\n").writerows(
            zip(*(_neutralised(lf_line_breaks(columns[c])) for c in header), strict=True)
        )
        table = incident_table(store, columns)
        features = table.features()["features"]
        if features:
            # One encoder call for the chunk; the list's brackets come off.
            text = json.dumps(features, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            text = text[1:-1]
            self._geojson.write(text if self._first_feature else "," + text)
            self._first_feature = False
        _write_layer(self._temps[2], "incidents", table.geometries(), table.fields)
        self._summary = _merge_summaries(self._summary, summary(store, classes))

    def finish(self) -> list[Path]:
        """Complete every file and move it into place; return the paths written."""
        self._csv.close()
        self._geojson.write('],"type":"FeatureCollection"}\n')
        self._geojson.close()
        gpkg = self._temps[2]
        if not gpkg.exists():  # an empty store: the layer still exists, with no rows
            _write_layer(gpkg, "incidents", np.array([], dtype=object), {})
        for name, collection in sorted(self.map_layers.items()):
            geometries, fields = _table(collection)
            _write_layer(gpkg, name.removesuffix(".geojson"), geometries, fields)
        add_layer_styles(gpkg)  # QGIS opens the layers coloured like the web map
        result = self._summary or _merge_summaries(None, None)
        self._temps[3].write_text(
            json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
            encoding="utf-8",
        )
        for temp in self._temps:  # on disk before any is renamed (a power cut keeps old or new)
            with temp.open("rb+") as handle:
                os.fsync(handle.fileno())
        for temp, path in zip(self._temps, self.paths, strict=True):
            temp.chmod(0o644)
            temp.replace(path)
        for folder in {path.parent for path in self.paths}:
            sync_folder(folder)
        self._temps = []
        return list(self.paths)

    def abort(self) -> None:
        """Close and delete the temporary files; the previous outputs stay as they were."""
        for handle in (self._csv, self._geojson):
            handle.close()
        for temp in self._temps:
            temp.unlink(missing_ok=True)
        self._temps = []


def _write_layer(
    path: Path, name: str, geometries: NDArray[Any], fields: dict[str, list[Any]]
) -> None:
    """Append a layer's rows to the GeoPackage at ``path`` (creating file and layer)."""
    import pyogrio.raw  # noqa: PLC0415 - GDAL, loaded only when writing the GeoPackage

    kinds = sorted(set(shapely.get_type_id(geometries).tolist())) if len(geometries) else [0]
    layer_exists = path.exists() and name in {row[0] for row in pyogrio.list_layers(path)}
    pyogrio.raw.write(
        path,
        geometry=shapely.to_wkb(geometries) if len(geometries) else np.array([], dtype=object),
        field_data=[_field(values) for values in fields.values()],
        fields=list(fields),
        layer=name,
        driver="GPKG",
        geometry_type=_GEOMETRY_TYPES.get(kinds[0], "Unknown") if len(kinds) == 1 else "Unknown",
        crs="EPSG:4326",
        append=layer_exists or path.exists(),
    )


def _merge_summaries(total: dict[str, Any] | None, part: dict[str, Any] | None) -> dict[str, Any]:
    """Add the counts of two :func:`summary` results (None is an empty store)."""
    empty: dict[str, Any] = {"as_of": None, "total": dict.fromkeys(_BUCKET_KEYS, 0),
                             **{name: {} for name in _GROUPS}}  # fmt: skip
    total, part = total or empty, part or empty
    dates = [d for d in (total["as_of"], part["as_of"]) if d]
    merged: dict[str, Any] = {"as_of": max(dates) if dates else None}
    merged["total"] = {k: total["total"][k] + part["total"][k] for k in _BUCKET_KEYS}
    for name in _GROUPS:
        keys = sorted(set(total[name]) | set(part[name]))
        zero = dict.fromkeys(_BUCKET_KEYS, 0)
        merged[name] = {
            key: {
                k: total[name].get(key, zero)[k] + part[name].get(key, zero)[k]
                for k in _BUCKET_KEYS
            }
            for key in keys
        }
    return merged


_BUCKET_KEYS = ("incidents", "killed", "injured", "killed_unknown", "injured_unknown")
_GROUPS = ("by_side", "by_type", "by_month", "by_phase", "after_ceasefire_by_side_and_month")
