"""Security corridor layer: the north (Turkish) and south (Russian) halves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.corridor import Corridor

LAYER_NAME = "Security corridor (6 km each side of the M4)"


def corridor_layer(corridor: Corridor) -> ClientLayer:
    """Return the two halves with their supervising country, width and geodesic area."""
    halves = (
        ("North half: Turkish supervision", corridor.north_lonlat, corridor.north_area_km2),
        ("South half: Russian supervision", corridor.south_lonlat, corridor.south_area_km2),
    )
    styles = (style.CORRIDOR_NORTH, style.CORRIDOR_SOUTH)
    features = []
    for (title, polygon, area_km2), half_style in zip(halves, styles, strict=True):
        popup = {
            "title": title,
            "rows": [
                [
                    "Width",
                    f"{corridor.half_width_m / 1000:.0f} km from the road (perpendicular buffer)",
                ],
                ["Area", f"{area_km2:,.0f} km² (geodesic)"],
                ["Along the road", f"{corridor.length_km:.1f} km, flat ends at the patrol termini"],
                ["Basis", "Moscow additional protocol, 5 March 2020"],
                ["Caveat", "Built on the approximate M4 line, not surveyed road geometry"],
            ],
        }
        properties = {"style": half_style, "popup": popup, "label": title}
        features.append(geojson.feature(geojson.geometry(polygon), properties))
    return ClientLayer(geojson.feature_collection(features), builder="shapes", name=LAYER_NAME)
