"""Coordinate types with their axis order in the name, and the one lat/lon swap.

Everything in ``geo`` is longitude first (x, y), as shapely, GeoJSON and pyproj with
``always_xy=True`` expect. folium and Leaflet want latitude first; :func:`to_latlon` is
the only place that swaps.
"""

from __future__ import annotations

from typing import NamedTuple


class LonLat(NamedTuple):
    """A WGS84 position in decimal degrees, longitude first."""

    lon: float
    lat: float


class LonLatBbox(NamedTuple):
    """A WGS84 bounding box in decimal degrees: west, south, east, north."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, point: LonLat) -> bool:
        """Return True if ``point`` lies inside the box (edges included).

        Examples
        --------
        >>> AREA_OF_INTEREST.contains(LonLat(36.6096, 35.8137))
        True
        """
        return self.west <= point.lon <= self.east and self.south <= point.lat <= self.north


#: North-west Syria: Idlib governorate with the edges of Latakia, Hama and Aleppo.
AREA_OF_INTEREST = LonLatBbox(west=35.7, south=35.2, east=37.6, north=36.7)
#: Where gazetteer places may lie: the area of interest and, 8 km south of it, Hama city, the
#: seat of a governorate it covers (reports locate by "the Hama countryside").
PLACES_AREA = LonLatBbox(west=35.7, south=35.1, east=37.6, north=36.7)


def to_latlon(point: LonLat) -> tuple[float, float]:
    """Return ``(lat, lon)`` for folium/Leaflet, which take latitude first.

    Examples
    --------
    >>> to_latlon(LonLat(lon=36.61, lat=35.81))
    (35.81, 36.61)
    """
    # point is lon, lat and Leaflet wants lat, lon
    return (point.lat, point.lon)
