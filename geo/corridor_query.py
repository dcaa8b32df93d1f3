"""Vectorised questions about many points at once: which side, how far from the M4, how sure.

Points go to the corridor's metric CRS in one pyproj call; predicates are shapely 2 ufuncs
over arrays. Rules, all inclusive of their bound:

- ``side``: ``road`` if the point is in the corridor within :data:`ON_ROAD_M` of the road
  line (the halves' shared edge: a point coded on the road belongs to neither half), else
  ``north`` if in the north half (boundary included), ``south`` if in the south half, else
  ``outside``.
- ``distance_to_m4_m``: distance to the nearest point of the whole road line, corrected for
  the projection's scale factor, so it matches the geodesic distance to < 1 m within 20 km.
- ``certainty`` for a point known to ± ``radius_m``: ``certain`` if the whole disc lies in
  the corridor, ``possible`` if the disc touches it, else ``outside``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from geo.corridor import to_corridor_crs
from geo.crs import CORRIDOR_CRS, WGS84, transformer

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray
    from shapely import LineString

    from geo.corridor import Corridor

#: Points this close to the road line, in metres, are on the road, not in a half.
ON_ROAD_M = 100.0
#: Up to this many road segments, distances loop over segments in numpy; beyond, an STRtree.
_DIRECT_SEGMENTS = 64
#: Mean radius of the WGS84 ellipsoid at the corridor's latitude (sqrt(M N) at 35.8° N), in m.
_LOCAL_RADIUS_M = 6_372_000.0


class CorridorIndex:
    """The corridor and the road prepared for fast, repeated point queries.

    Parameters
    ----------
    corridor
        The built corridor.
    road_lonlat
        The whole road line (lon/lat), for distances to the M4.
    """

    def __init__(self, corridor: Corridor, road_lonlat: LineString) -> None:
        self.corridor = corridor
        self._north = corridor.north_proj
        self._south = corridor.south_proj
        self._whole = corridor.polygon_proj
        road = np.asarray(to_corridor_crs(road_lonlat).coords)[:, :2]
        self._seg_start, self._seg_end = road[:-1], road[1:]
        self._seg_tree = (
            shapely.STRtree(shapely.linestrings(np.stack([self._seg_start, self._seg_end], axis=1)))
            if len(road) - 1 > _DIRECT_SEGMENTS
            else None
        )
        for geom in (self._north, self._south, self._whole):
            shapely.prepare(geom)
        self._discs: dict[float, tuple[shapely.Geometry, shapely.Geometry]] = {}

    def project(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return metric (x, y) arrays for lon/lat arrays (longitude first)."""
        x, y = transformer(WGS84, CORRIDOR_CRS).transform(
            np.asarray(lon, float), np.asarray(lat, float)
        )
        return np.asarray(x), np.asarray(y)

    def side(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.str_]:
        """Return ``north``, ``south``, ``road`` or ``outside`` for each point."""
        return self.side_and_distance(lon, lat)[0]

    def side_and_distance(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.str_], NDArray[np.float64]]:
        """Return :meth:`side` and :meth:`distance_to_m4_m` with one projection."""
        x, y = self.project(lon, lat)
        side, dist_m = self._side_xy(x, y), self._distance_xy(x, y)
        side[(side != "outside") & (dist_m <= ON_ROAD_M)] = "road"
        return side, dist_m

    def _side_xy(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.str_]:
        north = shapely.intersects_xy(self._north, x, y)
        south = ~north & shapely.intersects_xy(self._south, x, y)
        return np.where(north, "north", np.where(south, "south", "outside")).astype("<U7")

    def distance_to_m4_m(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
        """Return each point's distance to the road in metres (geodesic to < 1 m within 20 km)."""
        return self._distance_xy(*self.project(lon, lat))

    def _distance_xy(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        nx, ny = self._nearest_on_road(x, y)
        grid_m = np.hypot(x - nx, y - ny)
        # Transverse Mercator stretches distances by k = 1 + x^2 / (2 R^2) at easting x.
        x_mid = (x + nx) / 2
        return np.asarray(grid_m / (1 + x_mid**2 / (2 * _LOCAL_RADIUS_M**2)))

    def _nearest_on_road(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return the nearest road point of each point (metric CRS)."""
        if self._seg_tree is None:  # a short polyline: every segment, vectorised over points
            best_d2 = np.full(x.shape, np.inf)
            nx, ny = np.empty_like(x), np.empty_like(y)
            for (ax, ay), (bx, by) in zip(self._seg_start, self._seg_end, strict=True):
                qx, qy = _project_on_segment(x, y, ax, ay, bx, by)
                d2 = (x - qx) ** 2 + (y - qy) ** 2
                closer = d2 < best_d2
                best_d2 = np.where(closer, d2, best_d2)
                nx, ny = np.where(closer, qx, nx), np.where(closer, qy, ny)
            return nx, ny
        _, segment = self._seg_tree.query_nearest(shapely.points(x, y), all_matches=False)
        start, end = self._seg_start[segment], self._seg_end[segment]
        return _project_on_segment(x, y, start[:, 0], start[:, 1], end[:, 0], end[:, 1])

    def certainty(self, lon: ArrayLike, lat: ArrayLike, radius_m: ArrayLike) -> NDArray[np.str_]:
        """Return ``certain``, ``possible`` or ``outside`` for points known to ± ``radius_m``."""
        x, y = self.project(lon, lat)
        radii = np.broadcast_to(np.asarray(radius_m, float), x.shape)
        out = np.full(x.shape, "outside", dtype="<U8")
        for radius in np.unique(radii):
            inner, outer = self._disc_polygons(float(radius))
            mask = radii == radius
            possible = shapely.intersects_xy(outer, x[mask], y[mask])
            certain = (
                shapely.intersects_xy(inner, x[mask], y[mask]) if not inner.is_empty else False
            )
            out[mask] = np.where(certain, "certain", np.where(possible, "possible", "outside"))
        return out

    def _disc_polygons(self, radius_m: float) -> tuple[shapely.Geometry, shapely.Geometry]:
        if radius_m not in self._discs:
            inner = self._whole.buffer(-radius_m, quad_segs=32) if radius_m > 0 else self._whole
            outer = self._whole.buffer(radius_m, quad_segs=32) if radius_m > 0 else self._whole
            for geom in (inner, outer):
                shapely.prepare(geom)
            self._discs[radius_m] = (inner, outer)
        return self._discs[radius_m]


def _project_on_segment(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    ax: ArrayLike,
    ay: ArrayLike,
    bx: ArrayLike,
    by: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the point of segment A-B nearest to each (x, y), vectorised."""
    start_x, start_y = np.asarray(ax, float), np.asarray(ay, float)
    dx, dy = np.asarray(bx, float) - start_x, np.asarray(by, float) - start_y
    length2 = dx * dx + dy * dy
    t = np.clip(
        ((x - start_x) * dx + (y - start_y) * dy) / np.where(length2 == 0, 1, length2), 0, 1
    )
    return start_x + t * dx, start_y + t * dy
