"""What analysts publish, in headless Chromium (network blocked): their own dated layers
following the filter, uncertainty they can see, and a link that opens one incident."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import build_map
from geo.build import MAP_FILENAME
from tests.browser.conftest import open_map, save_screenshot
from tests.browser.test_csp import WATCH_VIOLATIONS, violations
from tests.browser.test_map_in_browser import selected, set_dates

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import PageAndLog

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "sample_control_lines.geojson"
LAYER = "sample_control_lines"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def layered_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layered")
    args = ["--out", str(out), "--layer", str(SAMPLE), "--no-exports", "--quiet"]
    assert build_map.main(args) == 0
    return out / MAP_FILENAME


def shown_features(page: Page) -> list[str]:
    labels: list[str] = page.evaluate(
        f"IdlibMap.layers[{LAYER!r}].getLayers().map(l => l.feature.properties.label).sort()"
    )
    return labels


def test_dated_layer_follows_the_filter_end_date(
    layered_map: Path, page_and_log: PageAndLog
) -> None:
    page, log = page_and_log
    page.add_init_script(WATCH_VIOLATIONS)
    open_map(page, layered_map)
    overlays = page.locator(".leaflet-control-layers-overlays label").all_text_contents()
    assert LAYER in [text.strip() for text in overlays]
    assert "Analyst layers" in page.locator(".idlib-layer-group").all_text_contents()
    area = "Sample area (not a real zone)"  # undated: always shown
    line = "Sample control line {} (not a real position)"
    assert shown_features(page) == [area, line.format("C")]  # end date 2020-09-17
    for end, expected in [("2020-03-05", "B"), ("2020-03-06", "C"), ("2019-06-01", "A"),
                          ("2020-01-31", "A"), ("2020-02-15", "B")]:  # fmt: skip
        set_dates(page, "2019-01-01", end)
        assert shown_features(page) == [area, line.format(expected)], end
    page.evaluate("void IdlibMap.map.setView([35.82, 36.55], 10)")
    shot = save_screenshot(page, "analyst_layer.png")
    if os.environ.get("IDLIB_UPDATE_DOCS_SCREENSHOT"):  # make screenshot
        shutil.copyfile(shot, DOCS / "analyst_layer.png")
    # Legend row and attribution name the layer; the row follows the layer control.
    row = page.locator(f".idlib-legend-row[data-layer='{LAYER}']").first
    assert "as on the filter's end date" in row.inner_text()
    assert f"{LAYER}: analyst layer sample_control_lines.geojson" in page.inner_text(
        ".leaflet-control-attribution"
    )
    page.evaluate(f"void IdlibMap.map.removeLayer(IdlibMap.layers[{LAYER!r}])")
    page.evaluate("void IdlibMap.map.fire('overlayremove')")
    assert not row.is_visible()
    page.evaluate(f"void IdlibMap.map.addLayer(IdlibMap.layers[{LAYER!r}])")
    page.evaluate(f"void IdlibMap.layers[{LAYER!r}].getLayers()[0].openPopup()")
    popup = page.inner_text(".leaflet-popup-content")
    assert "Valid" in popup
    assert "sample" in popup
    assert violations(page) == []
    assert log.page_errors == []
    assert log.unexpected_console_errors() == []


def open_incident(page: Page, event_id: str) -> None:
    page.evaluate(
        "(id) => void IdlibMap.incidentData.open(IdlibMap.incidentData.indexOf(id))", event_id
    )
    page.wait_for_selector(".leaflet-popup-content")


def disc_shown(page: Page) -> bool:
    """Whether the uncertainty circle is on the map (drawn on the canvas, not as SVG)."""
    shown: bool = page.evaluate(
        "() => { const d = IdlibMap.incidentData.layer._disc; return !!d && IdlibMap.map.hasLayer(d); }"
    )
    return shown


def disc_width_m(page: Page) -> float:
    width: float = page.evaluate(
        """() => { const b = IdlibMap.incidentData.layer._disc.getBounds();
                   const lat = b.getCenter().lat;
                   return L.latLng(lat, b.getWest()).distanceTo(L.latLng(lat, b.getEast())); }"""
    )
    return width


def test_uncertainty_is_drawn_and_said(built_map: Path, page_and_log: PageAndLog) -> None:
    page, log = page_and_log
    open_map(page, built_map)
    # Balyun, geo_precision 2: hollow, with a 5 km circle while its popup is open.
    open_incident(page, "SYR-IDL-000001")
    hollow = page.evaluate(
        "IdlibMap.incidentData.open(IdlibMap.incidentData.indexOf('SYR-IDL-000001'))"
        "._icon.classList.contains('idlib-inc-hollow')"
    )
    assert hollow
    assert disc_shown(page)
    assert disc_width_m(page) == pytest.approx(10_000, rel=0.01)
    assert "± 5 km" in page.inner_text(".leaflet-popup-content")
    page.evaluate("void IdlibMap.map.closePopup()")
    assert not disc_shown(page)
    # Ariha, geo_precision 1: solid; hovering shows its 1 km circle.
    solid = page.evaluate(
        """() => { const m = IdlibMap.incidentData.open(IdlibMap.incidentData.indexOf('SYR-IDL-000010'));
                   IdlibMap.map.closePopup(); m.fire('mouseover');
                   return !m._icon.classList.contains('idlib-inc-hollow'); }"""
    )
    assert solid
    assert disc_width_m(page) == pytest.approx(2_000, rel=0.01)
    # A date known to the week says so, with its span.
    open_incident(page, "SYR-IDL-000013")
    assert "date known to the week: 2020-09-14 to 2020-09-20" in page.inner_text(
        ".leaflet-popup-content"
    )
    legend = page.inner_text(".idlib-legend")
    assert "Hollow: position approximate" in legend
    assert "Date known to the week" in legend
    assert page.locator(".idlib-legend .idlib-inc-hollow").count() == 1
    # The filter keeps an event whose date range overlaps the selected days.
    set_dates(page, "2020-09-14", "2020-09-14")
    assert selected(page) == 4  # the four dated 17 Sep, known to the week (14-20 Sep)
    set_dates(page, "2020-09-15", "2020-09-16")
    assert selected(page) == 6  # and the two of 16 Sep
    set_dates(page, "2020-09-08", "2020-09-13")
    assert selected(page) == 0
    assert log.page_errors == []


def test_link_opens_one_incident_whatever_the_filter(
    built_map: Path, page_and_log: PageAndLog
) -> None:
    page, log = page_and_log
    page.add_init_script(WATCH_VIOLATIONS)
    url = built_map.resolve().as_uri()
    page.goto(url + "#from=2020-03-01&to=2020-03-31&types=011111&incident=SYR-IDL-000012")
    page.wait_for_selector(".leaflet-popup-content .idlib-copy-link")
    popup = page.inner_text(".leaflet-popup-content")
    assert "SYR-IDL-000012" in popup
    assert "Bayneen" in popup
    notice = page.inner_text(".idlib-link-notice")
    assert "Filter widened to show incident SYR-IDL-000012 (2020-09-16)" in notice
    assert "the dates" in notice
    assert "its type" in notice
    to = page.evaluate("document.querySelectorAll('.idlib-filter-dates input')[1].value")
    assert to == "2020-09-16"
    assert page.evaluate("IdlibMap.incidentData.state.types[0]") is True
    page.wait_for_function("() => location.hash.includes('incident=SYR-IDL-000012')")
    # "copy link" gives the address that opens this incident.
    page.click(".leaflet-popup-content .idlib-copy-link")
    link = page.input_value(".leaflet-popup-content .idlib-link-field")
    assert link == url + "#incident=SYR-IDL-000012"
    assert page.inner_text(".leaflet-popup-content .idlib-copy-link") != "copy link"
    save_screenshot(page, "incident_link.png")
    # A link pasted into an open map, and an id the map does not have.
    page.evaluate("location.hash = '#incident=SYR-IDL-000003'")
    page.wait_for_function(
        "() => document.querySelector('.leaflet-popup-content') && "
        "document.querySelector('.leaflet-popup-content').innerText.includes('SYR-IDL-000003')"
    )
    # A pan that ends before the browser tells of the pasted link rewrites the hash with
    # the view (and the incident still open): the pasted link is the one read.
    page.evaluate("location.hash = '#incident=SYR-IDL-999999'; IdlibMap.map.fire('moveend'); null")
    page.wait_for_function(
        "() => document.querySelector('.idlib-link-notice').innerText.includes('not in this map')"
    )
    assert violations(page) == []
    assert log.page_errors == []
    assert log.dialogs == []
