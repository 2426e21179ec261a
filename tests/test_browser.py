"""The site's page in a real browser: Debian's headless Chromium, driven by Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from mutagen.mp3 import MP3

from tests.conftest import BuiltSite

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("AUDIO_EDITION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--mute-audio", "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


def _need_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: never skip there
        pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page(site_url: str):
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            errors: list[str] = []
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(site_url + "index.html", wait_until="load")
            tab.errors = errors  # type: ignore[attr-defined]
            yield tab
        finally:
            browser.close()


def test_page_lists_the_episode_and_loads_without_console_errors(page) -> None:
    assert page.title() == "The Audio Edition"
    assert page.locator("article h2").inner_text() == "Harbour & ferry plan wins backing"
    assert "AI assistance" in page.locator("article .disclosure").inner_text()
    assert page.errors == []


def test_audio_element_reports_the_mp3_duration_and_plays(page, built_site: BuiltSite) -> None:
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    duration = page.evaluate("document.querySelector('audio').duration")
    assert duration == pytest.approx(MP3(built_site.mp3).info.length, abs=0.2)
    page.evaluate("document.querySelector('audio').play()")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3", timeout=15000)
    assert page.evaluate("document.querySelector('audio').error") is None
