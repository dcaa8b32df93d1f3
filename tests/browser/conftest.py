"""Headless Chromium through Playwright, with every non-local request aborted.

The browser is Debian's chromium when installed (``make test`` installs it as root on
Debian), else Playwright's own build. No test here may reach the internet: requests other
than ``file:``, ``data:``, ``blob:`` and loopback are aborted and recorded.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def chromium_path() -> str | None:
    override = os.environ.get("IDLIB_CHROMIUM")
    if override:
        return override
    for candidate in SYSTEM_CHROMIUM:
        if shutil.which(candidate):
            return candidate
    return None  # Playwright's own Chromium (installed by scripts/install_browser.sh)


@dataclass
class PageLog:
    """What a page did: console errors, uncaught errors, dialogs and blocked requests."""

    console_errors: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def unexpected_console_errors(self) -> list[str]:
        """Console errors other than the failed loads of requests this harness blocked."""
        blocked = set(self.blocked)
        return [
            msg.text
            for msg in self.console_errors
            if not (
                msg.text.startswith("Failed to load resource")
                and msg.location.get("url") in blocked
            )
        ]


PageAndLog = tuple[Page, PageLog]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()


@pytest.fixture
def page_and_log(browser: Browser) -> Iterator[PageAndLog]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    log = PageLog()

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES) or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: log.console_errors.append(msg) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))

    def on_dialog(dialog: Dialog) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page, log
    context.close()


def open_map(page: Page, path: Path) -> None:
    """Open a built map from file:// and wait until its layers exist.

    Predicates are functions, not expressions: Playwright evaluates an expression with
    ``eval`` on every poll, which the page's Content-Security-Policy refuses.
    """
    page.goto(path.resolve().as_uri())
    page.wait_for_function("() => window.IdlibMap && IdlibMap.map && IdlibMap.filter")
    page.evaluate("IdlibMap.incidentData.ready.then(() => true)")  # texts unpacked
    page.wait_for_timeout(300)  # let tiles fail and markers draw before looking


def save_screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
