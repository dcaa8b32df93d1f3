"""Incidents layer: the packed incident data (:mod:`layers.incident_data`) and a heat map.

``js/incidents.js`` unpacks the data, clusters, filters and builds popups on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.incidents.schema import GEO_PRECISION_RADIUS_M, TIME_PRECISION_DAYS
from layers import style
from layers.clientside import ClientLayer
from layers.page import DATA_PLACEHOLDER

if TYPE_CHECKING:
    from geo.incidents.rows import IncidentRows

LAYER_NAME = "Incidents"
HEAT_LAYER_NAME = "Incident density (heat map)"
#: What ``js/incidents.js`` needs to show uncertainty: the radius (m) a position is known
#: within and the days a date may be off, by precision code 1-3 (the classification's own
#: values), and the popup's words for a week or month date.
TIME_LABELS = ("", "date known to the week", "date known to the month")
UNCERTAINTY_OPTIONS = {
    "radiusM": [GEO_PRECISION_RADIUS_M[code] for code in (1, 2, 3)],
    "slackDays": [TIME_PRECISION_DAYS[code] for code in (1, 2, 3)],
    "timeLabels": list(TIME_LABELS),
}


def incidents_layers(rows: IncidentRows | None = None) -> list[ClientLayer]:
    """Return the incident layer and the heat map that follows the same filters.

    Without ``rows`` the layer's data is :data:`DATA_PLACEHOLDER`, for a page template that
    :func:`layers.incident_data.fill_template` completes.
    """
    options = UNCERTAINTY_OPTIONS
    if rows is None:
        markers = ClientLayer({}, builder="incidents", name=LAYER_NAME, data_json=DATA_PLACEHOLDER,
                              options=options)  # fmt: skip
    else:
        from layers.incident_data import encode  # noqa: PLC0415 - pyarrow: not for templates

        markers = ClientLayer(encode(rows), builder="incidents", name=LAYER_NAME, options=options)
    heat = ClientLayer({}, builder="incidentHeat", name=HEAT_LAYER_NAME, show=False)
    return [markers, heat]


def legend_entries() -> list[dict[str, str]]:
    """Return one legend entry per incident symbol, then how uncertainty is drawn."""
    radius_km = {code: f"{radius_m / 1000:g}" for code, radius_m in GEO_PRECISION_RADIUS_M.items()}
    week, month = TIME_PRECISION_DAYS[2], TIME_PRECISION_DAYS[3]
    return [
        *(
            {"label": label, "color": color, "shape": f"inc-{key}", "layer": LAYER_NAME}
            for key, (label, color, _) in style.SYMBOLS.items()
        ),
        {
            "label": (
                f"Hollow: position approximate, near a place (± {radius_km[2]} km) or a region "
                f"(± {radius_km[3]} km); hover or open it to see the circle "
                f"(± {radius_km[1]} km for a known place)"
            ),
            "color": style.SYMBOLS["other"][1],
            "shape": "inc-other",
            "hollow": "1",
            "layer": LAYER_NAME,
        },
        {
            "label": (
                f"Date known to the week (± {week} days) or month (± {month} days): said in the "
                "popup; kept by the date filter when that span overlaps it"
            ),
            "color": "",
            "shape": "note",
            "layer": LAYER_NAME,
        },
    ]


def symbol_css() -> str:
    """Return the stylesheet rules that colour each incident symbol (no inline styles)."""
    return "\n".join(
        f".idlib-inc-{key} > span {{ background: {color}; }}"
        for key, (_, color, _) in style.SYMBOLS.items()
    )
