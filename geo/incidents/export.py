"""Write classified incidents: CSV (safe in spreadsheets), GeoJSON, GeoPackage and a summary.

Every output is written atomically. CSV cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe;
the store itself keeps the text as given.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo import geojson
from geo.atomic import atomic_write_text
from geo.coords import LonLat
from geo.incidents.classify import CLASS_COLUMNS
from geo.incidents.schema import INCIDENT_COLUMNS

if TYPE_CHECKING:
    from geo.incidents.classify import Classification
    from geo.incidents.store import IncidentStore

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    for row in zip(*(columns[c] for c in header), strict=True):
        writer.writerow([neutralise(value) for value in row])
    atomic_write_text(path, out.getvalue())


def incident_features(store: IncidentStore, columns: dict[str, list[str]]) -> dict[str, Any]:
    """Return the incidents, with :func:`classified_columns`, as GeoJSON (lon/lat, 6 decimals)."""
    numeric = {"fatalities", "injured", "geo_precision", "time_precision", "year"}
    features = []
    for i in range(len(store.table)):
        props: dict[str, Any] = {}
        for name, values in columns.items():
            if name in {"latitude", "longitude"}:
                continue
            value = values[i]
            if name in numeric:
                props[name] = int(value) if value.strip().isdigit() else None
            elif name in {"dist_to_m4_km", "nearest_place_km"}:
                props[name] = float(value)
            else:
                props[name] = value
        position = LonLat(float(store.parsed.lon[i]), float(store.parsed.lat[i]))
        features.append(geojson.feature(geojson.point(position), props))
    features.sort(key=lambda f: (f["properties"]["event_date"], f["properties"]["event_id_cnty"]))
    return geojson.feature_collection(features)


def summary(store: IncidentStore, classes: Classification) -> dict[str, Any]:
    """Return counts of incidents, killed and injured by side, type, month and phase."""
    data, parsed = store.table.data, store.parsed

    def bucket() -> dict[str, int]:
        return {
            "incidents": 0,
            "killed": 0,
            "injured": 0,
            "killed_unknown": 0,
            "injured_unknown": 0,
        }

    groups: dict[str, defaultdict[str, dict[str, int]]] = {
        name: defaultdict(bucket)
        for name in (
            "by_side",
            "by_type",
            "by_month",
            "by_phase",
            "after_ceasefire_by_side_and_month",
        )
    }
    total = bucket()
    for i in range(len(store.table)):
        keys = {
            "by_side": str(classes.corridor_side[i]),
            "by_type": data["sub_event_type"][i],
            "by_month": str(parsed.date[i])[:7],
            "by_phase": str(classes.phase[i]),
        }
        if classes.phase[i] == "after":
            keys["after_ceasefire_by_side_and_month"] = (
                f"{classes.corridor_side[i]} {str(parsed.date[i])[:7]}"
            )
        for target in [total, *(groups[name][key] for name, key in keys.items())]:
            target["incidents"] += 1
            for column, array in (("killed", parsed.fatalities), ("injured", parsed.injured)):
                if math.isnan(array[i]):
                    target[f"{column}_unknown"] += 1
                else:
                    target[column] += int(array[i])
    newest = str(parsed.date.max()) if len(parsed.date) else None
    result: dict[str, Any] = {"as_of": newest, "total": total}
    result.update({name: dict(sorted(group.items())) for name, group in groups.items()})
    return result


def write_geopackage(layers: dict[str, dict[str, Any]], path: Path) -> None:
    """Write GeoJSON FeatureCollections as the layers of one GeoPackage, atomically."""
    import geopandas as gpd  # noqa: PLC0415 - heavy import, only when writing the GeoPackage

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name, collection in sorted(layers.items()):
            frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
    incidents = incident_features(store, columns)
    paths = [
        out_dir / "incidents_classified.csv",
        layers_dir / "incidents.geojson",
        out_dir / "idlib.gpkg",
        out_dir / "summary.json",
    ]
    write_classified_csv(columns, paths[0])
    atomic_write_text(
        paths[1],
        json.dumps(incidents, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
    )
    write_geopackage(
        {
            "incidents": incidents,
            **{name.removesuffix(".geojson"): layer for name, layer in map_layers.items()},
        },
        paths[2],
    )
    atomic_write_text(
        paths[3],
        json.dumps(summary(store, classes), ensure_ascii=False, sort_keys=True, indent=1) + "\n",
    )
    return paths
