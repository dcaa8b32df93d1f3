"""Write the corridor layers as deterministic RFC 7946 GeoJSON files.

Coordinates are lon/lat rounded to 6 decimals (about 0.1 m), polygon exteriors
counter-clockwise, features sorted, keys sorted: the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from geo import geojson
from geo.atomic import atomic_write_text
from geo.band import readings_difference_km2
from geo.corridor import NORTH_SUPERVISION, SOUTH_SUPERVISION, geodesic_area_km2, geodesic_length_km

if TYPE_CHECKING:
    from pathlib import Path

    from shapely.geometry.base import BaseGeometry

    from geo.project import MapInputs, StaticInputs

CORRIDOR_SOURCE = "Moscow additional protocol, 5 March 2020 (Russia–Turkey), article 2"


def _geometry(geom: BaseGeometry) -> dict[str, Any]:
    return geojson.geometry(geom)


def corridor_layers(inputs: StaticInputs | MapInputs) -> dict[str, dict[str, Any]]:
    """Return the four layers as FeatureCollections keyed by file name."""
    corridor, road = inputs.corridor, inputs.road
    west, east = inputs.patrol_ends
    road_source = road.provenance
    halves = []
    for side, country, polygon_ll, area in (
        ("north", NORTH_SUPERVISION, corridor.north_lonlat, corridor.north_area_km2),
        ("south", SOUTH_SUPERVISION, corridor.south_lonlat, corridor.south_area_km2),
    ):
        halves.append(geojson.feature(_geometry(polygon_ll), {
            "side": side,
            "supervision": country,
            "width_m": corridor.half_width_m,
            "area_km2": round(area, 3),
            "length_km": round(corridor.length_km, 3),
            "end_treatment": "flat at the patrol termini",
            "reading": "perpendicular buffer of the road",
            "source": f"{CORRIDOR_SOURCE}; road: {road_source}",
        }))  # fmt: skip
    band = inputs.band_lonlat
    return {
        "m4.geojson": geojson.feature_collection([
            geojson.feature(_geometry(road.line_lonlat), {
                "name": "M4 highway (Latakia–Aleppo)",
                "length_km": round(geodesic_length_km(road.line_lonlat), 3),
                "source": road_source,
            })
        ]),
        "patrol_segment.geojson": geojson.feature_collection([
            geojson.feature(_geometry(corridor.segment_lonlat), {
                "name": f"Joint patrol segment {west.name_en} – {east.name_en}",
                "length_km": round(corridor.length_km, 3),
                "source": f"{CORRIDOR_SOURCE}; road: {road_source}",
            }),
            *[geojson.feature(geojson.point(end.position), {
                "name": end.name_en, "place_id": end.place_id, "role": role,
                "precision_m": end.precision_m,
            }) for end, role in ((west, "west terminus"), (east, "east terminus"))],
        ]),
        "corridor.geojson": geojson.feature_collection(halves),
        "corridor_north_south_band.geojson": geojson.feature_collection([
            geojson.feature(_geometry(band), {
                "name": "Corridor read as a band 6 km due north and due south of the road",
                "width_m": corridor.half_width_m,
                "area_km2": round(geodesic_area_km2(band), 3),
                "symmetric_difference_km2": round(
                    readings_difference_km2(corridor.polygon_lonlat, band), 3
                ),
                "source": f"{CORRIDOR_SOURCE}; road: {road_source}",
            })
        ]),
    }  # fmt: skip


def dumps(collection: dict[str, Any]) -> str:
    """Serialise a FeatureCollection deterministically (sorted keys, compact, newline)."""
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_corridor_layers(inputs: StaticInputs | MapInputs, out_dir: Path) -> list[Path]:
    """Write the corridor layers into ``out_dir / "layers"`` (atomically); return the paths."""
    paths = []
    for name, collection in sorted(corridor_layers(inputs).items()):
        path = out_dir / "layers" / name
        atomic_write_text(path, dumps(collection))
        paths.append(path)
    return paths
