"""The daily briefing (issue 19, point 2), from a real batch: its feed, chapters, cache use and guid."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3

from audio.piececache import PieceCache
from podcast.core.episode import Episode
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.make.briefing import Selection, briefing_article, opening, select
from tests.helpers import invoke_cli, write_articles

pytestmark = pytest.mark.e2e


def briefing_feed(work: Path) -> etree._Element:
    return etree.fromstring((work / "site" / "feeds" / "briefing.xml").read_bytes())


@pytest.fixture
def night(tmp_path: Path) -> Path:
    """A real batch of four short articles, one of them in Politics."""
    write_articles(tmp_path / "articles", 3)
    (tmp_path / "articles" / "vote.json").write_text(json.dumps({
        "title": "Senate passes the harbour bill", "categories": ["Politics"],
        "body": "The senate passed the harbour bill on Monday.\n\nThe vote was close.\n\n"
                "A third paragraph is never read in the briefing.",
    }))  # fmt: skip
    result = invoke_cli("batch", "articles", "-j", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_a_briefing_from_a_real_batch(night: Path) -> None:
    result = invoke_cli("briefing", cwd=night)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "feed: site/feeds/briefing.xml"
    # Only the briefing's own lines were synthesised: every story sentence was in the cache.
    built = re.search(r"(\d+) sentences \((\d+) synthesised\)", result.stderr)
    assert built, result.stderr
    sentences, synthesised = int(built[1]), int(built[2])
    assert sentences >= 4 * 3 and synthesised <= 9, result.stderr
    # Each story's opening is MP3 pieces its own episode encoded, kept at its gain.
    pieces = re.search(r"(\d+) of (\d+) MP3 piece\(s\) encoded, (\d+) quoted", result.stderr)
    assert pieces, result.stderr
    assert int(pieces[3]) >= 4 and int(pieces[1]) + int(pieces[3]) == int(pieces[2])
    store = Store(night / ".audio-edition" / "episodes.db")
    episodes = {e.title: e for e in store.episodes()}
    (briefing,) = [e for t, e in episodes.items() if t.startswith("The briefing")]
    for story in (e for e in episodes.values() if e is not briefing):
        shared = set(story.piece_keys) & set(briefing.piece_keys)
        assert shared and all(PieceCache.analysed(k) is None for k in shared)  # MP3 pieces
    root = briefing_feed(night)
    (item,) = root.findall("channel/item")
    today = datetime.now().astimezone()
    assert item.findtext("title") == f"The briefing for {today:%A}, {today.day} {today:%B %Y}"
    assert root.findtext("channel/title") == "The briefing"
    assert item.findtext("description").startswith(
        "This audio is created with AI assistance.\n4 stories: "
    )
    # The main feed does not carry it.
    main = etree.fromstring((night / "site" / "feed.xml").read_bytes())
    assert len(main.findall("channel/item")) == 4
    assert item.findtext("guid") not in {i.findtext("guid") for i in main.findall("channel/item")}
    # A chapter per story, linking the story's own episode page.
    chapters_url = item.find("{https://podcastindex.org/namespace/1.0}chapters").get("url")
    chapters = json.loads((night / "site" / chapters_url.split("/", 3)[3]).read_text())["chapters"]
    linked = {c["title"]: c["url"] for c in chapters if "url" in c}
    pages = {e.title: e.page for e in episodes.values()}
    assert set(linked) == {t for t in pages if not t.startswith("The briefing")}
    for title, url in linked.items():
        assert url.endswith(pages[title]) and (night / "site" / pages[title]).is_file()
    # The MP3's own chapters link them too (WXXX in each story's CHAP), as apps read tags.
    tags = ID3(night / "site" / briefing.audio)
    tagged = {str(c.sub_frames["TIT2"]): c.sub_frames.getall("WXXX") for c in tags.getall("CHAP")}
    assert {t: [w.url for w in frames] for t, frames in tagged.items() if frames} == {
        title: [url] for title, url in linked.items()
    }
    # It passes check and both parsers.
    assert invoke_cli("check", cwd=night).returncode == 0
    parsed = podcastparser.parse(
        "briefing.xml", (night / "site" / "feeds" / "briefing.xml").open("rb")
    )
    assert len(parsed["episodes"]) == 1
    assert feedparser.parse((night / "site" / "feeds" / "briefing.xml").read_bytes()).bozo == 0


def test_building_it_again_the_same_day_replaces_it(night: Path) -> None:
    assert invoke_cli("briefing", cwd=night).returncode == 0
    first = briefing_feed(night).findtext("channel/item/guid")
    write_articles(night / "articles", 1, start=7)
    assert invoke_cli("batch", "articles", "-j", "1", "--briefing", cwd=night).returncode == 0
    root = briefing_feed(night)
    (item,) = root.findall("channel/item")
    assert item.findtext("guid") == first
    assert "5 stories" in item.findtext("description")
    assert invoke_cli("check", "--no-audio", cwd=night).returncode == 0


def test_a_category_briefing_and_its_selection(night: Path) -> None:
    result = invoke_cli("briefing", "--category", "politics", "--paragraphs", "1", cwd=night)
    assert result.returncode == 0, result.stderr
    (item,) = briefing_feed(night).findall("channel/item")
    assert item.findtext("title").endswith(": politics")
    assert "1 stories" not in item.findtext("description") and "One story" in item.findtext(
        "description"
    )
    transcript_url = item.find("{https://podcastindex.org/namespace/1.0}transcript").get("url")
    vtt = (night / "site" / transcript_url.split("/", 3)[3]).read_text()
    assert "The senate passed the harbour bill on Monday." in vtt
    assert "The vote was close." not in vtt  # one paragraph only
    nothing = invoke_cli("briefing", "--category", "Sport", cwd=night)
    assert nothing.returncode == 1
    assert nothing.stderr.strip() == (
        "Error: no episodes in Sport were published in the last 24 hours: nothing to brief"
    )


def test_selection_and_opening_rules(tmp_path: Path) -> None:
    from podcast.core.cues import TranscriptCue

    now = datetime(2026, 12, 2, 9, tzinfo=UTC)

    def story(n: int, hours: float, categories: tuple[str, ...] = (), series: str = "") -> Episode:
        cues = (TranscriptCue(0, 1, "Intro.", 0, "intro"),
                TranscriptCue(1, 2, f"A{n}.", 1, "body"), TranscriptCue(2, 3, f"B{n}.", 1, "body"),
                TranscriptCue(3, 4, f"C{n}.", 2, "body"), TranscriptCue(4, 5, f"D{n}.", 3, "body"))  # fmt: skip
        return Episode(key=f"k{n}", guid=f"g{n}", slug=f"s{n}", title=f"Story {n}",
                       published=now - timedelta(hours=hours), audio=f"e/{n}.mp3", audio_bytes=1,
                       duration=1.0, transcript="t", chapters="c", voice="v", fingerprint="f",
                       categories=categories, series=series, cues=cues)  # fmt: skip

    with Store(tmp_path / "s.db") as store:
        for episode in (story(1, 1), story(2, 30), story(3, 2, ("Politics",)), story(4, 0.5),
                        story(5, 3, series="briefing")):  # fmt: skip
            store.save(episode)
        chosen = select(store, Selection(timedelta(hours=24)), now)
        assert [e.title for e in chosen] == ["Story 4", "Story 1", "Story 3"]
        assert [e.title for e in select(store, Selection(timedelta(hours=24), max=2), now)] == [
            "Story 4", "Story 1"]  # fmt: skip
        politics = select(store, Selection(timedelta(hours=24), category="politics"), now)
        assert [e.title for e in politics] == ["Story 3"]
        assert opening(chosen[0], 2) == ["A4. B4.", "C4."]
        article = briefing_article(chosen, Settings(), Selection(timedelta(hours=24)), now)
        kinds = [(b.kind, b.text) for b in article.blocks]
        assert kinds[:4] == [("paragraph", "Here are 3 stories from the newsroom."),
                             ("paragraph", "First."), ("heading", "Story 4"), ("paragraph", "A4. B4.")]  # fmt: skip
        assert ("paragraph", "And finally.") in kinds and article.series == "briefing"
        assert article.key == "briefing:the-briefing-for-wednesday-2-december-2026"
        # one story: "Here is one story", and no "First." before it
        single = briefing_article(chosen[:1], Settings(), Selection(timedelta(hours=24)), now)
        assert [(b.kind, b.text) for b in single.blocks][:3] == [
            ("paragraph", "Here is one story from the newsroom."), ("heading", "Story 4"),
            ("paragraph", "A4. B4.")]  # fmt: skip


def test_adopt_keeps_the_briefing_in_its_own_feed_and_says_the_disclosure_once(
    night: Path,
) -> None:
    """A lost store taken back by ``adopt``: the briefing stays out of the main feed and is
    replaced, not doubled, when it is built again the same day; no description gains a
    second disclosure line."""
    import shutil

    assert invoke_cli("briefing", cwd=night).returncode == 0
    (briefing,) = briefing_feed(night).findall("channel/item")
    guid = briefing.findtext("guid")
    main = etree.fromstring((night / "site" / "feed.xml").read_bytes())
    descriptions = {i.findtext("guid"): i.findtext("description") for i in main.iter("item")}
    descriptions[guid] = briefing.findtext("description")
    shutil.rmtree(night / ".audio-edition")
    adopted = invoke_cli("adopt", cwd=night)
    assert adopted.returncode == 0 and "Adopted 5 episode(s)" in adopted.stdout, adopted.stdout
    # Published again with one new story: the adopted items are written from their records.
    write_articles(night / "articles", 1, start=7)
    result = invoke_cli("build", "articles/story-7.txt", cwd=night)
    assert result.returncode == 0, result.stderr
    main = etree.fromstring((night / "site" / "feed.xml").read_bytes())
    assert guid not in {i.findtext("guid") for i in main.iter("item")}
    assert len(main.findall("channel/item")) == 5
    for item in [*main.iter("item"), *briefing_feed(night).iter("item")]:
        text = item.findtext("description")
        assert text.count("This audio is created with AI assistance.") == 1, text
        if item.findtext("guid") in descriptions:
            assert text == descriptions[item.findtext("guid")]
    # The briefing built again the same day replaces the adopted one.
    result = invoke_cli("batch", "articles", "-j", "1", "--briefing", cwd=night)
    assert result.returncode == 0, result.stderr
    (again,) = briefing_feed(night).findall("channel/item")
    assert again.findtext("guid") == guid and "5 stories" in again.findtext("description")
    assert invoke_cli("check", "--no-audio", cwd=night).returncode == 0
