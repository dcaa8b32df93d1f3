"""The built map in headless Chromium with the network blocked."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

import build_map
from tests.browser.conftest import open_map, save_screenshot
from tests.test_layers import EXPECTED_OVERLAYS

if TYPE_CHECKING:
    from geo.project import MapInputs
    from tests.browser.conftest import PageAndLog

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"
TILE_HOSTS = {"tile.openstreetmap.org", "server.arcgisonline.com"}


def test_map_renders_offline(
    built_map: Path, map_inputs: MapInputs, page_and_log: PageAndLog
) -> None:
    page, log = page_and_log
    open_map(page, built_map)

    assert page.evaluate("typeof window.L") == "object"
    assert page.evaluate("L.version") == "1.9.3"
    assert log.page_errors == []
    assert log.unexpected_console_errors() == []
    # The only network the page wants is base-map tiles; everything else is inside the file.
    assert {urlsplit(url).hostname for url in log.blocked} <= TILE_HOSTS

    overlays = page.locator(".leaflet-control-layers-overlays label span span").all_inner_texts()
    assert [text.strip() for text in overlays] == EXPECTED_OVERLAYS

    drawn = page.evaluate(
        """Object.fromEntries(Object.entries(IdlibMap.layers).map(([name, layer]) =>
              [name, layer.getLayers().filter(l => l._map === IdlibMap.map).length]))"""
    )
    assert drawn["Incidents"] == len(map_inputs.incidents)
    assert drawn["Places"] == len(map_inputs.places)
    assert drawn["Security corridor (6 km each side of the M4)"] == 2
    assert drawn["M4 highway (approximate)"] == 1
    # Labels are DOM tooltips: one per place, readable text.
    labels = page.locator(".idlib-label").all_inner_texts()
    assert "Ariha" in labels
    assert "Trinbeh" in labels

    shot = save_screenshot(page, "map.png")
    if os.environ.get("IDLIB_UPDATE_DOCS_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS / "screenshot.png")


def test_incident_popup_links_its_source(built_map: Path, page_and_log: PageAndLog) -> None:
    page, log = page_and_log
    open_map(page, built_map)
    page.evaluate(
        """(() => {
            const layer = IdlibMap.layers['Incidents'].getLayers()
                .find(l => l.feature.properties.popup.rows[0][1] === '2020-07-14');
            layer.openPopup();
        })()"""
    )
    popup = page.locator(".leaflet-popup-content")
    assert "Ariha" in popup.inner_text()
    link = popup.locator("a")
    assert (
        link.get_attribute("href")
        == "https://english.iswnews.com/14220/video-ied-attack-on-the-russian-turkish-joint-patrol/"
    )
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    save_screenshot(page, "popup.png")
    assert log.page_errors == []


HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script> `${alert(3)}` \\ أريحا"


def test_hostile_text_shows_literally_and_runs_nothing(
    tmp_path: Path, page_and_log: PageAndLog
) -> None:
    store = Path(build_map.__file__).parent / "data" / "incidents.csv"
    lines = store.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = next(csv.reader(io.StringIO(lines[1])))
    values = dict(zip(header, row, strict=True))
    values.update(notes=HOSTILE, location=HOSTILE, source=HOSTILE, source_url="javascript:alert(4)")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerow(values)
    hostile_store = tmp_path / "incidents.csv"
    hostile_store.write_text(out.getvalue(), encoding="utf-8")
    assert (
        build_map.main(["--incidents", str(hostile_store), "--out", str(tmp_path), "--quiet"]) == 0
    )

    page, log = page_and_log
    open_map(page, tmp_path / "idlib_map.html")
    page.evaluate("void IdlibMap.layers['Incidents'].getLayers()[0].openPopup()")
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "<img src=x onerror=alert(1)>" in text
    assert "`${alert(3)}`" in text
    assert "أريحا" in text
    assert popup.locator("img, script").count() == 0
    assert popup.locator("a").count() == 0  # javascript: is never a link
    assert log.dialogs == []
    assert log.page_errors == []
