"""Write classified incidents: CSV (safe in spreadsheets), GeoJSON, GeoPackage and a summary.

Every output is written atomically. CSV cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe;
the store itself keeps the text as given.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from geo import geojson
from geo.atomic import atomic_write_text
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


def write_classified_csv(columns: dict[str, list[str]], path: Path) -> None:
    """Write ``incidents_classified.csv`` from :func:`classified_columns`."""
    header = list(INCIDENT_COLUMNS) + list(CLASS_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*(_neutralised(columns[c]) for c in header), strict=True))
    atomic_write_text(path, out.getvalue())


def _neutralised(values: list[str]) -> list[str]:
    """Return ``values`` with :func:`neutralise` applied, scanning the column once in C."""
    if not _FORMULA_START.search("\n".join(values)):
        return values
    return [neutralise(value) for value in values]


@dataclass(frozen=True, slots=True)
class PointTable:
    """Points and their typed properties, in output order (date, then id)."""

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
    rounded to 6 decimals; rows are sorted by date, then id.
    """
    dates, ids = columns["event_date"], columns["event_id_cnty"]
    order = sorted(range(len(dates)), key=lambda i: (dates[i], ids[i]))
    fields: dict[str, list[Any]] = {}
    for name, values in columns.items():
        if name in {"latitude", "longitude"}:
            continue
        ordered = [values[i] for i in order]
        if name in _INTEGER_PROPERTIES:
            fields[name] = [int(v) if v.strip().isdigit() else None for v in ordered]
        elif name in _FLOAT_PROPERTIES:
            fields[name] = [float(v) for v in ordered]
        else:
            fields[name] = ordered
    lon = np.round(store.parsed.lon, geojson.COORD_DECIMALS)[order].tolist()
    lat = np.round(store.parsed.lat, geojson.COORD_DECIMALS)[order].tolist()
    return PointTable(lon=lon, lat=lat, fields=fields)


def incident_features(store: IncidentStore, columns: dict[str, list[str]]) -> dict[str, Any]:
    """Return the incidents, with :func:`classified_columns`, as GeoJSON (lon/lat, 6 decimals).

    Features are sorted by date, then id.
    """
    return incident_table(store, columns).features()


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


def write_geopackage(layers: dict[str, dict[str, Any] | PointTable], path: Path) -> None:
    """Write GeoJSON FeatureCollections as the layers of one GeoPackage, atomically.

    Written with pyogrio's array interface: integer properties with gaps become floats with
    NaN (empty in QGIS), text stays text, geometries go as WKB in EPSG:4326.
    """
    import pyogrio.raw  # noqa: PLC0415 - GDAL, loaded only when writing the GeoPackage

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name, layer in sorted(layers.items()):
            table = layer if isinstance(layer, PointTable) else _table(layer)
            geometries = table.geometries() if isinstance(table, PointTable) else table[0]
            fields = table.fields if isinstance(table, PointTable) else table[1]
            kinds = sorted(set(shapely.get_type_id(geometries).tolist()))
            pyogrio.raw.write(
                tmp,
                geometry=shapely.to_wkb(geometries),
                field_data=[_field(values) for values in fields.values()],
                fields=list(fields),
                layer=name,
                driver="GPKG",
                geometry_type=_GEOMETRY_TYPES.get(kinds[0], "Unknown")
                if len(kinds) == 1
                else "Unknown",
                crs="EPSG:4326",
                append=tmp.exists(),
            )
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


def write_outputs(
    store: IncidentStore,
    classes: Classification,
    out_dir: Path,
    *,
    map_layers: dict[str, dict[str, Any]],
) -> list[Path]:
    """Write the classified CSV, GeoJSON, GeoPackage (with ``map_layers``) and summary."""
    layers_dir = out_dir / "layers"
    columns = classified_columns(store, classes)
    table = incident_table(store, columns)
    paths = [
        out_dir / "incidents_classified.csv",
        layers_dir / "incidents.geojson",
        out_dir / "idlib.gpkg",
        out_dir / "summary.json",
    ]
    write_classified_csv(columns, paths[0])
    atomic_write_text(
        paths[1],
        json.dumps(table.features(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        + "\n",
    )
    write_geopackage(
        {
            "incidents": table,
            **{name.removesuffix(".geojson"): layer for name, layer in map_layers.items()},
        },
        paths[2],
    )
    atomic_write_text(
        paths[3],
        json.dumps(summary(store, classes), ensure_ascii=False, sort_keys=True, indent=1) + "\n",
    )
    return paths
