"""Administrative boundaries (OCHA): an offline base map and an overlay of all three levels.

Boundaries are simplified for drawing (:data:`DRAW_TOLERANCE_M`, in the corridor's metric
CRS, topology kept); the unsimplified polygons stay in ``data/admin/`` for spatial joins.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import shapely

from geo import geojson
from geo.crs import CORRIDOR_CRS, WGS84, transformer
from geo.errors import DataFileError
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from pathlib import Path

OFFLINE_BASE_NAME = "Offline: OCHA boundaries (no tiles)"
LAYER_NAME = "Admin boundaries (OCHA)"
DRAW_TOLERANCE_M = 60.0
_LEVELS = (
    ("governorates", "Governorate", 2.5),
    ("districts", "District", 1.4),
    ("subdistricts", "Sub-district", 0.6),
)


def _features(path: Path, *, level: str, weight: float, fill: bool) -> list[dict[str, Any]]:
    shape_style = {**style.ADMIN, "weight": weight, "fill": fill}
    return [
        geojson.feature(
            drawn,
            {
                "style": shape_style,
                "popup": {
                    "title": f"{props['name_en']} ({level})",
                    "rows": [["Arabic", props["name_ar"]], ["P-code", props["pcode"]]],
                },
            },
        )
        for props, drawn in _drawn(path, _stamp(path))
    ]


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=8)
def _drawn(path: Path, _stamp: tuple[int, int]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return each boundary's properties and its simplified, rounded GeoJSON geometry.

    Remembered for the file as it is (its time and size): the districts are drawn twice,
    as the offline base and in the overlay, and simplifying them is most of the cost.
    """
    text = path.read_text(encoding="utf-8")
    collection: dict[str, Any] = json.loads(text)
    # All of a file's boundaries at once: one projection each way, one simplification call.
    geoms = shapely.get_parts(shapely.from_geojson(text))
    forward, inverse = transformer(WGS84, CORRIDOR_CRS), transformer(CORRIDOR_CRS, WGS84)
    metric = shapely.transform(geoms, forward.transform, interleaved=False)
    simple = shapely.simplify(metric, DRAW_TOLERANCE_M)
    drawn = geojson.geometries(shapely.transform(simple, inverse.transform, interleaved=False),
                               decimals=5)  # fmt: skip
    features = collection["features"]
    if len(drawn) != len(features):
        msg = f"{path}: each boundary must have one (multi)polygon"
        raise DataFileError(msg)
    return [(feat["properties"], geometry) for feat, geometry in zip(features, drawn, strict=True)]


def offline_base(admin_dir: Path) -> ClientLayer:
    """Return districts on a plain background, as a base layer that needs no network."""
    features = _features(admin_dir / "districts.geojson", level="District", weight=1.0, fill=True)
    return ClientLayer(
        geojson.feature_collection(features),
        builder="shapes",
        name=OFFLINE_BASE_NAME,
        show=False,
        overlay=False,
        options={"pane": "idlibBase"},
    )


def admin_layer(admin_dir: Path) -> ClientLayer:
    """Return governorate, district and sub-district lines in one overlay, off by default."""
    features = []
    for filename, level, weight in _LEVELS:
        features += _features(
            admin_dir / f"{filename}.geojson", level=level, weight=weight, fill=False
        )
    return ClientLayer(
        geojson.feature_collection(features), builder="shapes", name=LAYER_NAME, show=False
    )
