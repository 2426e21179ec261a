"""Feed and page rendering: escaping, identifiers and the rules podcast apps enforce."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from podcast.core.errors import ConfigError
from podcast.core.settings import Settings, ShowSettings
from podcast.core.store import Store
from podcast.publish.artwork import MAX_SIDE, MIN_SIDE, default_artwork, load_artwork
from podcast.publish.feed import podcast_guid, truncate_bytes, xml_safe
from podcast.publish.pages import assets
from podcast.publish.site import publish
from tests.helpers import episode

ART = default_artwork()


def make_site(tmp_path: Path, title: str, summary: str = "S", show_title: str = "Show") -> Settings:
    settings = Settings(
        site=tmp_path / "site",
        state=tmp_path / "state",
        show=dataclasses.replace(ShowSettings(), title=show_title),
    )
    with Store(settings.folders.store) as store:
        store.save(episode(title=title, summary=summary, author=title))
        publish(store, settings, ART)
    return settings


def test_podcast_guid_matches_the_spec_example() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_truncate_bytes_respects_utf8_limit() -> None:
    text = "é" * 5000
    cut = truncate_bytes(text, 4000)
    assert len(cut.encode("utf-8")) <= 4000
    assert truncate_bytes("short", 4000) == "short"


HOSTILE = 'Tom & Jerry <script>alert("x")</script> «ünïcode» 🎧 عربي'


def test_hostile_title_is_inert_in_feed_and_page(tmp_path: Path) -> None:
    settings = make_site(tmp_path, HOSTILE, summary=HOSTILE, show_title="A & B <Show>")
    feed = (settings.site / "feed.xml").read_bytes()
    root = etree.fromstring(feed)
    assert root.findtext("channel/item/title") == HOSTILE
    assert root.findtext("channel/title") == "A & B <Show>"
    assert b"<script>" not in feed
    for page_file in [settings.site / "index.html", *settings.site.glob("episodes/*.html")]:
        page = page_file.read_text(encoding="utf-8")
        assert "<script>alert" not in page and "&lt;script&gt;" in page, page_file
        assert "</script> «" not in page  # not even inside the JSON-LD block
    with (settings.site / "feed.xml").open("rb") as handle:
        parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", handle)
    assert parsed["episodes"][0]["title"] == HOSTILE
    assert feedparser.parse(feed).bozo == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80
    )
)
def test_any_title_gives_a_feed_both_parsers_accept(tmp_path: Path, title: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        settings = make_site(Path(folder), title, summary=title)
        feed = (settings.site / "feed.xml").read_bytes()
        with (settings.site / "feed.xml").open("rb") as handle:
            parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", handle)
        assert len(parsed["episodes"]) == 1
        assert feedparser.parse(feed).bozo == 0
        found = etree.fromstring(feed).findtext("channel/item/title")
        # XML parsers turn a raw CR into LF, so compare with whitespace folded.
        assert found.split() == xml_safe(title).split()


def test_orphaned_files_are_removed_after_the_feed_moves_on(tmp_path: Path) -> None:
    """A file a run published (recorded in the store) goes once nothing points to it; a
    file the tool has no record of (another tool's) is never deleted (issue 15)."""
    settings = make_site(tmp_path, "T")
    orphan = settings.site / "episodes" / "old-1.mp3"
    stranger = settings.site / "episodes" / "from-the-old-cms.mp3"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    stranger.write_bytes(b"y")
    with Store(settings.folders.store) as store:
        # As a commit killed between putting its files in the site and saving its episode
        # leaves them: the next publish (one that writes only what changed) sweeps them.
        store.record_files(["episodes/old-1.mp3"], key="https://x.example/killed")
        publish(store, settings, ART)
        assert "episodes/old-1.mp3" not in store.recorded_files()
        assert not orphan.exists()
        # A file recorded by no episode's commit goes at the next publish of everything.
        orphan.write_bytes(b"x")
        store.record_files(["episodes/old-1.mp3"])
        publish(store, settings, ART, full=True)
        assert "episodes/old-1.mp3" not in store.recorded_files()
    assert not orphan.exists()
    assert stranger.read_bytes() == b"y"


def test_pubdate_is_rfc2822_gmt(tmp_path: Path) -> None:
    settings = make_site(tmp_path, "T")
    root = etree.fromstring((settings.site / "feed.xml").read_bytes())
    assert root.findtext("channel/item/pubDate") == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert datetime(2026, 1, 1, tzinfo=UTC)  # the fixture's date


def test_default_artwork_is_a_square_rgb_png_in_range(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(ART.data)
    loaded = load_artwork(path)
    assert loaded.mime == "image/png" and loaded.width == loaded.height
    assert MIN_SIDE <= loaded.width <= MAX_SIDE


def test_shipped_default_cover_is_what_default_artwork_draws() -> None:
    # The cover ships as package data so no build pays for drawing it; if the drawing
    # changes, regenerate podcast/data/default-cover.png from default_artwork().
    from podcast.publish.site import DEFAULT_ARTWORK

    assert DEFAULT_ARTWORK.read_bytes() == ART.data


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"GIF89a", "must be a PNG or JPEG"), (default_artwork(1000).data, "must be square, 1400")],
    ids=["gif", "small"],
)
def test_bad_artwork_is_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "cover"
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=message):
        load_artwork(path)


ATOM = "{http://www.w3.org/2005/Atom}link"


def store_with(settings: Settings, count: int, **per_episode) -> None:
    with Store(settings.folders.store) as store:
        for n in range(count):
            store.save(
                episode(
                    f"k{n}", title=f"Episode {n}", slug=f"e{n}", audio=f"episodes/e{n}.mp3",
                    published=datetime(2026, 1, 1 + n, tzinfo=UTC),
                    categories=("Politics",) if n % 2 else ("Sport",),
                )
            )  # fmt: skip
        publish(store, settings, ART)


def test_large_feeds_are_paged_with_rfc5005_links(tmp_path: Path) -> None:
    """The head lists the newest; fixed archive pages hold every episode in the order they
    were added (the oldest first), linked head → newest page → … → oldest page. An archive
    page is written once it is full: the newest few are in the head only, so a page never
    changes once written."""
    show = dataclasses.replace(ShowSettings(), feed_size=3)
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", show=show)
    store_with(settings, 8)
    pages = ["feed.xml", "feed-archive-2.xml", "feed-archive-1.xml"]
    assert sorted(p.name for p in settings.site.glob("feed*.xml")) == sorted(pages)
    base = "http://127.0.0.1:8000/"
    shown: dict[str, list[str]] = {}
    for place, name in enumerate(pages):
        raw = (settings.site / name).read_bytes()
        root = etree.fromstring(raw)
        links = {link.get("rel"): link.get("href") for link in root.iter(ATOM)}
        assert links["self"] == base + name
        assert links["first"] == base + "feed.xml" and links["last"] == base + "feed-archive-1.xml"
        assert links.get("next") == (base + pages[place + 1] if place < 2 else None)
        assert links.get("previous") == (base + pages[place - 1] if place > 0 else None)
        shown[name] = [t.text for t in root.iter("title") if t.getparent().tag == "item"]
        assert feedparser.parse(raw).bozo == 0
    assert shown["feed.xml"] == ["Episode 7", "Episode 6", "Episode 5"]
    assert shown["feed-archive-1.xml"] == ["Episode 2", "Episode 1", "Episode 0"]
    assert shown["feed-archive-2.xml"] == ["Episode 5", "Episode 4", "Episode 3"]


def test_a_paged_feed_is_walked_whole_as_gpodder_walks_it(tmp_path: Path) -> None:
    """gPodder reads the head with podcastparser and follows ``paged_feed_next`` while pages
    have episodes: every episode is found, each guid once however many pages list it."""
    show = dataclasses.replace(ShowSettings(), feed_size=3)
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", show=show)
    store_with(settings, 8)
    url, seen, walked = "http://127.0.0.1:8000/feed.xml", set(), 0
    while url:
        with (settings.site / url.removeprefix("http://127.0.0.1:8000/")).open("rb") as handle:
            parsed = podcastparser.parse(url, handle)
        seen |= {episode["guid"] for episode in parsed["episodes"]}
        url, walked = parsed.get("paged_feed_next"), walked + 1
    assert walked == 3 and len(seen) == 8


def _feeds_of(site: Path) -> dict[str, str]:
    """Every feed page's text without its build time (which differs from run to run)."""
    return {
        path.relative_to(site).as_posix(): re.sub(r"<lastBuildDate>.*?</lastBuildDate>", "",
                                                  path.read_text(encoding="utf-8"))
        for path in sorted([*site.glob("feed*.xml"), *site.glob("feeds/*.xml")])
    }  # fmt: skip


def test_publishing_one_new_episode_writes_only_what_shows_it(tmp_path: Path) -> None:
    """The heads, the index and its own pages; an archive page only when one fills (and the
    one before it, whose link to the newer page changes); and the site then reads as a
    publish of everything writes it. What one publish renders does not depend on how full
    the newest page is."""
    from podcast.core.settings import CategoryFeed

    show = dataclasses.replace(ShowSettings(), feed_size=3)
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", show=show,
                        feeds=(CategoryFeed("sport", ("Sport",)),))  # fmt: skip
    store_with(settings, 7)  # 2 full archive pages; the seventh episode is in the head only
    with Store(settings.folders.store) as store:
        store.save(episode("k7", title="Episode 7", slug="e7", audio="episodes/e7.mp3",
                           published=datetime(2026, 1, 8, tzinfo=UTC), categories=("Sport",)))  # fmt: skip
        written = publish(store, settings, ART).files
        e7 = store.get("k7")
        assert e7 is not None
        assert set(written) - set(assets()) == {
            "feed.xml", "feeds/sport.xml", "index.html", e7.page, e7.embed, e7.oembed,
        }  # fmt: skip
        store.save(episode("k8", title="Episode 8", slug="e8", audio="episodes/e8.mp3",
                           published=datetime(2026, 1, 9, tzinfo=UTC), categories=("Politics",)))  # fmt: skip
        written = publish(store, settings, ART).files
        assert not [n for n in written if "archive" in n]  # 9 episodes: still 2 full pages
        store.save(episode("k9", title="Episode 9", slug="e9", audio="episodes/e9.mp3",
                           published=datetime(2026, 1, 10, tzinfo=UTC), categories=("Politics",)))  # fmt: skip
        written = publish(store, settings, ART).files
        # A third page fills: the second's link to the newer page changes with it.
        assert {"feed-archive-2.xml", "feed-archive-3.xml"} <= set(written)
        assert "feed-archive-1.xml" not in written
        step_by_step = _feeds_of(settings.site)
        publish(store, settings, ART, full=True)
        assert _feeds_of(settings.site) == step_by_step


def test_a_rebuilt_episode_rewrites_its_archive_page_and_sweeps_its_old_audio(
    tmp_path: Path,
) -> None:
    show = dataclasses.replace(ShowSettings(), feed_size=3)
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", show=show)
    store_with(settings, 8)
    old = settings.site / "episodes" / "e1.mp3"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"old")
    with Store(settings.folders.store) as store:
        store.record_files(["episodes/e1.mp3"], key="k1")
        publish(store, settings, ART)
        rebuilt = store.get("k1")
        assert rebuilt is not None
        store.save(dataclasses.replace(rebuilt, audio="episodes/e1-new.mp3"))
        written = publish(store, settings, ART).files
    assert "feed-archive-1.xml" in written and "feed-archive-2.xml" not in written
    assert "e1-new.mp3" in (settings.site / "feed-archive-1.xml").read_text(encoding="utf-8")
    assert not old.exists()


def test_shrinking_feed_removes_stale_pages(tmp_path: Path) -> None:
    show = dataclasses.replace(ShowSettings(), feed_size=3)
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", show=show)
    store_with(settings, 8)
    bigger = dataclasses.replace(settings, show=dataclasses.replace(show, feed_size=300))
    with Store(settings.folders.store) as store:
        publish(store, bigger, ART)
    assert [p.name for p in settings.site.glob("feed*.xml")] == ["feed.xml"]


def test_category_feeds_are_valid_feeds_of_their_own(tmp_path: Path) -> None:
    from podcast.core.settings import CategoryFeed

    feeds = (
        CategoryFeed("politics", ("politics",)),
        CategoryFeed("sport", ("Sport",), title="Sport & more"),
    )
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", feeds=feeds)
    store_with(settings, 5)
    for name, expected, title in (
        ("politics", 2, "The Audio Edition: politics"),
        ("sport", 3, "Sport & more"),
    ):
        raw = (settings.site / "feeds" / f"{name}.xml").read_bytes()
        with (settings.site / "feeds" / f"{name}.xml").open("rb") as handle:
            parsed = podcastparser.parse(f"http://127.0.0.1:8000/feeds/{name}.xml", handle)
        assert len(parsed["episodes"]) == expected
        assert parsed["title"] == title
        root = etree.fromstring(raw)
        assert root.findtext(
            "channel/{https://podcastindex.org/namespace/1.0}guid"
        ) == podcast_guid(f"http://127.0.0.1:8000/feeds/{name}.xml")
    index = (settings.site / "index.html").read_text(encoding="utf-8")
    assert 'href="feeds/sport.xml"' in index and "Sport &amp; more" in index


def test_item_link_and_description_fall_back(tmp_path: Path) -> None:
    settings = make_site(tmp_path, "T", summary="x" * 5000)
    root = etree.fromstring((settings.site / "feed.xml").read_bytes())
    assert (
        root.findtext("channel/item/link")
        == "http://127.0.0.1:8000/episodes/a-" + root.findtext("channel/item/guid")[:8] + ".html"
    )
    assert len(root.findtext("channel/item/description").encode()) <= 4000


def test_transcripts_escape_and_wrap() -> None:
    from podcast.core.cues import TranscriptCue
    from podcast.publish.transcripts import subrip, webvtt

    cues = [
        TranscriptCue(0.0, 1.5, HOSTILE),
        TranscriptCue(1.5, 3.25, "--> arrows <b>bold</b> " + "word " * 30),
    ]
    vtt = webvtt(cues)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n")
    body = vtt.split("\n\n", 1)[1]
    assert "<script>" not in body and "&lt;script&gt;" in body and "&amp;" in body
    assert body.count("-->") == 2  # only the timing lines
    assert all(len(line) <= 65 for line in vtt.splitlines())
    assert "00:00:01,500 --> 00:00:03,250" in subrip(cues)


def test_unchanged_episode_pages_are_not_rewritten(tmp_path: Path) -> None:
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state")
    store_with(settings, 3)
    with Store(settings.folders.store) as store:
        again = publish(store, settings, ART)
        assert not [f for f in again.files if f.startswith("episodes/")]
        renamed = dataclasses.replace(
            settings, show=dataclasses.replace(settings.show, title="New name")
        )
        changed = publish(store, renamed, ART)
        # Each episode's page, embedded player and oEmbed response.
        assert len([f for f in changed.files if f.startswith("episodes/")]) == 3 * 3
        first = store.episodes()[0]
        (settings.site / first.page).unlink()
        # A publish of what changed reads nothing else; one of everything (a batch's last)
        # finds the page gone and writes it again, and only it.
        repaired = publish(store, renamed, ART, full=True)
        assert [f for f in repaired.files if f.startswith("episodes/")] == sorted(
            [first.embed, first.page, first.oembed]
        )


def test_srt_has_no_markup_a_player_would_run_or_render() -> None:
    """Issue 24, minor: SRT kept a title's raw <script> and <img onerror>; the VTT was escaped."""
    from podcast.core.cues import TranscriptCue
    from podcast.publish.transcripts import subrip

    cues = [
        TranscriptCue(
            0.0, 1.0, 'Alert <script>alert(1)</script> and <img src=x onerror="alert(2)">'
        ),
        TranscriptCue(1.0, 2.0, "{\\an8}Moved <b>bold</b>, and 3 < 5 > 2 stays"),
    ]
    srt = subrip(cues)
    assert "<script" not in srt and "<img" not in srt and "<b>" not in srt and "{\\an8}" not in srt
    assert "Alert alert(1) and" in srt
    assert "Moved bold, and 3 < 5 > 2 stays" in srt
