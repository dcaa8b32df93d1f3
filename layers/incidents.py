"""Incidents layer: every incident sent to the page once, as packed columns, drawn in the browser.

Encoding (see :mod:`layers.packing`: every column is one string of base-32 varints). Rows
are in date-then-id order; each column holds one value per incident:

- ``pos``: index into the positions (``posLat``/``posLon``: degrees × ``scale`` from
  ``lat0``/``lon0``, 1e-5° or about 1 m); incidents at the same point share one position;
- ``day``: days after the previous incident (the first is ``day0`` days after 1 Jan 2011);
- ``type``: index into ``types`` (symbol, colour, label, ACLED sub-event type);
- ``killed``/``injured``: count + 1, or 0 when the report gives none;
- ``flags``: time precision + 3 × geo precision + 9 × corridor side + 36 × certainty
  + 108 × ceasefire phase (each code indexes its label list);
- ``dist``: distance to the M4 in tenths of a km;
- ``idFamily``/``idNumber``: the id as a prefix and zero-padded number (``idFamilies``), or,
  for family 0, the id's code in ``strings``;
- ``location``, ``source``, ``url``, ``notes``, ``actor1``, ``actor2``, ``admin``: code in
  ``strings`` (code 0 is empty text, code k is ``strings[k - 1]``); each text is sent once and
  the most frequent get the shortest codes.

``js/incidents.js`` unpacks it, clusters, filters and builds popups on demand.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from layers import style
from layers.clientside import ClientLayer
from layers.packing import dictionary, pack

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.incidents import IncidentStore
    from geo.incidents.classify import Classification

LAYER_NAME = "Incidents"
HEAT_LAYER_NAME = "Incident density (heat map)"
EPOCH = dt.date(2011, 1, 1)
EPOCH_MS = int(dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day, tzinfo=dt.UTC).timestamp() * 1000)
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
                "actor1": "actor1", "actor2": "actor2"}  # fmt: skip
_ID_PATTERN = re.compile(r"(?P<prefix>.*?)(?P<number>[0-9]{1,9})")
#: Quantised longitude offsets stay below this (2**24 × 1e-5° is 167°).
_KEY_SPAN = 2**24


def display_type(sub_event_type: str, tags: str) -> str:
    """Return the map's symbol key for an incident: shelling, air, ied, missile, clash or other."""
    if "missile" in tags.casefold().split(";"):
        return "missile"
    return style.SYMBOL_OF_SUB_EVENT.get(sub_event_type, "other")


def encode(store: IncidentStore, classes: Classification) -> dict[str, Any]:
    """Return the compact columns of every incident (see the module docstring)."""
    data, parsed = store.table.data, store.parsed
    n = len(store.table)
    ids = data["event_id_cnty"]
    order = np.lexsort((np.array(ids, dtype=object), parsed.date)) if n else np.zeros(0, np.int64)
    admin = [
        ", ".join(part for part in parts if part)
        for parts in zip(classes.admin3, classes.admin2, classes.admin1, strict=True)
    ]
    texts = {name: [data[column][i] for i in order] for name, column in TEXT_COLUMNS.items()}
    texts["admin"] = [admin[i] for i in order]
    sorted_ids = [ids[i] for i in order]
    families, id_family, id_number, loose_ids = _split_ids(sorted_ids)
    codes = dictionary([*texts.values(), loose_ids])
    lat0 = math.floor(float(parsed.lat.min())) if n else 0
    lon0 = math.floor(float(parsed.lon.min())) if n else 0
    position, pos_lat, pos_lon = _positions(parsed.lat[order] - lat0, parsed.lon[order] - lon0)
    days = (parsed.date[order] - np.datetime64(EPOCH, "D")).astype(np.int64)
    symbols = list(style.SYMBOLS)
    kinds = np.array(
        [
            symbols.index(display_type(s, t))
            for s, t in zip(data["sub_event_type"], data["tags"], strict=True)
        ],
        dtype=np.int64,
    )
    side = _codes(classes.corridor_side, SIDES)
    certainty = _codes(classes.in_corridor_certainty, CERTAINTIES)
    phase = _codes(classes.phase, PHASES)
    flags = (
        (parsed.time_precision.astype(np.int64) - 1)
        + 3 * (parsed.geo_precision.astype(np.int64) - 1)
        + 9 * side
        + 36 * certainty
        + 108 * phase
    )
    columns = {
        "pos": position,
        "day": np.diff(days, prepend=days[:1]) if n else days,
        "type": kinds[order],
        "killed": _counts(parsed.fatalities[order]),
        "injured": _counts(parsed.injured[order]),
        "flags": flags[order],
        "dist": np.round(classes.dist_to_m4_km[order] * 10).astype(np.int64),
        "idFamily": id_family,
        "idNumber": np.array(
            [
                codes[value] if family == 0 else number
                for family, number, value in zip(id_family, id_number, sorted_ids, strict=True)
            ],
            dtype=np.int64,
        ),
        **{
            name: np.array([codes[value] for value in values], dtype=np.int64)
            for name, values in texts.items()
        },
    }
    return {
        "n": n,
        "scale": SCALE,
        "lat0": lat0,
        "lon0": lon0,
        "day0": int(days[0]) if n else 0,
        "epoch": EPOCH_MS,
        "positions": len(pos_lat),
        "posLat": pack(pos_lat),
        "posLon": pack(pos_lon),
        "columns": {name: pack(values) for name, values in sorted(columns.items())},
        "strings": list(codes)[1:],
        "idFamilies": families,
        "types": [
            {"key": key, "label": label, "color": color, "acled": acled}
            for key, (label, color, acled) in style.SYMBOLS.items()
        ],
        "sides": list(SIDE_LABELS),
        "certainties": list(CERTAINTIES),
        "phases": list(PHASE_LABELS),
        "timePrecision": list(TIME_PRECISION_LABELS),
        "geoPrecision": list(GEO_PRECISION_LABELS),
    }


def _split_ids(ids: list[str]) -> tuple[list[list[Any]], NDArray[np.int64], list[int], list[str]]:
    """Split ids like ``SYR12345`` into a family (prefix, digit count) and a number.

    Family 0 holds the ids without trailing digits: they travel whole, in the string table.
    Returns the families, each id's family and number, and the ids that travel whole.
    """
    families: dict[tuple[str, int], int] = {("", 0): 0}
    family_of: list[int] = []
    numbers: list[int] = []
    loose: list[str] = []
    for value in ids:
        match = _ID_PATTERN.fullmatch(value)
        if match is None:
            family_of.append(0)
            numbers.append(0)
            loose.append(value)
            continue
        key = (match["prefix"], len(match["number"]))
        family_of.append(families.setdefault(key, len(families)))
        numbers.append(int(match["number"]))
    return [list(key) for key in families], np.array(family_of, dtype=np.int64), numbers, loose


def _positions(
    lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Quantise offsets in degrees; return each incident's position code and the positions.

    Incidents coded to a village point share its position, sent once; the most used
    positions get the shortest codes.
    """
    lat_q = np.round(lat * SCALE).astype(np.int64)
    lon_q = np.round(lon * SCALE).astype(np.int64)
    keys = lat_q * _KEY_SPAN + lon_q
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    rank = np.lexsort((unique, -counts))  # most used first, then by position
    code_of = np.empty_like(rank)
    code_of[rank] = np.arange(len(rank))
    ranked = unique[rank]
    return code_of[inverse.ravel()], ranked // _KEY_SPAN, ranked % _KEY_SPAN


def _codes(values: NDArray[np.str_], labels: tuple[str, ...]) -> NDArray[np.int64]:
    """Return the index of each value in ``labels``."""
    codes = np.full(len(values), -1, dtype=np.int64)
    for code, label in enumerate(labels):
        codes[values == label] = code
    if (codes < 0).any():
        unknown = sorted(set(values[codes < 0].tolist()))
        msg = f"unexpected classification values {unknown}; expected {labels}"
        raise ValueError(msg)
    return codes


def _counts(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Casualty counts shifted by one, with 0 for "not reported"."""
    return np.where(np.isnan(values), 0, np.nan_to_num(values) + 1).astype(np.int64)


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
