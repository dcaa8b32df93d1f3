"""The protocol's other reading: a band 6 km due north and 6 km due south of the road.

The 5 March 2020 text says "6 km deep to the north and 6 km deep to the south" of the M4,
not "perpendicular to the road". Read literally, every point of the road extends the
corridor along its meridian. The band is the union of those north-south sweeps, built
geodesically (pyproj.Geod) from the road densified every :data:`DENSIFY_M` metres.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import LineString, Polygon

from geo.corridor import CORRIDOR_HALF_WIDTH_M, GEOD, geodesic_area_km2, to_corridor_crs, to_lonlat
from geo.errors import GeometryError

DENSIFY_M = 100.0


def north_south_band(
    segment_lonlat: LineString, *, half_width_m: float = CORRIDOR_HALF_WIDTH_M
) -> Polygon:
    """Return the band swept by moving each road point ``half_width_m`` due north and south.

    Examples
    --------
    >>> band = north_south_band(LineString([(36.2, 35.8), (36.7, 35.8)]))
    >>> round(band.bounds[3] - band.bounds[1], 3)  # 12 km of latitude, in degrees
    0.108
    """
    dense = to_lonlat(shapely.segmentize(to_corridor_crs(segment_lonlat), DENSIFY_M))
    lon, lat = np.asarray(dense.coords).T
    north_lon, north_lat, _ = GEOD.fwd(
        lon, lat, np.zeros_like(lon), np.full_like(lon, half_width_m)
    )
    south_lon, south_lat, _ = GEOD.fwd(
        lon, lat, np.full_like(lon, 180.0), np.full_like(lon, half_width_m)
    )
    # One quadrilateral per road piece: its north edge, then its south edge backwards.
    north = np.stack([north_lon, north_lat], axis=-1)
    south = np.stack([south_lon, south_lat], axis=-1)
    quads = shapely.polygons(np.stack([north[:-1], north[1:], south[1:], south[:-1]], axis=1))
    band = shapely.union_all(shapely.make_valid(quads), grid_size=1e-9)
    if not isinstance(band, Polygon):
        msg = f"the north-south band is a {band.geom_type}, expected one Polygon"
        raise GeometryError(msg)
    return shapely.orient_polygons(band)


def readings_difference_km2(corridor_lonlat: Polygon, band_lonlat: Polygon) -> float:
    """Return the geodesic area of the symmetric difference of the two readings, in km²."""
    return geodesic_area_km2(shapely.symmetric_difference(corridor_lonlat, band_lonlat))
