"""The map as KML for Google Earth: corridor halves, M4, patrol segment and the incidents.

Each incident is a placemark styled like the web map (one colour per type, from
:mod:`geo.symbology`), dated with a ``TimeStamp`` (or a ``TimeSpan`` for a week or month
date) so Google Earth's time slider works, and described by its popup as an HTML table.

Escaping happens twice, on purpose: Google Earth renders a description as HTML, so every
value is HTML-escaped into the table first, and the table is then XML-escaped as the text of
``<description>`` (by ElementTree). A note holding ``<script>`` shows as text in both the
XML reader and the HTML view. Characters XML 1.0 cannot carry (NUL, other C0 controls, lone
surrogates) are dropped. Only ``http(s)`` sources become links. The output is deterministic:
the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from geo.atomic import atomic_write_parts
from geo.incidents.classify import CERTAINTIES, PHASES, SIDES
from geo.incidents.schema import TIME_PRECISION_DAYS
from geo.symbology import CORRIDOR_NORTH, CORRIDOR_SOUTH, M4_LINE, PATROL_SEGMENT, SYMBOLS
from geo.symbology import symbol_key as symbol_of

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from geo.incidents.rows import IncidentRows

KML_FILENAME = "idlib.kml"
_NS = "http://www.opengis.net/kml/2.2"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)
_PRECISION = {2: "date known to the week", 3: "date known to the month"}
_PLACE_PRECISION = {1: "at the named place", 2: "near the named place", 3: "in the wider region"}


@dataclass(frozen=True, slots=True)
class KmlIncident:
    """One incident as a placemark: position, type, dates and popup rows."""

    lon: float
    lat: float
    title: str
    symbol: str
    day: dt.date
    slack_days: int
    rows: list[tuple[str, str]]
    source: str
    url: str


def _clean(text: str) -> str:
    """Drop what XML 1.0 cannot hold."""
    return _INVALID_XML.sub("", text)


def _kml_colour(hex_colour: str, *, opacity: float = 1.0) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``.

    Examples
    --------
    >>> _kml_colour("#d7191c", opacity=0.5)
    '7f1c19d7'
    """
    red, green, blue = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"{int(opacity * 255):02x}{blue}{green}{red}".lower()


@functools.lru_cache(maxsize=1 << 16)
def _html_text(value: str) -> str:
    """``value`` as HTML text (types, places, actors and sources repeat: computed once)."""
    return html.escape(value, quote=False)


def description(rows: list[tuple[str, str]], *, note: str = "", source: str = "",
                url: str = "") -> str:  # fmt: skip
    """Return the HTML of a popup: every value HTML-escaped, a link only for http(s).

    What XML 1.0 cannot hold is dropped, once, from the whole text.

    Examples
    --------
    >>> description([("Place", "<b>Ariha</b>")], url="javascript:alert(1)", source="x")
    '<table><tr><th>Place</th><td>&lt;b&gt;Ariha&lt;/b&gt;</td></tr></table><p>Source: x</p>'
    """
    cells = "".join(
        f"<tr><th>{_html_text(name)}</th><td>{_html_text(value)}</td></tr>"
        for name, value in rows
        if value
    )
    parts = [f"<table>{cells}</table>"]
    if note:
        parts.append(f"<p>{_html_text(note)}</p>")
    label = _html_text(source or url)
    if url and _SAFE_URL.match(url):
        parts.append(f'<p>Source: <a href="{html.escape(url, quote=True)}">{label}</a></p>')
    elif label:
        parts.append(f"<p>Source: {label}</p>")
    return _clean("".join(parts))


def incidents_from_rows(rows: IncidentRows) -> Iterator[KmlIncident]:
    """Return the incidents of ``rows`` (in store order) as placemark data."""
    text = {name: rows.values(name) for name in rows.text}
    # Python lists, not numpy scalars, in the loop: a tenth of the cost per value.
    lon, lat, day, dist = (a.tolist() for a in (rows.lon, rows.lat, rows.day, rows.dist_km))
    killed_of, injured_of = rows.fatalities.tolist(), rows.injured.tolist()
    tps, gps = rows.time_precision.tolist(), rows.geo_precision.tolist()
    side, certainty, phase = (a.tolist() for a in (rows.side, rows.certainty, rows.phase))
    epoch = dt.date(1970, 1, 1)
    for i in range(len(rows)):
        killed, injured, tp, gp = killed_of[i], injured_of[i], tps[i], gps[i]
        when = epoch + dt.timedelta(days=day[i])
        sub, location = text["sub_event_type"][i], text["location"][i]
        yield KmlIncident(
            lon=lon[i], lat=lat[i], title=f"{sub} – {location}",
            symbol=symbol_of(sub, text["tags"][i]), day=when,
            slack_days=TIME_PRECISION_DAYS.get(tp, 0),
            rows=[
                ("Date", when.isoformat() + (f" ({_PRECISION[tp]})" if tp in _PRECISION else "")),
                ("Type", sub), ("Place", f"{location} ({_PLACE_PRECISION.get(gp, '')})"),
                ("Admin area", text["admin"][i]),
                ("Killed", "not reported" if math.isnan(killed) else f"{killed:.0f}"),
                ("Injured", "not reported" if math.isnan(injured) else f"{injured:.0f}"),
                ("Actors", " vs ".join(a for a in (text["actor1"][i], text["actor2"][i]) if a)),
                ("Corridor", f"{SIDES[side[i]]}; inside: {CERTAINTIES[certainty[i]]}"),
                ("Distance to M4", f"{dist[i]:.1f} km"),
                ("6 Mar 2020 ceasefire", PHASES[phase[i]]),
                ("Tags", text["tags"][i]), ("ID", text["event_id"][i]),
                ("Notes", text["notes"][i]),
            ],
            source=text["source"][i], url=text["source_url"][i],
        )  # fmt: skip


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = _clean(text)
    return node


def _styles(document: ET.Element) -> None:
    for key, (label, colour, _) in SYMBOLS.items():
        style = _sub(document, "Style", id=f"incident-{key}")
        icon_style = _sub(style, "IconStyle")
        _sub(icon_style, "color", _kml_colour(colour))
        _sub(icon_style, "scale", "0.9")
        # No <Icon href>: the viewer's own pin, tinted, needs nothing from the network.
        _sub(_sub(style, "BalloonStyle"), "text", f"<b>$[name]</b><br/>{label}<br/>$[description]")
    shapes = {
        "corridor-north": (CORRIDOR_NORTH, True), "corridor-south": (CORRIDOR_SOUTH, True),
        "m4": (M4_LINE, False), "patrol": (PATROL_SEGMENT, False),
    }  # fmt: skip
    for name, (symbol, filled) in shapes.items():
        style = _sub(document, "Style", id=name)
        line = _sub(style, "LineStyle")
        _sub(line, "color", _kml_colour(str(symbol["color"])))
        _sub(line, "width", str(symbol["weight"]))
        if filled:
            poly = _sub(style, "PolyStyle")
            fill = str(symbol.get("fillColor", symbol["color"]))
            opacity = float(str(symbol.get("fillOpacity", 0.2)))
            _sub(poly, "color", _kml_colour(fill, opacity=opacity))


def _coordinates(ring: list[list[float]]) -> str:
    return " ".join(f"{lon:.6f},{lat:.6f}" for lon, lat, *_ in ring)


def _geometry(parent: ET.Element, geometry: dict[str, Any]) -> None:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind.startswith("Multi"):
        multi = _sub(parent, "MultiGeometry")
        for part in coords:
            _geometry(multi, {"type": kind.removeprefix("Multi"), "coordinates": part})
    elif kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coordinates([coords]))
    elif kind == "LineString":
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(coords))
    elif kind == "Polygon":
        polygon = _sub(parent, "Polygon")
        for index, ring in enumerate(coords):
            boundary = _sub(polygon, "outerBoundaryIs" if index == 0 else "innerBoundaryIs")
            _sub(_sub(boundary, "LinearRing"), "coordinates", _coordinates(ring))


def _map_folder(document: ET.Element, layers: dict[str, dict[str, Any]]) -> None:
    folder = _sub(document, "Folder")
    _sub(folder, "name", "Corridor and M4 (5 March 2020 protocol)")
    for file_name in ("corridor.geojson", "m4.geojson", "patrol_segment.geojson"):
        for feature in layers[file_name]["features"]:
            props = feature["properties"]
            if feature["geometry"]["type"] == "Point":
                continue  # the patrol ends are named in the segment's description
            if file_name == "corridor.geojson":
                name = f"Corridor {props['side']} half: {props['supervision']} supervision"
                style = f"corridor-{props['side']}"
            else:
                name, style = str(props["name"]), file_name.split("_")[0].removesuffix(".geojson")
            placemark = _sub(folder, "Placemark")
            _sub(placemark, "name", name)
            rows = [(key, str(value)) for key, value in sorted(props.items())]
            _sub(placemark, "description", description(rows))
            _sub(placemark, "styleUrl", f"#{style}")
            _geometry(placemark, feature["geometry"])


def _head(layers: dict[str, dict[str, Any]]) -> str:
    """Return the document's name, styles and corridor folder (small: built as a tree)."""
    document = ET.Element("Document")
    _sub(document, "name", "Idlib de-escalation zone: M4 security corridor and incidents")
    _sub(document, "description", "Exported by idlib-map. Incident positions are village "
         "points; the M4 line is approximate unless a road file was given.")  # fmt: skip
    _styles(document)
    _map_folder(document, layers)
    ET.indent(document, space=" ", level=1)
    text = ET.tostring(document, encoding="unicode")
    return text.removeprefix("<Document>").removesuffix("</Document>")


def _placemark(incident: KmlIncident) -> str:
    """One incident's placemark, one line (written as text: 100,000 take seconds, not a tree)."""
    if incident.slack_days:
        slack = dt.timedelta(days=incident.slack_days)
        when = (f"<TimeSpan><begin>{(incident.day - slack).isoformat()}</begin>"
                f"<end>{(incident.day + slack).isoformat()}</end></TimeSpan>")  # fmt: skip
    else:
        when = f"<TimeStamp><when>{incident.day.isoformat()}</when></TimeStamp>"
    text = description(incident.rows, source=incident.source, url=incident.url)
    return (
        f"<Placemark><name>{_xml(incident.title)}</name>{when}"
        f"<styleUrl>#incident-{incident.symbol}</styleUrl>"
        f"<description>{_xml(text)}</description>"
        f"<Point><coordinates>{incident.lon:.6f},{incident.lat:.6f}</coordinates></Point>"
        "</Placemark>\n"
    )


def _xml(text: str) -> str:
    """Text as XML element content: what XML cannot hold dropped, ``& < >`` escaped."""
    return xml_escape(_clean(text))


def kml_parts(layers: dict[str, dict[str, Any]], incidents: list[KmlIncident]) -> Iterator[str]:
    """Yield the KML of the corridor ``layers`` and ``incidents`` (a folder per type), in parts.

    ``layers`` are :func:`geo.export.corridor_layers`' FeatureCollections.
    """
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="{_NS}">\n <Document>'
    yield _head(layers)
    counts = Counter(incident.symbol for incident in incidents)
    for key, (label, _, _) in SYMBOLS.items():
        if not counts[key]:
            continue
        yield f"  <Folder>\n   <name>{_xml(f'Incidents: {label} ({counts[key]:,})')}</name>\n"
        yield from (_placemark(incident) for incident in incidents if incident.symbol == key)
        yield "  </Folder>\n"
    yield " </Document>\n</kml>\n"


def kml_document(layers: dict[str, dict[str, Any]], incidents: list[KmlIncident]) -> str:
    """Return the whole KML text (see :func:`kml_parts`)."""
    return "".join(kml_parts(layers, incidents))


def write_kml(out_dir: Path, layers: dict[str, dict[str, Any]], rows: IncidentRows) -> Path:
    """Write ``out_dir / idlib.kml`` atomically, streamed; return its path."""
    path = out_dir / KML_FILENAME
    parts = kml_parts(layers, list(incidents_from_rows(rows)))
    atomic_write_parts(path, (part.encode("utf-8") for part in _batches(parts)))
    return path


def _batches(parts: Iterator[str], *, size: int = 2_000) -> Iterator[str]:
    """Join parts a few thousand at a time (fewer, larger writes)."""
    batch: list[str] = []
    for part in parts:
        batch.append(part)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
