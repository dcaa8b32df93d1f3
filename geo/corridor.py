"""The 5 March 2020 security corridor: the M4 patrol segment buffered 6 km each side.

Buffering happens in :data:`geo.crs.CORRIDOR_CRS` (metres), never in degrees. The ends are
flat (``cap_style="flat"``): the protocol defines the corridor along the patrolled road
between Trinbeh and Ain al-Hawr, not around its end points. Bends use round joins with
``QUAD_SEGS`` segments per quarter circle so the polygon stays within 0.5 m of the true arc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely
from pyproj import Geod
from shapely import LineString, Point, Polygon
from shapely.ops import substring

from geo.crs import CORRIDOR_CRS, WGS84, transformer
from geo.errors import GeometryError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from geo.coords import LonLat

CORRIDOR_HALF_WIDTH_M = 6_000.0
QUAD_SEGS = 64
#: Straight edges in the metric CRS are curves in lon/lat: densify before going back so the
#: lon/lat polygon follows them (a 45 km edge otherwise sags by several metres).
DENSIFY_M = 100.0
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Corridor:
    """The corridor and its halves in WGS84 (lon, lat), with geodesic measures."""

    segment_lonlat: LineString
    polygon_lonlat: Polygon
    north_lonlat: Polygon
    south_lonlat: Polygon
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
    if start_m == end_m:
        msg = "the two patrol ends project to the same point on the road"
        raise GeometryError(msg)
    segment_proj = substring(road_proj, min(start_m, end_m), max(start_m, end_m))
    segment = to_lonlat(segment_proj)
    if not isinstance(segment, LineString):  # pragma: no cover - substring of a line is a line
        msg = "patrol segment is not a line"
        raise GeometryError(msg)
    coords = list(segment.coords)
    if coords[0][0] > coords[-1][0]:
        segment = LineString(coords[::-1])
    return segment


def geodesic_area_km2(polygon_lonlat: Polygon) -> float:
    """Return the geodesic area of a lon/lat polygon on the WGS84 ellipsoid, in km²."""
    area_m2, _ = _GEOD.geometry_area_perimeter(polygon_lonlat)
    return abs(area_m2) / 1e6


def build_corridor(
    segment_lonlat: LineString, *, half_width_m: float = CORRIDOR_HALF_WIDTH_M
) -> Corridor:
    """Buffer the patrol segment ``half_width_m`` each side and split it into halves.

    The north half is the buffer on the left of the west-to-east segment (Turkish
    supervision), the south half the one on its right (Russian supervision).

    Examples
    --------
    >>> seg = LineString([(36.2, 35.8), (36.7, 35.85)])
    >>> c = build_corridor(seg)
    >>> round(c.area_km2 / (2 * 6 * c.length_km), 3)
    1.0
    """
    segment_proj = to_corridor_crs(segment_lonlat)
    whole = segment_proj.buffer(half_width_m, quad_segs=QUAD_SEGS, cap_style="flat")
    north = segment_proj.buffer(
        half_width_m, quad_segs=QUAD_SEGS, cap_style="flat", single_sided=True
    )
    south = segment_proj.buffer(
        -half_width_m, quad_segs=QUAD_SEGS, cap_style="flat", single_sided=True
    )
    parts = []
    for geom in (whole, north, south):
        polygon = to_lonlat(shapely.segmentize(shapely.make_valid(geom), DENSIFY_M))
        if not isinstance(polygon, Polygon):
            msg = f"corridor part is a {polygon.geom_type}, expected a Polygon"
            raise GeometryError(msg)
        parts.append(polygon)
    polygon, north_ll, south_ll = parts
    return Corridor(
        segment_lonlat=segment_lonlat,
        polygon_lonlat=polygon,
        north_lonlat=north_ll,
        south_lonlat=south_ll,
        half_width_m=half_width_m,
        length_km=_GEOD.geometry_length(segment_lonlat) / 1000,
        area_km2=geodesic_area_km2(polygon),
        north_area_km2=geodesic_area_km2(north_ll),
        south_area_km2=geodesic_area_km2(south_ll),
    )
