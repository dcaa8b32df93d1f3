"""For GIS users: the KML for Google Earth (escaped twice, deterministic) and the QGIS styles
inside the GeoPackage."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyogrio
import pytest

import build_map
from geo.gpkg_styles import UPDATE_TIME, add_layer_styles
from geo.kml import KmlIncident, _clean, description, kml_document
from geo.symbology import SYMBOLS
from tests.builds import build_as_cli

HOSTILE = json.loads(
    (Path(__file__).parent / "data" / "hostile_strings.json").read_text(encoding="utf-8")
)
KML = "{http://www.opengis.net/kml/2.2}"
#: The columns QGIS reads from a GeoPackage's layer_styles table.
QGIS_COLUMNS = {
    "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
    "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time",
}  # fmt: skip


def hostile_strings() -> list[str]:
    return [entry["text"] * entry.get("repeat", 1) for entry in HOSTILE["strings"]]


class Markup(HTMLParser):
    """The elements, links and text an HTML view (Google Earth's balloon) would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        assert all(name == "href" for name, _ in attrs), attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_text_stays_text_in_xml_and_in_the_balloon() -> None:
    strings = hostile_strings()
    assert len(strings) > 50
    incidents = [
        KmlIncident(lon=36.6, lat=35.8, title=text, symbol="shelling", day=dt.date(2020, 9, 7),
                    slack_days=0, rows=[("Notes", text)], source=text, url=text)
        for text in strings
    ]  # fmt: skip
    document = kml_document({"corridor.geojson": {"features": []}, "m4.geojson": {"features": []},
                             "patrol_segment.geojson": {"features": []}}, incidents)  # fmt: skip
    root = ET.fromstring(document.encode("utf-8"))  # noqa: S314 - our own output; well-formed whatever the input
    placemarks = root.findall(f".//{KML}Placemark")
    assert len(placemarks) == len(strings)
    for placemark, text in zip(placemarks, strings, strict=True):
        html = placemark.findtext(f"{KML}description") or ""
        parser = Markup()
        parser.feed(html)
        parser.close()
        assert set(parser.tags) <= {"table", "tr", "th", "td", "p", "a"}, text
        assert all(href.lower().startswith(("http://", "https://")) for href in parser.hrefs)
        # What XML 1.0 cannot hold is dropped, and an XML reader reads CR as LF.
        expected = _clean(text).replace("\r\n", "\n").replace("\r", "\n")
        assert expected in "".join(parser.text), text


def test_description_links_only_web_addresses() -> None:
    assert "<a " not in description([], url="javascript:alert(1)", source="s")
    assert "<a " not in description([], url="data:text/html,<b>x</b>", source="s")
    link = description([], url="https://example.org/a?b=1&c=2", source="Outlet")
    assert 'href="https://example.org/a?b=1&amp;c=2"' in link


def test_kml_export_is_complete_readable_and_deterministic(tmp_path: Path) -> None:
    args = ["--out", str(tmp_path), "--kml", "--quiet"]
    assert build_map.main(args) == 0
    path = tmp_path / "idlib.kml"
    first = path.read_bytes()
    root = ET.fromstring(first)  # noqa: S314 - our own output
    names = [node.text or "" for node in root.iter(f"{KML}name")]
    assert any(name.startswith("Corridor north half") for name in names)
    assert any(name.startswith("Joint patrol segment") for name in names)
    placemarks = root.findall(f".//{KML}Placemark")
    incidents = [p for p in placemarks if (p.findtext(f"{KML}styleUrl") or "").startswith(
        "#incident-")]  # fmt: skip
    assert len(incidents) == 16
    assert len(placemarks) == 16 + 2 + 1 + 1  # two halves, M4, patrol segment
    week = [p for p in incidents if p.find(f"{KML}TimeSpan") is not None]
    assert len(week) == 4  # the four incidents known to the week
    styles = {node.get("id") for node in root.iter(f"{KML}Style")}
    assert {f"incident-{key}" for key in SYMBOLS} <= styles
    layers = [str(row[0]) for row in pyogrio.list_layers(path)]  # GDAL reads it too
    assert layers[0].startswith("Corridor and M4")
    (tmp_path / ".cache").rename(tmp_path / ".cache-old")  # a cold build, same bytes
    assert build_map.main(args) == 0
    assert path.read_bytes() == first


def test_kml_is_written_when_asked_even_if_nothing_else_changed(tmp_path: Path) -> None:
    assert build_map.main(["--out", str(tmp_path), "--quiet"]) == 0
    assert not (tmp_path / "idlib.kml").exists()
    assert build_map.main(["--out", str(tmp_path), "--kml", "--quiet"]) == 0
    assert (tmp_path / "idlib.kml").is_file()


def test_geopackage_carries_qgis_styles(tmp_path: Path) -> None:
    store = Path(build_map.__file__).parent / "data" / "incidents.csv"
    build_as_cli(store, tmp_path, new_process=True)
    gpkg = tmp_path / "idlib.gpkg"
    listed = {str(name): kind for name, kind in pyogrio.list_layers(gpkg)}
    assert "layer_styles" in listed  # registered as a table, as GDAL and QGIS do
    with sqlite3.connect(gpkg) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(layer_styles)")}
        assert columns >= QGIS_COLUMNS
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault, update_time "
            "FROM layer_styles ORDER BY id"
        ).fetchall()
        geometry_columns = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        )
    tables = [row[0] for row in rows]
    assert tables == ["incidents", "corridor", "corridor_north_south_band", "m4", "patrol_segment"]
    for table, column, qml, default, updated in rows:
        assert column == geometry_columns[table]
        assert default == 1
        assert updated == UPDATE_TIME
        root = ET.fromstring(qml.split("\n", 1)[1])  # noqa: S314 - our own output
        assert root.tag == "qgis"
        assert root.find("renderer-v2") is not None
    incidents_qml = rows[0][2]
    for key, (label, colour, _) in SYMBOLS.items():
        rgb = ",".join(str(int(colour[k : k + 2], 16)) for k in (1, 3, 5))
        assert f'value="{key}" label="{label}"' in incidents_qml
        assert f'value="{rgb},255"' in incidents_qml
    corridor = rows[1][2]
    assert 'attr="side"' in corridor
    # Adding the styles again replaces them: one default style per layer.
    assert add_layer_styles(gpkg) == tables
    with sqlite3.connect(gpkg) as db:
        assert db.execute("SELECT count(*) FROM layer_styles").fetchone()[0] == len(tables)


@pytest.mark.parametrize("key", list(SYMBOLS))
def test_every_symbol_has_a_qgis_marker(key: str) -> None:
    from geo.gpkg_styles import MARKER_SHAPES  # noqa: PLC0415

    assert key in MARKER_SHAPES
