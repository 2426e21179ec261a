"""The site's pages in a real browser: Debian's headless Chromium, driven by Playwright,
served by `audio-edition serve`'s own server."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from mutagen.mp3 import MP3

from podcast.publish.serve import make_server, url_of
from tests.helpers import BuiltSite

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    server = make_server(built_site.site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield url_of(server)
    finally:
        server.shutdown()
        server.server_close()


def open_page(browser, url: str, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page


@pytest.fixture(scope="module")
def episode_url(site_url: str, built_site: BuiltSite) -> str:
    return site_url + "episodes/" + built_site.page.name


def test_index_lists_the_episode_without_console_errors(browser, site_url: str) -> None:
    page = open_page(browser, site_url)
    assert page.title() == "The Audio Edition"
    assert page.locator("article h2").inner_text() == "Harbour & ferry plan wins backing"
    assert "AI assistance" in page.locator("article .disclosure").inner_text()
    page.locator("article h2 a").click()
    page.wait_for_selector("#player")
    assert page.errors == []


def test_episode_page_plays_and_reports_the_duration(
    browser, episode_url: str, built_site: BuiltSite
) -> None:
    page = open_page(browser, episode_url)
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
    duration = page.evaluate("document.getElementById('player').duration")
    assert duration == pytest.approx(MP3(built_site.mp3).info.length, abs=0.2)
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("document.getElementById('player').currentTime > 0.3", timeout=15000)
    assert page.evaluate("document.getElementById('player').error") is None
    assert page.errors == []


def test_clicking_a_sentence_seeks_and_highlights_it(browser, episode_url: str) -> None:
    page = open_page(browser, episode_url)
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
    sentence = page.locator(".transcript span[data-start]", has_text="The vote was 9-2.")
    start = float(sentence.get_attribute("data-start"))
    sentence.click()
    position = page.evaluate("document.getElementById('player').currentTime")
    assert position == pytest.approx(start, abs=0.3)
    page.wait_for_function("document.querySelector('.transcript .current') !== null", timeout=5000)
    assert page.locator(".transcript .current").first.inner_text() == "The vote was 9-2."
    assert page.errors == []


def test_the_current_sentence_follows_playback(browser, episode_url: str) -> None:
    page = open_page(browser, episode_url)
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
    spans = page.locator(".transcript span[data-start]")
    first, second = spans.nth(3), spans.nth(4)
    # Start just before the end of one sentence and let it play into the next.
    page.evaluate(
        f"(p => {{ p.currentTime = {float(first.get_attribute('data-end')) - 0.2}; p.play(); }})(document.getElementById('player'))"
    )
    page.wait_for_function(
        "el => el.classList.contains('current')", arg=second.element_handle(), timeout=10000
    )
    assert page.locator(".transcript .current").count() == 1


def test_chapters_seek(browser, episode_url: str) -> None:
    page = open_page(browser, episode_url)
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
    chapter = page.locator(".chapters button", has_text="Next steps")
    chapter.click()
    position = page.evaluate("document.getElementById('player').currentTime")
    assert position == pytest.approx(float(chapter.get_attribute("data-start")), abs=0.3)


def test_playing_works_without_javascript(browser, episode_url: str) -> None:
    page = open_page(browser, episode_url, javascript=False)
    audio = page.locator("audio#player")
    assert audio.get_attribute("controls") is not None
    src = audio.get_attribute("src")
    response = page.request.get(
        episode_url.rsplit("/", 1)[0] + "/" + src.removeprefix("../episodes/")
    )
    assert response.status == 200 and response.headers["content-type"] == "audio/mpeg"
    assert page.locator(".transcript span[data-start]").count() >= 8


@pytest.mark.parametrize("which", ["index", "episode"])
def test_json_ld_parses_in_the_browser(
    browser, site_url: str, episode_url: str, which: str
) -> None:
    """Issue 24, finding 11: the page held ``{&#34;@context&#34;…``, which JSON.parse refuses."""
    page = open_page(browser, site_url if which == "index" else episode_url)
    data = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@context"] == "https://schema.org"
    if which == "episode":
        assert data["name"] == "Harbour & ferry plan wins backing"
