"""The map's symbol language: colours and styles shared by layers and the legend."""

from __future__ import annotations

from typing import Any

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
ADMIN = {"color": "#8a8f98", "weight": 1, "fill": True, "fillColor": "#f7f7f4", "fillOpacity": 0.6}

#: Incident colours by ACLED sub-event type; anything else is drawn as "other".
INCIDENT_COLORS = {
    "Shelling/artillery/missile attack": "#d7191c",
    "Air/drone strike": "#f28e2b",
    "Remote explosive/landmine/IED": "#7b3294",
    "Armed clash": "#222222",
}
INCIDENT_OTHER = "#7f7f7f"


def incident_style(sub_event_type: str, *, casualties: int) -> dict[str, Any]:
    """Return the circle style of an incident: colour by type, radius by casualties.

    The radius grows with the square root of killed + injured, from 6 px to 16 px.
    """
    color = INCIDENT_COLORS.get(sub_event_type, INCIDENT_OTHER)
    radius = min(16.0, 6.0 + 2.0 * casualties**0.5)
    return {
        "radius": round(radius, 1),
        "color": "#ffffff",
        "weight": 1.5,
        "fillColor": color,
        "fillOpacity": 0.9,
    }
