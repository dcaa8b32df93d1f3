"""The 5 March 2020 security corridor: the M4 patrol segment buffered 6 km each side.

Buffering happens in :data:`geo.crs.CORRIDOR_CRS`, a transverse Mercator centred on the
patrol segment (scale error under 1e-5 across the corridor), never in degrees. The ends are
flat (``cap_style="flat"``): the protocol defines the corridor along the patrolled road
between Trinbeh and Ain al-Hawr, not around its end points; a round end would reach 6 km
past each terminus onto road the patrols never used. Bends use round joins with
:data:`QUAD_SEGS` segments per quarter circle, so a chord sags at most 0.11 m inside the
true 6 km arc. The buffer is split along the road itself: the part on the left of the
west-to-east road is the north half (Turkish supervision), the part on its right the south
half (Russian supervision); the halves add up to the whole exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Geod
from shapely import LineString, Point, Polygon
from shapely.ops import split, substring

from geo.crs import CORRIDOR_CRS, WGS84, transformer
from geo.errors import GeometryError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from geo.coords import LonLat

CORRIDOR_HALF_WIDTH_M = 6_000.0
QUAD_SEGS = 128
#: Straight edges in the metric CRS are curves in lon/lat: densify before going back so the
#: lon/lat polygon follows them (a 45 km edge otherwise sags by several metres).
DENSIFY_M = 100.0
GEOD = Geod(ellps="WGS84")
NORTH_SUPERVISION = "Turkey"
SOUTH_SUPERVISION = "Russia"


@dataclass(frozen=True, slots=True)
class Corridor:
    """The corridor, its halves and its segment: lon/lat and metric, with geodesic measures.

    ``*_lonlat`` geometries are WGS84 (lon, lat); ``*_proj`` are in
    :data:`geo.crs.CORRIDOR_CRS` (metres).
    """

    segment_lonlat: LineString
    segment_proj: LineString
    polygon_lonlat: Polygon
    polygon_proj: Polygon
    north_lonlat: Polygon
    north_proj: Polygon
    south_lonlat: Polygon
    south_proj: Polygon
    half_width_m: float
    length_km: float
    area_km2: float
    north_area_km2: float
    south_area_km2: float


def to_corridor_crs(geom: BaseGeometry) -> BaseGeometry:
    """Project a lon/lat geometry to the corridor's metric CRS."""
    forward = transformer(WGS84, CORRIDOR_CRS)
    return shapely.transform(geom, forward.transform, interleaved=False)


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """Project a geometry from the corridor's metric CRS back to lon/lat."""
    inverse = transformer(CORRIDOR_CRS, WGS84)
    return shapely.transform(geom, inverse.transform, interleaved=False)


def patrol_segment(road_lonlat: LineString, *, west: LonLat, east: LonLat) -> LineString:
    """Cut the road between the points nearest to ``west`` and ``east`` (linear referencing).

    Returns
    -------
    LineString
        The segment in lon/lat, running west to east.
    """
    road_proj = to_corridor_crs(road_lonlat)
    if not isinstance(road_proj, LineString) or road_proj.is_empty:
        msg = "the road must be a non-empty LineString"
        raise GeometryError(msg)
    start_m = road_proj.project(to_corridor_crs(Point(west.lon, west.lat)))
    end_m = road_proj.project(to_corridor_crs(Point(east.lon, east.lat)))
    if abs(start_m - end_m) < 1.0:
        msg = "the two patrol ends project to the same point on the road"
        raise GeometryError(msg)
    segment = to_lonlat(substring(road_proj, min(start_m, end_m), max(start_m, end_m)))
    if not isinstance(segment, LineString):  # pragma: no cover - substring of a line is a line
        msg = "patrol segment is not a line"
        raise GeometryError(msg)
    coords = list(segment.coords)
    if coords[0][0] > coords[-1][0]:
        segment = LineString(coords[::-1])
    return segment


def geodesic_area_km2(polygon_lonlat: BaseGeometry) -> float:
    """Return the geodesic area of a lon/lat polygon on the WGS84 ellipsoid, in km²."""
    area_m2, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(polygon_lonlat))
    return abs(area_m2) / 1e6


def geodesic_length_km(line_lonlat: BaseGeometry) -> float:
    """Return the geodesic length of a lon/lat line on the WGS84 ellipsoid, in km."""
    return float(GEOD.geometry_length(line_lonlat)) / 1000


def build_corridor(
    segment_lonlat: LineString, *, half_width_m: float = CORRIDOR_HALF_WIDTH_M
) -> Corridor:
    """Buffer the patrol segment ``half_width_m`` each side and split it along the road.

    Examples
    --------
    >>> seg = LineString([(36.2, 35.8), (36.7, 35.85)])
    >>> c = build_corridor(seg)
    >>> round(c.area_km2 / (2 * 6 * c.length_km), 4)
    1.0
    >>> c.north_lonlat.centroid.y > c.south_lonlat.centroid.y
    True
    """
    segment_proj = to_corridor_crs(segment_lonlat)
    if not isinstance(segment_proj, LineString) or segment_proj.length == 0:
        msg = "the patrol segment must be a LineString of non-zero length"
        raise GeometryError(msg)
    whole = segment_proj.buffer(half_width_m, quad_segs=QUAD_SEGS, cap_style="flat")
    if not isinstance(whole, Polygon):
        msg = f"the corridor buffer is a {whole.geom_type}, expected one Polygon"
        raise GeometryError(msg)
    north_proj, south_proj = _split_halves(whole, segment_proj)
    parts = [_polygon_lonlat(geom) for geom in (whole, north_proj, south_proj)]
    polygon, north_ll, south_ll = parts
    return Corridor(
        segment_lonlat=segment_lonlat,
        segment_proj=segment_proj,
        polygon_lonlat=polygon,
        polygon_proj=whole,
        north_lonlat=north_ll,
        north_proj=north_proj,
        south_lonlat=south_ll,
        south_proj=south_proj,
        half_width_m=half_width_m,
        length_km=geodesic_length_km(segment_lonlat),
        area_km2=geodesic_area_km2(polygon),
        north_area_km2=geodesic_area_km2(north_ll),
        south_area_km2=geodesic_area_km2(south_ll),
    )


def left_of(line_proj: LineString, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return True where points (metric CRS) lie left of ``line_proj`` at their nearest point.

    The side is the sign of the cross product of the direction of the line's nearest
    sub-segment and the vector to the point (vectorised over the points).
    """
    coords = np.asarray(line_proj.coords)
    points = shapely.points(x, y)
    along = shapely.line_locate_point(line_proj, points)
    cumulative = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    index = np.clip(np.searchsorted(cumulative, along, side="right") - 1, 0, len(coords) - 2)
    start, end = coords[index], coords[index + 1]
    cross = (end[:, 0] - start[:, 0]) * (y - start[:, 1]) - (end[:, 1] - start[:, 1]) * (
        x - start[:, 0]
    )
    return np.asarray(cross > 0)


def _split_halves(whole: Polygon, segment_proj: LineString) -> tuple[Polygon, Polygon]:
    coords = np.asarray(segment_proj.coords)
    # Extend the road a little past its ends so it cuts the flat caps cleanly.
    first = coords[0] - 10 * _unit(coords[1] - coords[0])
    last = coords[-1] + 10 * _unit(coords[-1] - coords[-2])
    cutter = LineString(np.vstack([first, coords, last]))
    pieces = [geom for geom in split(whole, cutter).geoms if isinstance(geom, Polygon)]
    if len(pieces) < 2:  # noqa: PLR2004
        msg = "the road does not split the corridor into two halves"
        raise GeometryError(msg)
    reps = [piece.representative_point() for piece in pieces]
    left = left_of(segment_proj, np.array([p.x for p in reps]), np.array([p.y for p in reps]))
    north = shapely.union_all([p for p, is_left in zip(pieces, left, strict=True) if is_left])
    south = shapely.union_all([p for p, is_left in zip(pieces, left, strict=True) if not is_left])
    if not isinstance(north, Polygon) or not isinstance(south, Polygon):
        msg = "a corridor half is not a single polygon (does the road cross itself?)"
        raise GeometryError(msg)
    return north, south


def _polygon_lonlat(polygon_proj: Polygon) -> Polygon:
    polygon = to_lonlat(shapely.segmentize(polygon_proj, DENSIFY_M))
    if not isinstance(polygon, Polygon):  # pragma: no cover - a transformed polygon
        msg = f"corridor part is a {polygon.geom_type}, expected a Polygon"
        raise GeometryError(msg)
    return polygon


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.hypot(*vector))
    return vector / norm if norm else vector
