"""Incidents layer: every incident sent to the page once, as compact columns, drawn in the browser.

Encoding (all arrays in date-then-id order, one entry per incident):

- ``lat``/``lon``: degrees × ``scale`` (1e5, about 1 m) from ``lat0``/``lon0``, delta-encoded;
- ``day``: days since ``epoch`` (1 Jan 2011), delta-encoded;
- ``type``: index into ``types`` (symbol, colour, label, ACLED sub-event type);
- ``killed``/``injured``: counts, -1 when the report gives none;
- ``flags``: time precision + 3 × geo precision + 9 × corridor side + 36 × certainty
  + 108 × ceasefire phase (codes index the label lists);
- ``dist``: distance to the M4 in tenths of a km;
- text columns (``location``, ``source``, ``url``, ``notes``, ``actor1``, ``actor2``,
  ``admin``, ``id``): indices into ``strings``, -1 for empty; each distinct text is sent once.

``js/incidents.js`` decodes it, clusters, filters and builds popups on demand.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.incidents import IncidentStore
    from geo.incidents.classify import Classification

LAYER_NAME = "Incidents"
HEAT_LAYER_NAME = "Incident density (heat map)"
EPOCH = dt.date(2011, 1, 1)
SCALE = 100_000
SIDES = ("north", "south", "road", "outside")
SIDE_LABELS = ("north half (Turkish supervision)", "south half (Russian supervision)",
               "on the M4 (edge of both halves)", "outside the corridor")  # fmt: skip
CERTAINTIES = ("certain", "possible", "outside")
PHASES = ("before", "after", "uncertain")
PHASE_LABELS = ("before", "after", "date too imprecise to say")
TIME_PRECISION_LABELS = ("", " (within a week)", " (month only)")
GEO_PRECISION_LABELS = ("at the named place", "near the named place", "in the wider region")
TEXT_COLUMNS = {"location": "location", "source": "source", "url": "source_url", "notes": "notes",
                "actor1": "actor1", "actor2": "actor2", "id": "event_id_cnty"}  # fmt: skip


def display_type(sub_event_type: str, tags: str) -> str:
    """Return the map's symbol key for an incident: shelling, air, ied, missile, clash or other."""
    if "missile" in tags.casefold().split(";"):
        return "missile"
    return style.SYMBOL_OF_SUB_EVENT.get(sub_event_type, "other")


def encode(store: IncidentStore, classes: Classification) -> dict[str, Any]:
    """Return the compact columns of every incident (see the module docstring)."""
    data, parsed = store.table.data, store.parsed
    n = len(store.table)
    order = sorted(range(n), key=lambda i: (str(parsed.date[i]), data["event_id_cnty"][i]))
    symbols = list(style.SYMBOLS)
    strings: dict[str, int] = {}

    def text_index(value: str) -> int:
        return -1 if not value else strings.setdefault(value, len(strings))

    lat0 = math.floor(float(parsed.lat.min())) if n else 0.0
    lon0 = math.floor(float(parsed.lon.min())) if n else 0.0
    lat_q = (
        np.round((parsed.lat[order] - lat0) * SCALE).astype(np.int64)
        if n
        else np.zeros(0, np.int64)
    )
    lon_q = (
        np.round((parsed.lon[order] - lon0) * SCALE).astype(np.int64)
        if n
        else np.zeros(0, np.int64)
    )
    days = (
        (parsed.date[order] - np.datetime64(EPOCH, "D")).astype(np.int64)
        if n
        else np.zeros(0, np.int64)
    )
    admin = [
        ", ".join(p for p in (classes.admin3[i], classes.admin2[i], classes.admin1[i]) if p)
        for i in order
    ]
    columns: dict[str, Any] = {
        name: [text_index(data[column][i]) for i in order] for name, column in TEXT_COLUMNS.items()
    }
    columns["admin"] = [text_index(value) for value in admin]
    flags = [
        int(parsed.time_precision[i] - 1) + 3 * int(parsed.geo_precision[i] - 1)
        + 9 * SIDES.index(str(classes.corridor_side[i]))
        + 36 * CERTAINTIES.index(str(classes.in_corridor_certainty[i]))
        + 108 * PHASES.index(str(classes.phase[i]))
        for i in order
    ]  # fmt: skip
    return {
        "n": n,
        "scale": SCALE,
        "lat0": lat0,
        "lon0": lon0,
        "epoch": int(
            dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day, tzinfo=dt.UTC).timestamp() * 1000
        ),
        "lat": np.diff(lat_q, prepend=0).tolist(),
        "lon": np.diff(lon_q, prepend=0).tolist(),
        "day": np.diff(days, prepend=0).tolist(),
        "type": [
            symbols.index(display_type(data["sub_event_type"][i], data["tags"][i])) for i in order
        ],
        "killed": [
            -1 if math.isnan(parsed.fatalities[i]) else int(parsed.fatalities[i]) for i in order
        ],
        "injured": [-1 if math.isnan(parsed.injured[i]) else int(parsed.injured[i]) for i in order],
        "flags": flags,
        "dist": [round(float(classes.dist_to_m4_km[i]) * 10) for i in order],
        "types": [
            {"key": key, "label": label, "color": color, "acled": acled}
            for key, (label, color, acled) in style.SYMBOLS.items()
        ],
        "sides": list(SIDE_LABELS),
        "certainties": list(CERTAINTIES),
        "phases": list(PHASE_LABELS),
        "timePrecision": list(TIME_PRECISION_LABELS),
        "geoPrecision": list(GEO_PRECISION_LABELS),
        "strings": list(strings),
        **columns,
    }


def incidents_layers(store: IncidentStore, classes: Classification) -> list[ClientLayer]:
    """Return the clustered incident layer and the heat map that follows the same filters."""
    data = encode(store, classes)
    markers = ClientLayer(data, builder="incidents", name=LAYER_NAME)
    heat = ClientLayer({}, builder="incidentHeat", name=HEAT_LAYER_NAME, show=False)
    return [markers, heat]


def legend_entries() -> list[dict[str, str]]:
    """Return one legend entry per incident symbol."""
    return [
        {"label": label, "color": color, "shape": f"inc-{key}", "layer": LAYER_NAME}
        for key, (label, color, _) in style.SYMBOLS.items()
    ]
