"""Incidents layer: one circle per incident, coloured by type and sized by casualties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geo import geojson
from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.incidents import Incident

LAYER_NAME = "Incidents"
_PRECISION = {1: "at the named place", 2: "near the named place", 3: "in the wider region"}


def _count(value: int | None) -> str:
    return "not reported" if value is None else str(value)


_DATE_PRECISION = {1: "", 2: " (within a week)", 3: " (month only)"}
_SIDE = {
    "north": "north half (Turkish supervision)",
    "south": "south half (Russian supervision)",
    "road": "on the M4 (edge of both halves)",
    "outside": "outside the corridor",
}
_PHASE = {"before": "before", "after": "after", "uncertain": "date too imprecise to say"}


def incident_popup(incident: Incident, classes: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the popup of one incident as plain data (escaped by the page's builder)."""
    actors = " vs ".join(actor for actor in (incident.actor1, incident.actor2) if actor)
    links = [{"href": incident.source_url, "text": f"Source: {incident.source}"}]
    rows = [
        ["Date", incident.event_date.isoformat() + _DATE_PRECISION[incident.time_precision]],
        ["Type", f"{incident.event_type} / {incident.sub_event_type}"],
        ["Place", f"{incident.location} ({_PRECISION[incident.geo_precision]})"],
        ["Killed", _count(incident.fatalities)],
        ["Injured", _count(incident.injured)],
        ["Actors", actors],
    ]
    if classes:
        rows += [
            [
                "Admin area",
                ", ".join(
                    p for p in (classes["admin3"], classes["admin2"], classes["admin1"]) if p
                ),
            ],
            [
                "Corridor",
                f"{_SIDE[classes['corridor_side']]}; inside: {classes['in_corridor_certainty']}",
            ],
            ["Distance to M4", f"{float(classes['dist_to_m4_km']):.1f} km"],
            ["6 Mar 2020 ceasefire", _PHASE[classes["phase"]]],
        ]
    rows.append(["ID", incident.event_id])
    return {
        "title": f"{incident.sub_event_type} – {incident.location}",
        "rows": rows,
        "note": incident.notes,
        "links": links,
    }


def incidents_layer(
    incidents: list[Incident], *, classes: dict[str, dict[str, str]] | None = None
) -> ClientLayer:
    """Return the incidents, sorted by date then id, as circle markers with popups.

    ``classes`` maps an event id to its classification columns (side, distance, phase ...).
    """
    classes = classes or {}
    features = []
    for incident in sorted(incidents, key=lambda item: (item.event_date, item.event_id)):
        casualties = (incident.fatalities or 0) + (incident.injured or 0)
        properties = {
            "style": style.incident_style(incident.sub_event_type, casualties=casualties),
            "popup": incident_popup(incident, classes.get(incident.event_id)),
            "label": f"{incident.event_date} {incident.sub_event_type}: {incident.location}",
        }
        features.append(geojson.feature(geojson.point(incident.position), properties))
    return ClientLayer(geojson.feature_collection(features), builder="points", name=LAYER_NAME)


def legend_entries(incidents: list[Incident]) -> list[dict[str, str]]:
    """Return one legend entry per incident type present, in the legend's fixed order."""
    present = {incident.sub_event_type for incident in incidents}
    entries = [
        {"label": name, "color": color, "shape": "circle"}
        for name, color in style.INCIDENT_COLORS.items()
        if name in present
    ]
    if present - style.INCIDENT_COLORS.keys():
        entries.append({"label": "Other event", "color": style.INCIDENT_OTHER, "shape": "circle"})
    return entries
