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
from tests.test_layers import EXPECTED_BASES, EXPECTED_OVERLAYS

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from geo.project import MapInputs
    from tests.browser.conftest import PageAndLog

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"
TILE_HOSTS = {"tile.openstreetmap.org", "server.arcgisonline.com"}
STORE = Path(build_map.__file__).parent / "data" / "incidents.csv"


def selected(page: Page) -> int:
    return int(page.get_attribute(".idlib-filter-count", "data-selected") or -1)


def set_dates(page: Page, start: str, end: str) -> None:
    """Type a date range the way the inputs report it: value set, then a change event."""
    page.evaluate(
        """([start, end]) => {
            const [from, to] = document.querySelectorAll('.idlib-filter-dates input');
            from.value = start; to.value = end;
            to.dispatchEvent(new Event('change', {bubbles: true}));
        }""",
        [start, end],
    )


def open_incident_popup(page: Page, event_id: str) -> None:
    page.evaluate(
        "(id) => void IdlibMap.incidentData.open(IdlibMap.incidentData.indexOf(id))",
        event_id,
    )
    page.wait_for_selector(".leaflet-popup-content")


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

    overlays = page.locator(".leaflet-control-layers-overlays label span span").all_text_contents()
    assert [text.strip() for text in overlays] == EXPECTED_OVERLAYS
    bases = page.locator(".leaflet-control-layers-base label span span").all_text_contents()
    assert [text.strip() for text in bases] == EXPECTED_BASES
    headings = page.locator(".idlib-layer-group").all_text_contents()
    assert "Corridor (5 March 2020 protocol)" in headings

    drawn = page.evaluate(
        """Object.fromEntries(Object.entries(IdlibMap.layers)
              .filter(([name, layer]) => layer.getLayers)
              .map(([name, layer]) => [name, layer.getLayers().filter(l => l._map).length]))"""
    )
    # Places show by zoom: at the opening view every major place, not all 4,000 points.
    zoom = page.evaluate("IdlibMap.map.getZoom()")
    shown = page.evaluate(
        "z => IdlibMap.layers.Places.places.data.zoom.filter(from => from <= z).length", zoom
    )
    assert drawn["Places"] == shown
    assert 50 < shown < len(map_inputs.places) / 2
    assert drawn["Security corridor (6 km each side of the M4)"] == 2
    assert drawn["M4 highway (approximate)"] == 1
    assert selected(page) == len(map_inputs.incidents())
    # Tiles cannot load: the map switched itself to the offline OCHA base and says so.
    page.wait_for_selector(".idlib-notice")
    assert page.evaluate(
        "IdlibMap.map.hasLayer(IdlibMap.layers['Offline: OCHA boundaries (no tiles)'])"
    )
    labels = page.locator(".idlib-label").all_inner_texts()
    assert "Ariha" in labels
    assert "Trinbeh" in labels
    assert len(labels) < 200  # labels come by zoom level, not 1,000 at once

    shot = save_screenshot(page, "map.png")
    if os.environ.get("IDLIB_UPDATE_DOCS_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS / "screenshot.png")


def test_incident_popup_links_its_source(built_map: Path, page_and_log: PageAndLog) -> None:
    page, log = page_and_log
    open_map(page, built_map)
    open_incident_popup(page, "SYR-IDL-000007")
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "2020-07-14" in text
    assert "Ariha" in text
    assert "on the M4" in text  # corridor side
    assert "after" in text  # ceasefire phase
    link = popup.locator("a")
    assert (
        link.get_attribute("href")
        == "https://english.iswnews.com/14220/video-ied-attack-on-the-russian-turkish-joint-patrol/"
    )
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.wait_for_timeout(500)  # let the map pan the popup into view
    save_screenshot(page, "popup.png")
    assert log.page_errors == []


def test_date_and_type_filters_drive_markers_heat_and_count(
    built_map: Path, map_inputs: MapInputs, page_and_log: PageAndLog
) -> None:
    page, log = page_and_log
    open_map(page, built_map)
    total = len(map_inputs.incidents())
    set_dates(page, "2020-08-01", "2020-08-31")
    august = [
        item for item in map_inputs.incidents() if item.event_date.isoformat().startswith("2020-08")
    ]
    assert selected(page) == len(august) == 2
    assert "2 of 2 selected" in page.inner_text(".idlib-filter-count")
    page.evaluate("void IdlibMap.map.addLayer(IdlibMap.layers['Incident density (heat map)'])")
    assert page.evaluate("IdlibMap.layers['Incident density (heat map)']._latlngs.length") == 2
    assert "from=2020-08-01" in page.evaluate("location.hash")
    set_dates(page, "2020-02-01", "2020-12-31")
    assert selected(page) == total
    shelling = sum(
        1
        for item in map_inputs.incidents()
        if item.sub_event_type == "Shelling/artillery/missile attack" and "missile" not in item.tags
    )
    page.uncheck(".idlib-filter-types input[data-type-index='0']")
    assert selected(page) == total - shelling
    assert log.page_errors == []


def test_toggling_a_layer_changes_the_map_and_legend(
    built_map: Path, page_and_log: PageAndLog
) -> None:
    page, _ = page_and_log
    open_map(page, built_map)
    corridor = "Security corridor (6 km each side of the M4)"
    before = page.screenshot()
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers-overlays label", has_text=corridor).click()
    assert not page.evaluate(f"IdlibMap.map.hasLayer(IdlibMap.layers[{corridor!r}])")
    assert page.locator(".idlib-legend-row", has_text="Corridor north half").is_hidden()
    assert page.locator(
        ".idlib-legend-row", has_text="Incident density"
    ).is_hidden()  # heat map off
    page.mouse.move(600, 850)
    assert page.screenshot() != before


def test_shared_link_reproduces_the_view(built_map: Path, page_and_log: PageAndLog) -> None:
    page, _ = page_and_log
    page.goto(
        built_map.resolve().as_uri() + "#z=12&lat=35.81&lon=36.61&from=2020-08-01&to=2020-08-31"
    )
    page.wait_for_function("() => window.IdlibMap && IdlibMap.filter")
    assert selected(page) == 2
    assert page.evaluate("IdlibMap.map.getZoom()") == 12


#: Runs before the page: ``IdlibMap.incidents`` throws, as a layer script that fails would.
BREAK_INCIDENTS_JS = """
Object.defineProperty(window, "IdlibMap", {
  configurable: true,
  get() { return this.__idlibApi; },
  set(api) {
    this.__idlibApi = api;
    Object.defineProperty(api, "incidents", {
      get() { return () => { throw new Error("a broken layer"); }; }, set() {},
    });
  },
});
"""


def test_a_layer_that_fails_still_leaves_a_map_with_a_view(
    built_map: Path, page_and_log: PageAndLog
) -> None:
    # The map has no view until the page's last steps fit it; a failure before those must
    # not leave it grey.
    page, log = page_and_log
    page.add_init_script(BREAK_INCIDENTS_JS)
    page.goto(built_map.resolve().as_uri())
    page.wait_for_function("() => window.IdlibMap && IdlibMap.map && IdlibMap.map._loaded")
    assert any("a broken layer" in error for error in log.page_errors)
    assert page.evaluate("IdlibMap.map.getZoom()") == 10
    assert page.evaluate("IdlibMap.map.hasLayer(IdlibMap.layers.Places)")


def test_place_search_finds_any_spelling(built_map: Path, page_and_log: PageAndLog) -> None:
    page, _ = page_and_log
    open_map(page, built_map)
    page.fill(".idlib-search input", "كنصفرة")
    page.click(".idlib-search-item")
    assert "Kansafra" in page.inner_text(".leaflet-popup-content")


HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script> `${alert(3)}` \\ أريحا"


def test_hostile_text_shows_literally_and_runs_nothing(
    tmp_path: Path, page_and_log: PageAndLog
) -> None:
    rows = list(csv.DictReader(io.StringIO(STORE.read_text(encoding="utf-8"))))
    rows[0].update(
        notes=HOSTILE,
        location=HOSTILE,
        source=HOSTILE,
        source_url="javascript:alert(4)",
        actor1=HOSTILE,
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    hostile_store = tmp_path / "incidents.csv"
    hostile_store.write_text(out.getvalue(), encoding="utf-8")
    assert (
        build_map.main(["--incidents", str(hostile_store), "--out", str(tmp_path), "--quiet"]) == 0
    )

    page, log = page_and_log
    page.add_init_script(
        "window.__pwned = undefined; window.alert = () => { window.__pwned = true; };"
    )
    open_map(page, tmp_path / "idlib_map.html")
    open_incident_popup(page, rows[0]["event_id_cnty"])
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "<img src=x onerror=alert(1)>" in text
    assert "`${alert(3)}`" in text
    assert "أريحا" in text
    assert popup.locator("img, script").count() == 0
    assert popup.locator("a").count() == 0  # javascript: is never a link
    page.evaluate(
        "(id) => void IdlibMap.incidentData.open(IdlibMap.incidentData.indexOf(id)).openTooltip()",
        rows[0]["event_id_cnty"],
    )
    assert "<img src=x onerror=alert(1)>" in page.locator(".leaflet-tooltip").last.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert log.dialogs == []
    assert log.page_errors == []
