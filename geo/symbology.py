"""The project's symbol language: colours and styles of the web map, figures, KML and QGIS.

One table for every output, so an incident type has one colour on the map, in a figure, in
Google Earth and in QGIS. ``layers.style`` re-exports it for the map's layers.
"""

from __future__ import annotations

CORRIDOR_NORTH = {"color": "#1b7f6b", "fillColor": "#1b9e77", "fillOpacity": 0.18, "weight": 1.5}
CORRIDOR_SOUTH = {"color": "#5b54a3", "fillColor": "#7570b3", "fillOpacity": 0.18, "weight": 1.5}
BAND = {"color": "#b35806", "weight": 2, "dashArray": "4 4", "fill": True, "fillOpacity": 0.05}
M4_LINE = {"color": "#444444", "weight": 2, "dashArray": "6 5", "opacity": 0.9}
PATROL_SEGMENT = {"color": "#111111", "weight": 4, "opacity": 0.85}
PATROL_END = {
    "radius": 7,
    "color": "#111111",
    "fillColor": "#ffd23f",
    "fillOpacity": 1,
    "weight": 2,
}
MINOR_PLACE = {
    "radius": 2.5,
    "color": "#666666",
    "fillColor": "#ffffff",
    "fillOpacity": 1,
    "weight": 1,
}
PLACE = {"radius": 4, "color": "#333333", "fillColor": "#ffffff", "fillOpacity": 1, "weight": 1.5}
POST_ORIGINAL = {
    "radius": 6,
    "color": "#08306b",
    "fillColor": "#6baed6",
    "fillOpacity": 1,
    "weight": 2,
    "dashArray": "2 2",
}
POST_LATER = {
    "radius": 5,
    "color": "#08306b",
    "fillColor": "#ffffff",
    "fillOpacity": 1,
    "weight": 2,
    "dashArray": "2 2",
}
ADMIN = {"color": "#8a8f98", "weight": 1, "fill": True, "fillColor": "#f7f7f4", "fillOpacity": 0.6}

#: Incident symbols: key -> (legend label, colour, ACLED type it stands for).
_ERV = "Explosions/Remote violence"
SYMBOLS = {
    "shelling": ("Shelling / artillery", "#d7191c", f"{_ERV}: Shelling/artillery/missile attack"),
    "missile": ("Missile (guided, anti-tank)", "#8b0000",
                f"{_ERV}: Shelling/artillery/missile attack, tagged missile"),
    "air": ("Air / drone strike", "#f28e2b", f"{_ERV}: Air/drone strike"),
    "ied": ("IED / landmine", "#7b3294", f"{_ERV}: Remote explosive/landmine/IED"),
    "clash": ("Armed clash", "#222222", "Battles: Armed clash"),
    "other": ("Other event", "#7f7f7f", "any other ACLED event type"),
}  # fmt: skip
SYMBOL_OF_SUB_EVENT = {
    "Shelling/artillery/missile attack": "shelling",
    "Air/drone strike": "air",
    "Remote explosive/landmine/IED": "ied",
    "Armed clash": "clash",
}


def symbol_key(sub_event_type: str, tags: str) -> str:
    """Return the symbol key of an incident: shelling, missile, air, ied, clash or other.

    Examples
    --------
    >>> symbol_key("Shelling/artillery/missile attack", "missile;patrol")
    'missile'
    >>> symbol_key("Peaceful protest", "")
    'other'
    """
    if "missile" in tags.casefold().split(";"):
        return "missile"
    return SYMBOL_OF_SUB_EVENT.get(sub_event_type, "other")
