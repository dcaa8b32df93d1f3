"""A road geometry supplied by the user (GeoJSON, GeoPackage, Shapefile), checked before use.

An OpenStreetMap extract of the M4 is better than the bundled waypoint line; a wrong file
is worse than either, so every check below fails with a message saying what is wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import CRS
from shapely import LineString, MultiLineString

from geo.coords import AREA_OF_INTEREST
from geo.corridor import geodesic_length_km
from geo.crs import WGS84
from geo.errors import CRSError, DataFileError, GeometryError
from geo.m4 import Road

if TYPE_CHECKING:
    from pathlib import Path

MIN_ROAD_KM = 20.0
MAX_ROAD_KM = 600.0


def load_road_file(path: Path) -> Road:
    """Read a LineString/MultiLineString road from ``path`` into a west-to-east :class:`Road`.

    Raises
    ------
    DataFileError
        The file is missing, unreadable or has no features.
    CRSError
        The file has no CRS, or its coordinates do not fit its CRS (degrees expected but
        metres found, or latitude and longitude swapped).
    GeometryError
        The geometry is not a line, falls apart into disconnected pieces, or is implausibly
        short, long or far from north-west Syria.
    """
    import geopandas as gpd  # noqa: PLC0415 - heavy import only when a road file is used

    if not path.is_file():
        raise DataFileError(f"{path}: road file not found")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - pyogrio raises many types for unreadable files
        raise DataFileError(f"{path}: cannot read as a vector file ({exc})") from None
    if frame.empty:
        raise DataFileError(f"{path}: the file has no features")
    if frame.crs is None:
        raise CRSError(f"{path}: the road has no CRS; save it as GeoJSON or give it a .prj")
    kinds = sorted(set(frame.geom_type.dropna()))
    if not kinds or set(kinds) - {"LineString", "MultiLineString"}:
        raise GeometryError(
            f"{path}: the road must be LineString or MultiLineString, found {', '.join(kinds)}"
        )
    crs = CRS.from_user_input(frame.crs)
    if crs.is_geographic:
        check_degrees(path, frame.total_bounds)
    frame = frame.to_crs(WGS84) if not crs.equals(WGS84) else frame
    line = _single_line(path, shapely.union_all(frame.geometry.to_numpy()))
    coords = np.asarray(line.coords)[:, :2]
    if coords[0, 0] > coords[-1, 0]:
        coords = coords[::-1]
    line = LineString(coords)
    _check_location(path, line)
    length_km = geodesic_length_km(line)
    if not MIN_ROAD_KM <= length_km <= MAX_ROAD_KM:
        raise GeometryError(
            f"{path}: the road is {length_km:,.1f} km long; an M4 road between Latakia and "
            f"Aleppo, or its patrol stretch, is {MIN_ROAD_KM:.0f}–{MAX_ROAD_KM:.0f} km"
        )
    provenance = (
        f"User road geometry from {path.name}: {len(coords):,} vertices, {length_km:,.1f} km"
    )
    return Road(line_lonlat=line, waypoints=(), provenance=provenance)


def check_degrees(path: Path, bounds: np.ndarray) -> None:
    """Raise :class:`CRSError` if a geographic file's ``bounds`` cannot be degrees."""
    west, south, east, north = (float(v) for v in bounds)
    if max(abs(west), abs(east)) > 180 or max(abs(south), abs(north)) > 90:  # noqa: PLR2004
        raise CRSError(
            f"{path}: coordinates such as ({west:,.0f}, {south:,.0f}) are not degrees although "
            "the file says its CRS is geographic: they look like metres (UTM?); set the right CRS"
        )


def _check_location(path: Path, line: LineString) -> None:
    box = AREA_OF_INTEREST
    west, south, east, north = line.bounds
    inside = box.west <= west and east <= box.east and box.south <= south and north <= box.north
    if inside:
        return
    swapped = box.west <= south and north <= box.east and box.south <= west and east <= box.north
    if swapped:
        raise CRSError(
            f"{path}: the road lies outside north-west Syria but fits it with latitude and "
            "longitude swapped: write coordinates as (lon, lat), the GeoJSON order"
        )
    raise GeometryError(
        f"{path}: the road spans lon {west:.3f}–{east:.3f}, lat {south:.3f}–{north:.3f}, "
        f"outside north-west Syria (lon {box.west}–{box.east}, lat {box.south}–{box.north})"
    )


def _single_line(path: Path, geometry: shapely.Geometry) -> LineString:
    merged = shapely.line_merge(geometry)
    if isinstance(merged, LineString):
        return merged
    if isinstance(merged, MultiLineString):
        pieces = sorted(merged.geoms, key=lambda piece: -piece.length)
        main = pieces[0]
        gaps = [shapely.distance(main, piece) for piece in pieces[1:]]
        raise GeometryError(
            f"{path}: the road falls into {len(pieces)} disconnected pieces (largest gap "
            f"{max(gaps):.4f}°); join them into one line (e.g. QGIS 'Merge lines') and try again"
        )
    raise GeometryError(f"{path}: the road geometry is {merged.geom_type}, expected a line")
