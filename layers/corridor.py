"""Security corridor layer: the north (Turkish) and south (Russian) halves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from geo.corridor import NORTH_SUPERVISION, SOUTH_SUPERVISION
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from shapely import Polygon

    from geo.corridor import Corridor

LAYER_NAME = "Security corridor (6 km each side of the M4)"
BAND_LAYER_NAME = "Corridor read as 6 km due north/south (alternative)"


def corridor_layer(corridor: Corridor, *, road_provenance: str) -> ClientLayer:
    """Return the two halves with their supervising country, width and geodesic area."""
    halves = (
        ("North half: Turkish supervision", NORTH_SUPERVISION, corridor.north_lonlat,
         corridor.north_area_km2, style.CORRIDOR_NORTH),
        ("South half: Russian supervision", SOUTH_SUPERVISION, corridor.south_lonlat,
         corridor.south_area_km2, style.CORRIDOR_SOUTH),
    )  # fmt: skip
    features = []
    for title, country, polygon, area_km2, half_style in halves:
        width_km = corridor.half_width_m / 1000
        popup = {
            "title": title,
            "rows": [
                ["Supervision", country],
                ["Width", f"{width_km:.0f} km from the road (perpendicular buffer)"],
                ["Area", f"{area_km2:,.0f} km² (geodesic)"],
                ["Along the road", f"{corridor.length_km:.1f} km, flat ends at the patrol termini"],
                ["Basis", "Moscow additional protocol, 5 March 2020"],
                ["Road geometry", road_provenance],
            ],
        }
        properties = {"style": half_style, "popup": popup, "label": title}
        features.append(geojson.feature(geojson.geometry(polygon), properties))
    collection = geojson.feature_collection(features)
    return ClientLayer(collection, builder="shapes", name=LAYER_NAME)


def band_layer(band_lonlat: Polygon, *, area_km2: float, difference_km2: float) -> ClientLayer:
    """Return the north-south band reading as an optional layer, off when the map opens."""
    popup = {
        "title": "Alternative reading: 6 km due north and due south",
        "rows": [
            ["Reading", "each road point extended 6 km along its meridian, north and south"],
            ["Area", f"{area_km2:,.0f} km² (geodesic)"],
            ["Differs from the corridor by", f"{difference_km2:,.0f} km² (symmetric difference)"],
            ["Why", "the protocol says 'to the north and to the south', not 'perpendicular'"],
        ],
    }
    properties = {"style": style.BAND, "popup": popup, "label": BAND_LAYER_NAME}
    feature = geojson.feature(geojson.geometry(band_lonlat), properties)
    collection = geojson.feature_collection([feature])
    return ClientLayer(collection, builder="shapes", name=BAND_LAYER_NAME, show=False)
