"""M4 highway and patrol segment layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.corridor import Corridor
    from geo.m4 import Road, Waypoint

M4_LAYER_NAME = "M4 highway (approximate)"
PATROL_LAYER_NAME = "Joint patrol segment (Trinbeh – Ain al-Hawr)"


def m4_layer(road: Road) -> ClientLayer:
    """Return the M4 as a dashed line, its popup saying it is an approximation."""
    popup = {
        "title": "M4 highway (Latakia – Aleppo)",
        "rows": [["Geometry", road.provenance], ["Waypoints", str(len(road.waypoints))]],
    }
    features = [
        geojson.feature(
            geojson.geometry(road.line_lonlat),
            {"style": style.M4_LINE, "popup": popup, "label": "M4 highway (approximate line)"},
        )
    ]
    return ClientLayer(geojson.feature_collection(features), builder="shapes", name=M4_LAYER_NAME)


def patrol_layer(corridor: Corridor, *, ends: tuple[Waypoint, Waypoint]) -> list[ClientLayer]:
    """Return the patrol segment line and its two end points (one layer each)."""
    line_popup = {
        "title": "Joint Russian–Turkish patrol segment",
        "rows": [
            ["From – to", f"{ends[0].name} – {ends[1].name}"],
            ["Length", f"{corridor.length_km:.1f} km (geodesic, along the approximate M4)"],
            ["Agreed", "Moscow additional protocol, 5 March 2020; patrols from 15 March 2020"],
        ],
    }
    line = geojson.feature(
        geojson.geometry(corridor.segment_lonlat),
        {"style": style.PATROL_SEGMENT, "popup": line_popup, "label": "Joint patrol segment"},
    )
    points = [
        geojson.feature(
            geojson.point(end.position),
            {
                "style": style.PATROL_END,
                "label": f"Patrol end: {end.name}",
                "popup": {
                    "title": f"Patrol end: {end.name}",
                    "rows": [["Position source", end.coord_source], ["Evidence", end.evidence]],
                },
            },
        )
        for end in ends
    ]
    return [
        ClientLayer(geojson.feature_collection([line]), builder="shapes", name=PATROL_LAYER_NAME),
        ClientLayer(geojson.feature_collection(points), builder="points", name="Patrol ends"),
    ]
