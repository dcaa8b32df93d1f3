"""QGIS layer styles inside the GeoPackage, so ``idlib.gpkg`` opens coloured like the web map.

QGIS looks for a ``layer_styles`` table in a GeoPackage and applies the row marked
``useAsDefault`` for a layer when the layer is added. This module writes that table with the
columns QGIS uses (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time), one QML
style per layer, registered in ``gpkg_contents`` as an attribute table (as GDAL does when
QGIS saves a style). Colours and symbols come from :mod:`geo.symbology`. The rows are the
same for the same layers (a fixed ``update_time``); ``styleSLD`` is left empty (QGIS reads
the QML). Written with the standard library's sqlite3: one table, no GDAL needed.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from typing import TYPE_CHECKING

from geo.symbology import (
    BAND,
    CORRIDOR_NORTH,
    CORRIDOR_SOUTH,
    M4_LINE,
    PATROL_END,
    PATROL_SEGMENT,
    SYMBOL_OF_SUB_EVENT,
    SYMBOLS,
)

if TYPE_CHECKING:
    from pathlib import Path

#: A fixed time, so the same layers give the same rows.
UPDATE_TIME = "2020-03-05T00:00:00Z"
STYLE_NAME = "idlib-map"
#: QGIS simple-marker shapes nearest to the web map's symbols (see layers/js/idlib_map.css).
MARKER_SHAPES = {
    "shelling": ("circle", 0), "missile": ("arrow", 180), "air": ("triangle", 180),
    "ied": ("diamond", 0), "clash": ("cross_fill", 45), "other": ("square", 0),
}  # fmt: skip
_CREATE = """
CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
    f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
    styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME)
"""


def _rgba(hex_colour: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` as QGIS's ``r,g,b,a``.

    Examples
    --------
    >>> _rgba("#1b9e77", 0.18)
    '27,158,119,46'
    """
    channels = [int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)]
    return ",".join(str(v) for v in [*channels, round(opacity * 255)])


def _symbol(parent: ET.Element, name: str, kind: str, layer_class: str,
            props: dict[str, str]) -> None:  # fmt: skip
    symbol = ET.SubElement(parent, "symbol", {"type": kind, "name": name, "alpha": "1",
                                              "clip_to_extent": "1", "force_rhr": "0"})  # fmt: skip
    layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1", "locked": "0",
                                            "pass": "0"})  # fmt: skip
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in props.items():  # QGIS 3.26+ reads the Option map, older ones the props
        ET.SubElement(options, "Option", {"type": "QString", "name": key, "value": value})
        ET.SubElement(layer, "prop", {"k": key, "v": value})


def _marker(parent: ET.Element, name: str, colour: str, shape: str, angle: int,
            size_mm: float = 3.0) -> None:  # fmt: skip
    _symbol(parent, name, "marker", "SimpleMarker", {
        "name": shape, "color": _rgba(colour), "angle": str(angle), "size": f"{size_mm:g}",
        "size_unit": "MM", "outline_color": "255,255,255,255", "outline_width": "0.3",
        "outline_width_unit": "MM", "outline_style": "solid",
    })  # fmt: skip


def _line(parent: ET.Element, name: str, symbol: dict[str, object]) -> None:
    dashed = "dashArray" in symbol
    _symbol(parent, name, "line", "SimpleLine", {
        "line_color": _rgba(str(symbol["color"]), float(str(symbol.get("opacity", 1)))),
        "line_width": str(symbol["weight"]), "line_width_unit": "Pixel",
        "line_style": "dash" if dashed else "solid", "capstyle": "round", "joinstyle": "round",
    })  # fmt: skip


def _fill(parent: ET.Element, name: str, symbol: dict[str, object]) -> None:
    fill = str(symbol.get("fillColor", symbol["color"]))
    _symbol(parent, name, "fill", "SimpleFill", {
        "color": _rgba(fill, float(str(symbol.get("fillOpacity", 0.2)))), "style": "solid",
        "outline_color": _rgba(str(symbol["color"])), "outline_width": str(symbol["weight"]),
        "outline_width_unit": "Pixel",
        "outline_style": "dash" if "dashArray" in symbol else "solid",
    })  # fmt: skip


def _qml(renderer: ET.Element) -> str:
    root = ET.Element("qgis", {"version": "3.28.0", "styleCategories": "Symbology"})
    root.append(renderer)
    body = ET.tostring(root, encoding="unicode")
    return f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{body}\n"


def _categorized(attr: str, categories: list[tuple[str, str, ET.Element]]) -> ET.Element:
    """Return a categorised renderer: (value, label, symbols-holder) per category."""
    renderer = ET.Element("renderer-v2", {"type": "categorizedSymbol", "attr": attr,
                                          "symbollevels": "0", "enableorderby": "0",
                                          "forceraster": "0"})  # fmt: skip
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for index, (value, label, holder) in enumerate(categories):
        ET.SubElement(cats, "category", {"value": value, "label": label, "symbol": str(index),
                                         "render": "true"})  # fmt: skip
        for symbol in holder:
            symbol.set("name", str(index))
            symbols.append(symbol)
    return renderer


def _single(build: ET.Element) -> ET.Element:
    renderer = ET.Element("renderer-v2", {"type": "singleSymbol", "symbollevels": "0",
                                          "enableorderby": "0", "forceraster": "0"})  # fmt: skip
    symbols = ET.SubElement(renderer, "symbols")
    for symbol in build:
        symbol.set("name", "0")
        symbols.append(symbol)
    return renderer


def _holder() -> ET.Element:
    return ET.Element("holder")


#: The symbol key of an incident as a QGIS expression (the rule of geo.symbology.symbol_key).
INCIDENT_EXPRESSION = (
    "CASE WHEN concat(';', lower(\"tags\"), ';') LIKE '%;missile;%' THEN 'missile' "
    + " ".join(
        f"WHEN \"sub_event_type\" = '{sub}' THEN '{key}'"
        for sub, key in SYMBOL_OF_SUB_EVENT.items()
    )
    + " ELSE 'other' END"
)


def incident_style() -> str:
    """QML of the incidents layer: one colour and shape per type, as on the web map."""
    categories = []
    for key, (label, colour, _) in SYMBOLS.items():
        holder = _holder()
        shape, angle = MARKER_SHAPES[key]
        _marker(holder, "0", colour, shape, angle)
        categories.append((key, label, holder))
    return _qml(_categorized(INCIDENT_EXPRESSION, categories))


def corridor_style() -> str:
    """QML of the corridor halves: north (Turkish) and south (Russian) fills."""
    categories = []
    for side, label, symbol in (
        ("north", "North half: Turkish supervision", CORRIDOR_NORTH),
        ("south", "South half: Russian supervision", CORRIDOR_SOUTH),
    ):
        holder = _holder()
        _fill(holder, "0", symbol)
        categories.append((side, label, holder))
    return _qml(_categorized("side", categories))


def _patrol_style() -> str:
    """Return the patrol layer's style: a rule for its line and one for its two end points."""
    renderer = ET.Element("renderer-v2", {"type": "RuleRenderer", "symbollevels": "0",
                                          "enableorderby": "0", "forceraster": "0"})  # fmt: skip
    rules = ET.SubElement(renderer, "rules", {"key": "root"})
    symbols = ET.SubElement(renderer, "symbols")
    holder = _holder()
    _line(holder, "0", PATROL_SEGMENT)
    _marker(holder, "1", str(PATROL_END["fillColor"]), "circle", 0, size_mm=3.5)
    for index, (label, kind) in enumerate((("Joint patrol segment", "Line"),
                                           ("Patrol end", "Point"))):  # fmt: skip
        ET.SubElement(rules, "rule", {
            "key": f"rule{index}", "label": label, "symbol": str(index),
            "filter": f"geometry_type($geometry) = '{kind}'",
        })  # fmt: skip
    for index, symbol in enumerate(holder):
        symbol.set("name", str(index))
        symbols.append(symbol)
    return _qml(renderer)


def layer_styles() -> dict[str, tuple[str, str]]:
    """Return ``{table: (QML, description)}`` for the layers the export writes."""
    band, m4 = _holder(), _holder()
    _fill(band, "0", BAND)
    _line(m4, "0", M4_LINE)
    return {
        "incidents": (incident_style(), "Incidents by type, colours of the web map"),
        "corridor": (corridor_style(), "Corridor halves: north Turkish, south Russian"),
        "corridor_north_south_band": (_qml(_single(band)), "The 6 km due north/south reading"),
        "m4": (_qml(_single(m4)), "M4 highway (approximate line)"),
        "patrol_segment": (_patrol_style(), "Joint patrol segment and its ends"),
    }


def add_layer_styles(gpkg: Path) -> list[str]:
    """Add (or replace) the project's default style of every known layer in ``gpkg``.

    Returns the tables styled, in order. Layers the file lacks are skipped.
    """
    styled = []
    with closing(sqlite3.connect(gpkg)) as db, db:
        columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        db.execute(_CREATE)
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description,"
            " last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
            "'QGIS layer styles', ?)",
            (UPDATE_TIME,),
        )
        for table, (qml, description) in layer_styles().items():
            if table not in columns:
                continue
            db.execute(
                "DELETE FROM layer_styles WHERE f_table_name = ? AND styleName = ?",
                (table, STYLE_NAME),
            )
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,"
                " f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description,"
                " owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '', ?)",
                (table, columns[table], STYLE_NAME, qml, description, UPDATE_TIME),
            )
            styled.append(table)
    return styled
