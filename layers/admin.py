"""Administrative boundaries (OCHA): a vector base that needs no network."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from layers import style
from layers.clientside import ClientLayer

if TYPE_CHECKING:
    from pathlib import Path

LAYER_NAME = "Boundaries (OCHA districts)"


def admin_layer(path: Path, *, name: str = LAYER_NAME, show: bool = True) -> ClientLayer:
    """Return the boundary polygons of a GeoJSON file with ``pcode``/``name_en``/``name_ar``."""
    collection: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for feat in collection["features"]:
        props = feat["properties"]
        feat["properties"] = {
            "style": style.ADMIN,
            "popup": {
                "title": props["name_en"],
                "rows": [["Arabic", props["name_ar"]], ["P-code", props["pcode"]]],
            },
        }
    return ClientLayer(collection, builder="shapes", name=name, show=show)
