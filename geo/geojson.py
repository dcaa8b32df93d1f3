"""GeoJSON (RFC 7946) from shapely geometries: lon/lat order, rounded coordinates."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import shapely

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    from geo.coords import LonLat

#: 6 decimals of a degree is about 0.1 m: far below any position's real precision.
COORD_DECIMALS = 6


def geometry(geom: BaseGeometry, *, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """Return ``geom`` (lon/lat) as a GeoJSON geometry dict with rounded coordinates.

    Examples
    --------
    >>> geometry(shapely.Point(36.6096412, 35.8137399))
    {'type': 'Point', 'coordinates': [36.609641, 35.81374]}
    """
    return geometries([geom], decimals=decimals)[0]


def geometries(
    geoms: NDArray[np.object_] | list[BaseGeometry], *, decimals: int = COORD_DECIMALS
) -> list[dict[str, Any]]:
    """Return each of ``geoms`` (lon/lat) as :func:`geometry` does, in one pass over them."""
    # Round, then orient: polygon exteriors counter-clockwise, holes clockwise (RFC 7946 3.1.6).
    rounded = shapely.orient_polygons(shapely.set_precision(geoms, 10.0**-decimals))
    texts = shapely.to_geojson(rounded)
    result: list[dict[str, Any]] = json.loads("[" + ",".join(texts.tolist()) + "]")
    return result


def point(position: LonLat, *, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """Return a GeoJSON Point for ``position``, rounded to ``decimals``."""
    return {
        "type": "Point",
        "coordinates": [round(position.lon, decimals), round(position.lat, decimals)],
    }


def feature(geom: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """Return a GeoJSON Feature."""
    return {"type": "Feature", "geometry": geom, "properties": properties}


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a FeatureCollection of ``features`` in the order given."""
    return {"type": "FeatureCollection", "features": features}
