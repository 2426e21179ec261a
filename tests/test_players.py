"""The players that keep a listener, in Debian's Chromium at 320 and 1200 px: resume after a
reload, the transcript following a seek, the embed's frame growing to its content, no page
wider than the screen, axe-core's WCAG 2.1 AA rules, the keyboard, and the beacons.

The site is published from a store with two episodes of four minutes of real MP3 (ffmpeg),
their transcripts a sentence every four seconds, and served by `serve` on loopback.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import imageio_ffmpeg
import pytest

from podcast.core.cues import TranscriptCue
from podcast.core.settings import ServiceSettings, Settings, ShowSettings
from podcast.core.store import Store
from podcast.publish.artwork import default_artwork
from podcast.publish.pages import EMBED_HEIGHT, RESIZE_SCRIPT
from podcast.publish.site import publish
from tests.helpers import episode, serving, wait_for

pytestmark = pytest.mark.e2e
WIDTHS = (320, 1200)
SECONDS = 240


@dataclass
class Site:
    url: str
    settings: Settings
    pages: list[str]
    """Site-relative: the index, each episode's page and embed."""
    host: str
    """A page of another origin with the first embed and the resize script."""


def _mp3(path: Path) -> None:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         f"sine=f=330:d={SECONDS}", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", str(path)],
        check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("players")
    (work / "site" / "episodes").mkdir(parents=True)
    (work / "host").mkdir()
    with serving(work / "site") as url, serving(work / "host") as host_url:
        yield _publish(work, url, host_url)


def _publish(work: Path, url: str, host_url: str) -> Site:
    show = dataclasses.replace(ShowSettings(), base_url=url)
    settings = Settings(site=work / "site", state=work / "state", show=show,
                        service=dataclasses.replace(ServiceSettings(), tokens=("t" * 16,)))  # fmt: skip
    pages = ["index.html"]
    with Store(settings.folders.store) as store:
        for n in range(2):
            audio = f"episodes/story-{n}.mp3"
            _mp3(work / "site" / audio)
            cues = tuple(
                TranscriptCue(i * 4.0, i * 4.0 + 3.6,
                              f"Sentence {i} of story {n}, long enough to wrap at the narrowest width.", i // 5)
                for i in range(SECONDS // 4)
            )  # fmt: skip
            saved = store.save(episode(
                f"https://news.example/story-{n}", slug=f"story-{n}", title=f"Story {n}: a headline",
                audio=audio, audio_bytes=(work / "site" / audio).stat().st_size, duration=float(SECONDS),
                published=datetime(2026, 12, 1 + n, tzinfo=UTC), cues=cues, author="Ann Writer",
                marks=((0.0, "Introduction"), (120.0, "Later")), summary="What happened, in a line.",
                voice="en_US-joe-medium",
            ))  # fmt: skip
            pages += [saved.page, saved.embed]
        publish(store, settings, default_artwork())
    embed = url + pages[2]
    (work / "host" / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Article</title></head>"
        f"<body><h1>Story</h1><iframe src='{embed}' title='Listen' width='100%' height='{EMBED_HEIGHT}'"
        f" style='border:0;width:100%'></iframe>{RESIZE_SCRIPT}</body></html>",
        encoding="utf-8",
    )
    return Site(url, settings, pages, host_url)


def _page(browser, width: int, **options):
    context = browser.new_context(viewport={"width": width, "height": 800}, **options)
    return context, context.new_page()


def _seek(page_or_frame, seconds: float) -> None:
    page_or_frame.evaluate(
        """seconds => new Promise(done => {
            const audio = document.querySelector('audio');
            const go = () => { audio.addEventListener('seeked', () => done(), {once: true});
                               audio.currentTime = seconds; };
            if (audio.readyState >= 1) go(); else { audio.addEventListener('loadedmetadata', go, {once: true}); audio.load(); }
        })""",
        seconds,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_a_listener_resumes_where_they_stopped_after_a_reload(
    browser, site: Site, width: int
) -> None:
    context, page = _page(browser, width)
    page.goto(site.url + site.pages[1], wait_until="load")
    _seek(page, 95)
    page.evaluate("document.querySelector('audio').pause()")
    page.reload(wait_until="load")
    page.wait_for_function(
        "document.querySelector('[data-resume]').hidden === false", timeout=10000
    )
    assert "1:35" in page.locator("[data-resume]").inner_text()
    page.evaluate("document.querySelector('audio').play()")
    page.wait_for_function("document.querySelector('audio').currentTime >= 95", timeout=15000)
    # Skip back 15 s and ahead 30 s.
    page.evaluate("document.querySelector('audio').pause()")
    before = page.evaluate("document.querySelector('audio').currentTime")
    page.locator("[data-skip='-15']").click()
    assert abs(page.evaluate("document.querySelector('audio').currentTime") - (before - 15)) < 1
    page.locator("[data-skip='30']").click()
    assert abs(page.evaluate("document.querySelector('audio').currentTime") - (before + 15)) < 1
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_transcript_follows_a_seek(browser, site: Site, width: int) -> None:
    context, page = _page(browser, width)
    page.goto(site.url + site.pages[2], wait_until="load")  # the embed, in its own box
    page.locator("summary").click()
    _seek(page, 200)
    page.wait_for_function("document.querySelector('#transcript .current') !== null", timeout=10000)
    inside = page.evaluate("""() => {
        const box = document.getElementById('transcript').getBoundingClientRect();
        const line = document.querySelector('#transcript .current').getBoundingClientRect();
        return line.top >= box.top && line.bottom <= box.bottom;
    }""")
    assert inside and page.locator("#transcript .current").inner_text().startswith("Sentence 50 ")
    # On the episode page, the page follows to the sentence.
    page.goto(site.url + site.pages[1], wait_until="load")
    _seek(page, 200)
    page.wait_for_function("document.querySelector('.transcript .current') !== null", timeout=10000)
    box = page.evaluate(
        "document.querySelector('.transcript .current').getBoundingClientRect().top"
    )
    assert 0 <= box <= page.viewport_size["height"]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_embeds_frame_grows_to_its_content(browser, site: Site, width: int) -> None:
    context, page = _page(browser, width)
    page.goto(site.host, wait_until="load")
    frame = page.locator("iframe").element_handle().content_frame()
    closed = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    assert closed <= EMBED_HEIGHT, (
        f"the closed player is {closed} px, the default frame {EMBED_HEIGHT}"
    )
    frame.locator("summary").click()
    opened = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    assert opened > closed + 100
    page.wait_for_function(
        f"Math.abs(document.querySelector('iframe').getBoundingClientRect().height - {opened}) <= 1",
        timeout=10000,
    )
    assert frame.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen_and_axe_finds_nothing(
    browser, site: Site, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context, page = _page(browser, width)
    for path in site.pages:
        page.goto(site.url + path, wait_until="load")
        if page.locator("summary").count():
            page.locator("summary").click()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide at {width} px"
        results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
        assert results.violations_count == 0, (path, results.generate_report())
    context.close()


def test_the_voice_is_named_as_a_person_would_name_it(site: Site) -> None:
    page = (site.settings.site / site.pages[1]).read_text(encoding="utf-8")
    assert "Read by Joe, a synthetic English voice (United States)." in page
    assert "en_US-joe-medium" not in page.split("<body>")[1].split("<script")[0]


def test_play_all_goes_on_to_the_next_story_and_the_keyboard_works(browser, site: Site) -> None:
    context, page = _page(browser, 1200)
    page.goto(site.url + "index.html", wait_until="load")
    page.keyboard.press("Tab")
    for _ in range(12):
        if page.evaluate("document.activeElement.hasAttribute('data-play-all')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # Playing, and its length known (paused turns false before the metadata is in).
    page.wait_for_function("document.querySelectorAll('audio')[0].currentTime > 0.1", timeout=10000)
    page.evaluate("""() => { const a = document.querySelectorAll('audio')[0];
                             a.currentTime = a.duration - 0.5; }""")
    page.wait_for_function("!document.querySelectorAll('audio')[1].paused", timeout=15000)
    assert page.evaluate("document.querySelectorAll('audio')[0].paused")
    context.close()


def test_the_players_send_a_play_and_each_tenth(browser, site: Site) -> None:
    """The beacons go to the service's /api/listen (here `serve`, which answers 501: what is
    checked is what the player sends)."""
    context, page = _page(browser, 1200)
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data or "") if r.url.endswith("/api/listen") else None,
    )
    page.goto(site.url + site.pages[1], wait_until="load")
    page.evaluate("document.querySelector('audio').play()")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.1", timeout=10000)
    _seek(page, SECONDS * 0.35)
    page.wait_for_function("document.querySelector('audio').currentTime > 84.5", timeout=10000)

    def told() -> list[int] | None:
        page.evaluate("0")  # lets Playwright hand over the requests seen since
        reached = sorted(json.loads(body)["reached"] for body in sent if body)
        return reached if reached[:4] == [0, 10, 20, 30] else None

    reached = wait_for(told, 15, "the beacons of a play and three tenths")
    assert len(reached) == len(set(reached))  # each once
    context.close()


def test_the_readme_shows_the_resize_script_the_pages_show() -> None:
    from tests.helpers import ROOT

    assert RESIZE_SCRIPT in (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(RESIZE_SCRIPT.splitlines()) <= 12
