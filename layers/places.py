"""Places layer: gazetteer points with labels, Arabic names and provenance in the popup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.places import Place

LAYER_NAME = "Places"
#: The zoom level from which a place's label shows; villages of the reports come earlier.
LABEL_MIN_ZOOM = {"city": 7, "town": 9, "area": 9, "seed": 10, "village": 12}


def places_layer(places: list[Place], *, show: bool = True) -> ClientLayer:
    """Return the places as circle markers, sorted by ``place_id``.

    Labels appear by zoom level (cities first, villages from zoom 12), so the map is never
    buried under 1,000 names; every name (Latin and Arabic) is searchable in the page.
    """
    features = []
    for place in sorted(places, key=lambda item: item.place_id):
        admin = ", ".join(part for part in (place.admin3, place.admin2, place.admin1) if part)
        popup = {
            "title": place.name_en,
            "rows": [
                ["Arabic", place.name_ar],
                ["Also written", ", ".join(place.alt_names)],
                ["Kind", place.kind],
                ["Admin area", admin],
                ["Position", f"{place.position.lat:.4f}, {place.position.lon:.4f} (lat, lon)"],
                ["Precision", f"± {place.precision_m:,} m"],
                ["Sources", ", ".join(place.sources)],
            ],
        }
        seed = "curated" in place.sources
        min_zoom = LABEL_MIN_ZOOM.get(place.kind, LABEL_MIN_ZOOM["village"])
        if seed:
            min_zoom = min(min_zoom, LABEL_MIN_ZOOM["seed"])
        properties = {
            "label": place.name_en,
            "minZoom": min_zoom,
            "names": [place.name_en, *([place.name_ar] if place.name_ar else []), *place.alt_names],
            "popup": popup,
            "style": style.PLACE if min_zoom <= LABEL_MIN_ZOOM["seed"] else style.MINOR_PLACE,
        }
        features.append(geojson.feature(geojson.point(place.position), properties))
    return ClientLayer(
        geojson.feature_collection(features),
        builder="points",
        name=LAYER_NAME,
        show=show,
    )
