"""Coordinate reference systems used by the project and checks at their boundaries.

Buffers and distances are computed in :data:`CORRIDOR_CRS`, a transverse Mercator centred
on the M4 patrol segment: its scale error over the corridor (±0.3° of longitude from the
central meridian) is below 2e-5, i.e. under 0.15 m on 6 km, against about 1 m in UTM 37N.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pyproj import CRS, Transformer

from geo.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd

WGS84 = CRS.from_epsg(4326)

_TMERC = "+proj=tmerc +lat_0=35.8 +lon_0=36.47 +k=1 +x_0=0 +y_0=0 +ellps=WGS84"
#: Transverse Mercator centred on the patrol segment (Ain al-Hawr 36.165°E to Trinbeh 36.768°E).
CORRIDOR_CRS = CRS.from_proj4(f"{_TMERC} +units=m +no_defs")

#: The operations ``Transformer.from_crs(…, always_xy=True)`` finds between WGS84 (degrees,
#: longitude first) and :data:`CORRIDOR_CRS`, written out: finding them in PROJ's database
#: took 0.02 s per direction, a tenth of loading the static inputs (3 Dec 2026), and built
#: from their pipelines they give bit-identical coordinates (``tests/test_corridor.py``).
PIPELINES = {
    "forward": f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {_TMERC}",
    "inverse": f"+proj=pipeline +step +inv {_TMERC} +step +proj=unitconvert +xy_in=rad +xy_out=deg",
}


@cache
def transformer(from_crs: CRS, to_crs: CRS) -> Transformer:
    """Return a cached transformer with x=longitude/easting first (``always_xy=True``)."""
    if from_crs == WGS84 and to_crs == CORRIDOR_CRS:
        return Transformer.from_pipeline(PIPELINES["forward"])
    if from_crs == CORRIDOR_CRS and to_crs == WGS84:
        return Transformer.from_pipeline(PIPELINES["inverse"])
    return Transformer.from_crs(from_crs, to_crs, always_xy=True)


def require_crs(gdf: gpd.GeoDataFrame, expected: CRS, *, what: str) -> None:
    """Raise :class:`CRSError` unless ``gdf`` has exactly the ``expected`` CRS.

    Parameters
    ----------
    gdf
        The frame to check.
    expected
        The CRS the caller works in.
    what
        A name for the frame, used in the message.
    """
    if gdf.crs is None:
        msg = f"{what} has no CRS; expected {expected.to_string()}"
        raise CRSError(msg)
    if not CRS.from_user_input(gdf.crs).equals(expected):
        msg = f"{what} is in {gdf.crs.to_string()}; expected {expected.to_string()}"
        raise CRSError(msg)
