"""Analysts' own layers (:mod:`geo.user_layers`) on the map, one overlay each.

Each sits in the layer control under its own heading, with a legend row and a line in the
attribution.

A dated layer follows the incident filter in the page (``IdlibMap.userLayer`` in
``js/idlib_map.js``): only the features valid on the filter's end date are drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import geojson
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from geo.user_layers import UserLayer

GROUP_HEADING = "Analyst layers"
_SHAPES = {"polygon": "box", "line": "line", "point": "circle"}
_KIND_WORDS = {"polygon": "areas", "line": "lines", "point": "points"}


class LayerNameError(ValueError):
    """Two layers of the map would share a name in the layer control."""


def _style(layer: UserLayer, kind: str) -> dict[str, object]:
    colour = layer.spec.colour
    if kind == "point":
        return {"radius": 5, "color": "#222222", "weight": 1, "fillColor": colour, "fillOpacity": 1}
    if kind == "line":
        return {"color": colour, "weight": 3, "opacity": 0.9}
    return {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.12}


def user_layer(layer: UserLayer) -> ClientLayer:
    """Return ``layer`` as a map overlay; its features carry style, popup and dates."""
    features = []
    for feature in layer.features:
        kind = feature.geometry["type"].removeprefix("Multi").replace("LineString", "Line")
        properties = {
            "style": _style(layer, kind.lower()),
            "label": feature.title,
            "popup": {
                "title": feature.title,
                "rows": [[name, value] for name, value in feature.rows],
                "note": f"{layer.spec.name} (source: {layer.spec.source})",
            },
            "validFrom": feature.valid_from.isoformat() if feature.valid_from else "",
            "validTo": feature.valid_to.isoformat() if feature.valid_to else "",
        }
        features.append(geojson.feature(feature.geometry, properties))
    return ClientLayer(
        geojson.feature_collection(features),
        builder="userLayer",
        name=layer.spec.name,
        options={"dated": layer.dated},
    )


def user_layers(layers: tuple[UserLayer, ...], *, taken: set[str]) -> list[ClientLayer]:
    """Return one overlay per layer; refuse a name already in the layer control (``taken``)."""
    seen = set(taken)
    for layer in layers:
        if layer.spec.name in seen:
            msg = (
                f"{layer.spec.path}: layer name {layer.spec.name!r} is already used on the map; "
                "give the layer another name (name = … in [[layers]], or rename the file)"
            )
            raise LayerNameError(msg)
        seen.add(layer.spec.name)
    return [user_layer(layer) for layer in layers]


def legend_entries(layers: tuple[UserLayer, ...]) -> list[dict[str, str]]:
    """Return a legend row per layer and geometry kind (dated layers say they follow time)."""
    entries = []
    for layer in layers:
        when = " (as on the filter's end date)" if layer.dated else ""
        kinds = sorted(layer.kinds)
        for kind in kinds:
            what = f" ({_KIND_WORDS[kind]})" if len(kinds) > 1 else ""
            entries.append({
                "label": f"{layer.spec.legend}{what}{when}", "color": layer.spec.colour,
                "fill": layer.spec.colour if kind != "line" else "", "shape": _SHAPES[kind],
                "layer": layer.spec.name,
            })  # fmt: skip
    return entries


def attributions(layers: tuple[UserLayer, ...]) -> list[str]:
    """Return the attribution line of each layer: its name and source."""
    return [f"{layer.spec.name}: {layer.spec.source}" for layer in layers]
