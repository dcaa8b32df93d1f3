"""Incidents layer: the packed incident data (:mod:`layers.incident_data`) and a heat map.

``js/incidents.js`` unpacks the data, clusters, filters and builds popups on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layers import style
from layers.clientside import ClientLayer
from layers.incident_data import DATA_PLACEHOLDER, encode

if TYPE_CHECKING:
    from geo.incidents.rows import IncidentRows

LAYER_NAME = "Incidents"
HEAT_LAYER_NAME = "Incident density (heat map)"


def incidents_layers(rows: IncidentRows | None = None) -> list[ClientLayer]:
    """Return the incident layer and the heat map that follows the same filters.

    Without ``rows`` the layer's data is :data:`DATA_PLACEHOLDER`, for a page template that
    :func:`layers.incident_data.fill_template` completes.
    """
    if rows is None:
        markers = ClientLayer({}, builder="incidents", name=LAYER_NAME, data_json=DATA_PLACEHOLDER)
    else:
        markers = ClientLayer(encode(rows), builder="incidents", name=LAYER_NAME)
    heat = ClientLayer({}, builder="incidentHeat", name=HEAT_LAYER_NAME, show=False)
    return [markers, heat]


def legend_entries() -> list[dict[str, str]]:
    """Return one legend entry per incident symbol."""
    return [
        {"label": label, "color": color, "shape": f"inc-{key}", "layer": LAYER_NAME}
        for key, (label, color, _) in style.SYMBOLS.items()
    ]
