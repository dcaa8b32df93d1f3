"""Reference geodesy for tests: distances on the WGS84 ellipsoid with pyproj.Geod (GeographicLib).

The road is taken as geodesic segments between its vertices; the distance from a point to
it is minimised along each segment by golden-section search (the distance is unimodal along
one geodesic segment for the short segments used here), vectorised over points.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from pyproj import Geod

if TYPE_CHECKING:
    from numpy.typing import NDArray

GEOD = Geod(ellps="WGS84")
_GOLDEN = (np.sqrt(5) - 1) / 2


def distance_to_polyline_m(
    lon: NDArray[np.float64], lat: NDArray[np.float64], line: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return (distance, nearest lon, nearest lat) from each point to a lon/lat polyline."""
    best = np.full(lon.shape, np.inf)
    near_lon, near_lat = np.zeros_like(lon), np.zeros_like(lat)
    for (alon, alat), (blon, blat) in pairwise(line):
        azimuth, _, length = GEOD.inv(alon, alat, blon, blat)
        low, high = np.zeros_like(lon), np.full_like(lon, length)

        def along(
            s: NDArray[np.float64], alon: float = alon, alat: float = alat, az: float = azimuth
        ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
            plon, plat, _ = GEOD.fwd(
                np.full_like(s, alon), np.full_like(s, alat), np.full_like(s, az), s
            )
            _, _, dist = GEOD.inv(lon, lat, plon, plat)
            return np.asarray(dist), np.asarray(plon), np.asarray(plat)

        for _ in range(60):  # 0.618^60 of a 15 km segment is far below a millimetre
            s1 = high - _GOLDEN * (high - low)
            s2 = low + _GOLDEN * (high - low)
            d1, d2 = along(s1)[0], along(s2)[0]
            high = np.where(d1 < d2, s2, high)
            low = np.where(d1 < d2, low, s1)
        dist, plon, plat = along((low + high) / 2)
        closer = dist < best
        best = np.where(closer, dist, best)
        near_lon, near_lat = np.where(closer, plon, near_lon), np.where(closer, plat, near_lat)
    return best, near_lon, near_lat
