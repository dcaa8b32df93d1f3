"""The page's Content-Security-Policy in headless Chromium: injected code does not run, the
page's own code all does (network blocked, as everywhere in tests/browser)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import open_map

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.browser.conftest import PageAndLog

pytestmark = pytest.mark.browser
TILE_HOSTS = {"tile.openstreetmap.org", "server.arcgisonline.com"}
#: Runs before the page's scripts (Playwright injects it outside the page's policy).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI,
                              sample: e.sample});
});
"""


def violations(page: Page) -> list[dict[str, str]]:
    found: list[dict[str, str]] = page.evaluate("window.__violations")
    return found


def open_watched(page: Page, path: Path) -> None:
    page.add_init_script(WATCH_VIOLATIONS)
    open_map(page, path)


def test_the_page_runs_completely_under_its_policy(
    built_map: Path, page_and_log: PageAndLog
) -> None:
    page, log = page_and_log
    open_watched(page, built_map)
    # Tiles were requested (the harness then aborted them): the policy let them through.
    assert {urlsplit(url).hostname for url in log.blocked} & TILE_HOSTS
    page.wait_for_function("() => document.querySelector('.idlib-notice')")  # offline fallback ran
    # Texts unpacked with DecompressionStream from a blob stream; markers drawn from them.
    assert page.evaluate("IdlibMap.incidentData.set.strings.length") > 0
    assert page.locator(".idlib-inc").count() > 0
    # The minimap, and the heat map's canvas once the layer is on.
    assert page.locator(".leaflet-control-minimap").count() == 1
    page.evaluate("void IdlibMap.map.addLayer(IdlibMap.layers['Incident density (heat map)'])")
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    # Incident colours come from the stylesheet (an inline style attribute would be refused).
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.idlib-inc > span')).backgroundColor"
    )
    assert colour not in {"rgba(0, 0, 0, 0)", "transparent"}
    page.evaluate("void IdlibMap.incidentData.open(0)")
    page.wait_for_selector(".leaflet-popup-content .idlib-copy-link")
    assert violations(page) == []
    assert log.page_errors == []
    assert log.unexpected_console_errors() == []


def test_injected_script_and_handler_are_blocked(built_map: Path, page_and_log: PageAndLog) -> None:
    page, log = page_and_log
    open_watched(page, built_map)
    # What an escaping bug would let through: markup from the data inserted as HTML.
    page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.innerHTML = '<img src="data:," onerror="window.__pwned = 1">';
            document.body.appendChild(box);
            const script = document.createElement('script');
            script.textContent = 'window.__pwned = 2';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("() => window.__violations.length >= 2")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    directives = {v["directive"] for v in violations(page)}
    assert directives == {"script-src-elem", "script-src-attr"}
    assert log.dialogs == []
