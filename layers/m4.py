"""M4 highway and patrol segment layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.corridor import Corridor
    from geo.m4 import Road
    from geo.places import Place

M4_LAYER_NAME = "M4 highway (approximate)"
PATROL_LAYER_NAME = "Joint patrol segment (Trinbeh – Ain al-Hawr)"


def m4_layer(road: Road) -> ClientLayer:
    """Return the M4 as a dashed line, its popup saying it is an approximation."""
    popup = {
        "title": "M4 highway (Latakia – Aleppo)",
        "rows": [["Geometry", road.provenance]],
    }
    features = [
        geojson.feature(
            geojson.geometry(road.line_lonlat),
            {"style": style.M4_LINE, "popup": popup, "label": "M4 highway (approximate line)"},
        )
    ]
    return ClientLayer(geojson.feature_collection(features), builder="shapes", name=M4_LAYER_NAME)


def patrol_layer(corridor: Corridor, *, ends: tuple[Place, Place]) -> list[ClientLayer]:
    """Return the patrol segment line and its two end points (one layer each)."""
    line_popup = {
        "title": "Joint Russian–Turkish patrol segment",
        "rows": [
            ["From – to", f"{ends[0].name_en} – {ends[1].name_en}"],
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
                "label": f"Patrol end: {end.name_en}",
                "popup": {
                    "title": f"Patrol end: {end.name_en} ({end.name_ar})",
                    "rows": [
                        ["Role", "terminus of the joint patrols, Moscow protocol of 5 March 2020"],
                        ["Position", f"{end.position.lat:.4f}, {end.position.lon:.4f} (lat, lon)"],
                        ["Precision", f"± {end.precision_m:,} m (village point)"],
                        ["Sources", ", ".join(end.sources)],
                    ],
                },
            },
        )
        for end in ends
    ]
    return [
        ClientLayer(geojson.feature_collection([line]), builder="shapes", name=PATROL_LAYER_NAME),
        ClientLayer(geojson.feature_collection(points), builder="points", name="Patrol ends"),
    ]
