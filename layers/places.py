"""Places layer: gazetteer points with labels, Arabic names and provenance in the popup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.places import Place

LAYER_NAME = "Places"
#: Kinds labelled on the map at all times; other places show their name on hover.
LABELLED_KINDS = frozenset({"city", "town", "area"})


def places_layer(places: list[Place], *, show: bool = True) -> ClientLayer:
    """Return the places as circle markers, sorted by ``place_id``.

    Towns, cities, areas and the curated seed places carry a permanent label; the other
    villages are smaller dots named on hover, so the map is not buried under 1,000 labels.
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
        labelled = place.kind in LABELLED_KINDS or "curated" in place.sources
        properties = {
            "label": place.name_en,
            "permanent": labelled,
            "popup": popup,
            "style": style.PLACE if labelled else style.MINOR_PLACE,
        }
        features.append(geojson.feature(geojson.point(place.position), properties))
    return ClientLayer(
        geojson.feature_collection(features),
        builder="points",
        name=LAYER_NAME,
        show=show,
    )
