"""The embedded player (issue 19): in a plain page of another origin, through the snippet and
through oEmbed, in Debian's Chromium at 320 and 1200 px, checked with axe-core.

Screenshots are kept in `.artifacts/` at the top of the repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT, SHORT_HTML, invoke_cli, serving

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / ".artifacts"
WIDTHS = (320, 1200)


@dataclass
class Served:
    site: str
    """The site's address (as its base_url says)."""
    host: str
    """A plain page of another origin, where the snippet is pasted."""
    snippet: str
    embed: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("embed")
    (work / "site").mkdir()
    (work / "host").mkdir()
    with serving(work / "site") as site_url, serving(work / "host") as host_url:
        yield _build(work, site_url, host_url)


def _build(work: Path, site_url: str, host_url: str) -> Served:
    (work / "edition.toml").write_text(f'[show]\nbase_url = "{site_url}"\n')
    (work / "a.html").write_text(SHORT_HTML, encoding="utf-8")
    built = invoke_cli("build", "a.html", cwd=work)
    assert built.returncode == 0, built.stderr
    snippet = next(line for line in built.stdout.splitlines() if line.startswith("embed: "))[7:]
    (work / "host" / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Newsroom article"
        f"</title></head><body><h1>Ferry plan</h1><p>Listen:</p>{snippet}</body></html>"
    )
    (embed,) = (work / "site" / "episodes").glob("*.embed.html")
    return Served(site_url, host_url, snippet, embed)


def test_the_player_is_small_and_asks_no_third_party(served: Served) -> None:
    html = served.embed.read_text(encoding="utf-8")
    assert len(html.encode()) < 30_000
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(served.site) for u in urls), urls
    assert '<audio id="audio" controls' in html  # plays without JavaScript


@pytest.mark.parametrize("width", WIDTHS)
def test_the_snippet_plays_in_a_plain_page(browser, served: Served, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served.host, wait_until="load")
    frame_element = page.locator("iframe")
    box = frame_element.bounding_box()
    assert box is not None and box["width"] >= 300 and box["width"] <= 1200
    frame = frame_element.element_handle().content_frame()
    frame.locator("#play").click()
    frame.wait_for_function("document.getElementById('audio').currentTime > 0.3", timeout=15000)
    assert frame.locator("#play").inner_text() == "Pause"
    frame.select_option("#speed", "1.5")
    assert frame.evaluate("document.getElementById('audio').playbackRate") == 1.5
    frame.locator("summary").click()
    frame.wait_for_function(
        "document.querySelector('#transcript .current') !== null", timeout=10000
    )
    frame.locator("#play").click()
    assert frame.evaluate("document.getElementById('audio').paused")
    # Nothing overflows the frame sideways, at either width.
    assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"embed-{width}.png"), full_page=True)
    assert errors == []
    origins = {re.match(r"https?://[^/]+", url)[0] for url in requests}
    assert origins <= {served.site.rstrip("/"), served.host.rstrip("/")}, origins
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_player_has_no_accessibility_violation(browser, served: Served, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    page.goto(served.site + "episodes/" + served.embed.name, wait_until="load")
    page.locator("summary").click()  # the transcript open too
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    assert results.violations_count == 0, results.generate_report()
    # Everything can be reached and worked with the keyboard alone.
    focused = []
    for _ in range(10):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(
            "document.activeElement.id || document.activeElement.dataset.skip || document.activeElement.tagName"
        ))  # fmt: skip
    assert {"play", "-15", "30", "seek", "speed"} <= set(focused), focused
    context.close()


def test_the_player_works_without_javascript(browser, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.site + "episodes/" + served.embed.name, wait_until="load")
    assert page.locator("audio#audio").get_attribute("controls") is not None
    assert not page.locator("#controls").is_visible()
    page.locator("summary").click()
    assert page.locator("#transcript span").first.is_visible()
    context.close()


def test_a_cms_embeds_by_the_pages_address_through_oembed(browser, served: Served) -> None:
    context = browser.new_context()
    page = context.new_page()
    page_url = served.site + "episodes/" + served.embed.name.replace(".embed.html", ".html")
    page.goto(page_url, wait_until="load")
    link = page.locator("link[rel=alternate][type='application/json+oembed']")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    oembed = json.loads(response.body())
    assert oembed["version"] == "1.0" and oembed["type"] == "rich"
    assert oembed["html"] == served.snippet and oembed["height"] > 0 and oembed["width"] > 0
    assert oembed["title"] == "Harbour & ferry plan wins backing"
    # The episode page shows the snippet to paste.
    assert page.locator("section.embed code").first.inner_text() == served.snippet
    # What a CMS does with the response: put its html in the article page.
    page.set_content(f"<!DOCTYPE html><title>CMS</title>{oembed['html']}")
    frame = page.locator("iframe").element_handle().content_frame()
    frame.locator("#play").click()
    frame.wait_for_function("document.getElementById('audio').currentTime > 0.2", timeout=15000)
    context.close()
