"""Places layer: gazetteer points, shown and labelled by zoom, searchable by any spelling.

The places travel as columns (``js/places.js`` builds the markers and popups from them):
about 4,000 places as GeoJSON features with ready-made popups would weigh three times as
much. Positions are integers of 1e-5 degree (about 1 m), longitude first; kinds, admin
areas and source lists are indexes into string tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.places import Place

LAYER_NAME = "Places"
#: The zoom level from which a place's label shows; villages of the reports come earlier.
LABEL_MIN_ZOOM = {"city": 7, "town": 9, "area": 9, "seed": 10, "village": 12, "minor": 13}
#: The zoom level from which a place's point shows: the opening view (zoom 9-11) shows the
#: towns, the seed places and the places the Wikipedia conflict map shows, not 4,000 dots.
POINT_MIN_ZOOM = {"major": 0, "mapped": 10, "minor": 12}
_MAJOR_KINDS = frozenset(("city", "town", "area"))
_COORD_SCALE = 100_000


def _tier(place: Place) -> str:
    """Return ``major``, ``mapped`` (on the Wikipedia conflict map) or ``minor``."""
    if place.kind in _MAJOR_KINDS or "curated" in place.sources:
        return "major"
    if any(source.startswith("WP:") for source in place.sources):
        return "mapped"
    return "minor"


def _label_zoom(place: Place, tier: str) -> int:
    if "curated" in place.sources:
        return min(LABEL_MIN_ZOOM.get(place.kind, 99), LABEL_MIN_ZOOM["seed"])
    if tier == "minor":
        return LABEL_MIN_ZOOM["minor"]
    return LABEL_MIN_ZOOM.get(place.kind, LABEL_MIN_ZOOM["village"])


def place_columns(places: list[Place]) -> dict[str, Any]:
    """Return the places (sorted by ``place_id``) as the columns ``js/places.js`` reads.

    ``names`` holds each place's other names (``|``-separated, Arabic included) so that the
    page's search matches every name the geocoder matches.
    """
    ordered = sorted(places, key=lambda item: item.place_id)
    tables: dict[str, dict[str, int]] = {"kinds": {}, "admins": {}, "sources": {}}

    def code(table: str, value: str) -> int:
        return tables[table].setdefault(value, len(tables[table]))

    columns: dict[str, list[Any]] = {
        key: []
        for key in ("id", "name", "ar", "names", "lon", "lat", "kind", "prec", "admin",
                    "src", "gn", "zoom", "label")
    }  # fmt: skip
    for place in ordered:
        tier = _tier(place)
        admin = ", ".join(part for part in (place.admin3, place.admin2, place.admin1) if part)
        columns["id"].append(place.place_id)
        columns["name"].append(place.name_en)
        columns["ar"].append(place.name_ar)
        columns["names"].append("|".join(place.alt_names))
        columns["lon"].append(round(place.position.lon * _COORD_SCALE))
        columns["lat"].append(round(place.position.lat * _COORD_SCALE))
        columns["kind"].append(code("kinds", place.kind))
        columns["prec"].append(place.precision_m)
        columns["admin"].append(code("admins", admin))
        columns["src"].append(code("sources", ", ".join(place.sources)))
        columns["gn"].append(place.geonames_id)
        columns["zoom"].append(POINT_MIN_ZOOM[tier])
        columns["label"].append(_label_zoom(place, tier))
    return {
        **columns,
        **{table: list(values) for table, values in tables.items()},
        "scale": _COORD_SCALE,
        "style": {"major": style.PLACE, "minor": style.MINOR_PLACE},
        "seedZoom": LABEL_MIN_ZOOM["seed"],
    }


def places_layer(places: list[Place], *, show: bool = True) -> ClientLayer:
    """Return the places layer: points by zoom, labels by zoom, popups built on click."""
    return ClientLayer(place_columns(places), builder="places", name=LAYER_NAME, show=show)
