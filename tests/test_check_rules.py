"""Each of `check`'s rules, one by one, on a small hand-made site.

The site is one feed with one item, its MP3 (two seconds of tone at about −22 LUFS, peaking at −18 dBFS, tagged with
chapters), transcript, chapters file and cover: every rule holds on it. Each
case below breaks one rule and the test finds it, with the table's severity.
A rule without a case fails `test_every_rule_has_a_case`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import imageio_ffmpeg
import pytest
from mutagen.id3 import ID3, TALB

from audio.ffmpeg import ffmpeg_exe
from audio.tags import Chapter, EpisodeTags, write_tags
from podcast.check.rules import RULES, WHERE, Rule
from podcast.check.run import check_site
from podcast.core.settings import Settings
from podcast.publish.artwork import default_artwork
from podcast.publish.feed import podcast_guid

BASE = "https://news.example/audio"
FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Small Show</title>
<description>One episode.</description>
<language>en</language>
<link>https://news.example/</link>
<atom:link rel="self" href="{BASE}/feed.xml" type="application/rss+xml"/>
<itunes:image href="{BASE}/cover.png"/>
<itunes:category text="News"><itunes:category text="Daily News"/></itunes:category>
<itunes:explicit>false</itunes:explicit>
<itunes:author>Newsroom</itunes:author>
<itunes:type>episodic</itunes:type>
<copyright>2026 Newsroom</copyright>
<podcast:guid>{podcast_guid(f"{BASE}/feed.xml")}</podcast:guid>
<podcast:locked>yes</podcast:locked>
<item>
<title>Harbour plan</title>
<description>This audio is created with AI assistance.
The harbour plan.</description>
<guid isPermaLink="false">guid-1</guid>
<pubDate>Tue, 01 Dec 2026 08:00:00 +0000</pubDate>
<itunes:duration>2</itunes:duration>
<itunes:episodeType>full</itunes:episodeType>
<enclosure url="{BASE}/episodes/a.mp3" length="LENGTH" type="audio/mpeg"/>
<podcast:transcript url="{BASE}/episodes/a.vtt" type="text/vtt"/>
<podcast:chapters url="{BASE}/episodes/a.chapters.json" type="application/json+chapters"/>
<podcast:txt purpose="ai-content">This audio is created with AI assistance. Voice: x.</podcast:txt>
</item>
</channel>
</rss>
"""
VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nThe harbour plan.\n"
CHAPTERS = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Harbour plan"}]}


def make_site(folder: Path) -> Path:
    """The small site on which every rule holds."""
    episodes = folder / "episodes"
    episodes.mkdir(parents=True)
    mp3 = episodes / "a.mp3"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi",
         "-i", "sine=frequency=440:duration=2:sample_rate=44100",
         "-c:a", "libmp3lame", "-b:a", "64k", str(mp3)],
        check=True,
    )  # fmt: skip
    write_tags(mp3, EpisodeTags("Harbour plan", "Newsroom", "Small Show",
                                chapters=(Chapter("Harbour plan", 0.0, 2.0),)))  # fmt: skip
    (episodes / "a.vtt").write_text(VTT, encoding="utf-8")
    (episodes / "a.chapters.json").write_text(json.dumps(CHAPTERS), encoding="utf-8")
    (folder / "cover.png").write_bytes(default_artwork(1400).data)
    (folder / "index.html").write_text("<!doctype html><title>Small Show</title>\n")
    (folder / "feed.xml").write_text(
        FEED.replace("LENGTH", str(mp3.stat().st_size)), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    """The site, and settings whose loudness target is what its tone measures."""
    from audio.meter import measure

    site = make_site(tmp_path_factory.mktemp("small") / "site")
    lufs, _ = measure(site / "episodes" / "a.mp3")
    settings = Settings()
    settings = replace(
        settings,
        show=replace(settings.show, base_url=BASE),
        audio=replace(settings.audio, loudness=round(lufs, 1)),
    )
    return site, settings


@dataclass(frozen=True)
class Tweak:
    """What a case changes besides the site: the loudness targets, the environment."""

    loudness: float = 0.0
    """Added to the target."""
    true_peak: float | None = None
    env: dict[str, str] = field(default_factory=dict)


Case = Callable[[Path], Tweak | None]


def feed(old: str, new: str) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        path = site / "feed.xml"
        text = path.read_text(encoding="utf-8")
        assert re.search(old, text), old
        path.write_text(re.sub(old, new, text, count=1), encoding="utf-8")

    return edit


def write(name: str, text: str | bytes) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        path = site / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return edit


def remove(name: str) -> Callable[[Path], None]:
    return lambda site: (site / name).unlink()


def tags(change: Callable[[ID3], None], version: int = 3) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        mp3 = site / "episodes" / "a.mp3"
        id3 = ID3(mp3)
        change(id3)
        id3.save(mp3, v2_version=version)
        feed(r'length="\d+"', f'length="{mp3.stat().st_size}"')(site)

    return edit


def untag(site: Path) -> None:
    mp3 = site / "episodes" / "a.mp3"
    ID3(mp3).delete(mp3)
    feed(r'length="\d+"', f'length="{mp3.stat().st_size}"')(site)


def second_item(change: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        path = site / "feed.xml"
        text = path.read_text(encoding="utf-8")
        item = re.search(r"<item>.*?</item>", text, re.S)
        assert item
        path.write_text(text.replace(item[0], item[0] + change(item[0])), encoding="utf-8")

    return edit


def variable_bitrate(site: Path) -> None:
    mp3 = site / "episodes" / "a.mp3"
    out = mp3.with_name("b.mp3")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-q:a", "4",
                    "-c:a", "libmp3lame", "-id3v2_version", "3", str(out)], check=True)  # fmt: skip
    out.replace(mp3)
    feed(r'length="\d+"', f'length="{mp3.stat().st_size}"')(site)


def ffmpeg_that_fails(site: Path) -> Tweak:
    script = site.parent / "ffmpeg"
    script.write_text("#!/bin/sh\necho 'cannot decode' >&2\nexit 1\n")
    script.chmod(0o755)
    return Tweak(env={"AUDIO_EDITION_FFMPEG": str(script)})


def ctoc_untitled(id3: ID3) -> None:
    id3.getall("CTOC")[0].sub_frames.delall("TIT2")


def ctoc_removed(id3: ID3) -> None:
    id3.delall("CTOC")


def chap_untitled(id3: ID3) -> None:
    id3.getall("CHAP")[0].sub_frames.delall("TIT2")


CHANNEL_TAG = {
    "title": r"<title>Small Show</title>",
    "description": r"<description>One episode.</description>",
    "language": r"<language>en</language>",
    "itunes:image": r'<itunes:image href="[^"]+"/>',
    "itunes:category": r"<itunes:category text=\"News\">.*?</itunes:category>\n",
    "itunes:explicit": r"<itunes:explicit>false</itunes:explicit>",
    "itunes:author": r"<itunes:author>Newsroom</itunes:author>",
    "link": r"<link>https://news.example/</link>",
    "itunes:type": r"<itunes:type>episodic</itunes:type>",
    "copyright": r"<copyright>2026 Newsroom</copyright>",
    "podcast:guid": r"<podcast:guid>[^<]+</podcast:guid>",
    "podcast:locked": r"<podcast:locked>yes</podcast:locked>",
}
EP = f"{BASE}/episodes"
CASES: dict[str, Case] = {
    "site.feed": remove("feed.xml"),
    "site.index": remove("index.html"),
    "feed.declaration": feed(r'^<\?xml version="1.0" encoding="UTF-8"\?>\n', ""),
    "feed.xml": feed(r"</channel>", "</chanel>"),
    "feed.namespace": feed(r"<rss ", '<rss xmlns:content="https://example.org/content" '),
    "feed.rss": lambda site: feed("<channel>", "<programme>")(site) or feed(
        "</channel>", "</programme>")(site),
    **{f"channel.{tag}": feed(pattern, "") for tag, pattern in CHANNEL_TAG.items()},
    "channel.description.length": feed(r"One episode\.", "x" * 4001),
    "channel.language.code": feed(r"<language>en</language>", "<language>English</language>"),
    "channel.explicit": feed(r"<itunes:explicit>false", "<itunes:explicit>no"),
    "channel.category": feed(r'text="Daily News"', 'text="Gossip"'),
    "channel.atom_self": feed(r'<atom:link rel="self"[^>]+>', ""),
    "channel.podcast_guid": feed(r"<podcast:guid>[^<]+<", "<podcast:guid>not-a-uuid<"),
    "channel.podcast_guid.url": feed(
        r"<podcast:guid>[^<]+<", f"<podcast:guid>{podcast_guid('https://elsewhere/f.xml')}<"
    ),
    "artwork.missing": remove("cover.png"),
    "artwork": write("cover.png", default_artwork(600).data),
    "item.title": feed(r"<title>Harbour plan</title>", ""),
    "item.guid": feed(r'<guid isPermaLink="false">guid-1</guid>', ""),
    "item.guid.duplicate": second_item(lambda item: item.replace("a.mp3", "b.mp3")),
    "item.pubDate": feed(r"<pubDate>[^<]+<", "<pubDate>yesterday<"),
    "item.pubDate.future": feed(r"<pubDate>[^<]+<", "<pubDate>Fri, 01 Jan 9999 00:00:00 +0000<"),
    "item.duration": feed(r"<itunes:duration>2<", "<itunes:duration>1.5 minutes<"),
    "item.episodeType": feed(r">full<", ">special<"),
    "item.description.length": feed(r"The harbour plan\.", "y" * 4001),
    "item.disclosure": feed(r"This audio is created with AI assistance\.\n", ""),
    "item.ai_content": feed(r"<podcast:txt [^>]+>[^<]+</podcast:txt>", ""),
    "item.transcript": feed(r"<podcast:transcript[^>]+>", ""),
    "item.transcript.missing": remove("episodes/a.vtt"),
    "item.chapters": feed(r"<podcast:chapters[^>]+>", ""),
    "item.chapters.missing": remove("episodes/a.chapters.json"),
    "item.duration.actual": feed(r"<itunes:duration>2<", "<itunes:duration>60<"),
    "item.enclosure": feed(r"<enclosure[^>]+>", ""),
    "item.enclosure.attributes": feed(r' type="audio/mpeg"', ""),
    "item.enclosure.ascii": feed(r"a\.mp3", "ä.mp3"),
    "item.enclosure.unique": second_item(lambda item: item.replace("guid-1", "guid-2")),
    "item.enclosure.type": feed(r'type="audio/mpeg"', 'type="audio/mp3"'),
    "item.enclosure.length_format": feed(r'length="\d+"', 'length="2 MB"'),
    "item.enclosure.external": feed(rf"{EP}/a\.mp3", "https://cdn.example/a.mp3"),
    "item.enclosure.missing": remove("episodes/a.mp3"),
    "item.enclosure.length": feed(r'length="\d+"', 'length="1234"'),
    "mp3.decode": write("episodes/a.mp3", b"not an mp3" * 100),
    "mp3.cbr": variable_bitrate,
    "mp3.measure": ffmpeg_that_fails,
    "mp3.loudness": lambda site: Tweak(loudness=3.0),
    "mp3.true_peak": lambda site: Tweak(true_peak=-25.0),
    "mp3.id3": untag,
    "mp3.id3.version": tags(lambda id3: None, version=4),
    "mp3.id3.frames": tags(lambda id3: id3.delall(TALB.__name__)),
    "mp3.chapters.ctoc": tags(ctoc_removed),
    "mp3.chapters.ctoc_title": tags(ctoc_untitled),
    "mp3.chapters.title": tags(chap_untitled),
    "transcript.vtt.header": write("episodes/a.vtt", "1\n00:00:00.000 --> 00:00:01.000\nHi\n"),
    "transcript.vtt.timing": write("episodes/a.vtt", "WEBVTT\n\n1\n00:00:05.000 -> 00:00:01.000\nHi\n"),
    "transcript.vtt.order": write(
        "episodes/a.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nA\n\n2\n00:00:00.500 --> 00:00:01.000\nB\n",
    ),
    "transcript.vtt.line": write(
        "episodes/a.vtt", "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n" + "x" * 66 + "\n"
    ),
    "chapters.json": write("episodes/a.chapters.json", "{"),
    "chapters.version": write("episodes/a.chapters.json", '{"chapters": []}'),
    "chapters.list": write("episodes/a.chapters.json", '{"version": "1.2.0", "chapters": []}'),
    "chapters.start": write(
        "episodes/a.chapters.json", '{"version": "1.2.0", "chapters": [{"title": "A"}]}'
    ),
    "chapters.title": write(
        "episodes/a.chapters.json", '{"version": "1.2.0", "chapters": [{"startTime": 0}]}'
    ),
    "chapters.order": write(
        "episodes/a.chapters.json",
        json.dumps({"version": "1.2.0", "chapters": [
            {"startTime": 5, "title": "B"}, {"startTime": 1, "title": "A"}]}),
    ),
}  # fmt: skip


def run(site: Path, settings: Settings, tweak: Tweak | None = None) -> list[tuple[str, str]]:
    tweak = tweak or Tweak()
    audio = settings.audio
    audio = replace(audio, loudness=audio.loudness + tweak.loudness,
                    true_peak=audio.true_peak if tweak.true_peak is None else tweak.true_peak)  # fmt: skip
    report = check_site(site, replace(settings, site=site, audio=audio))
    return [(f.rule, f.severity) for f in report.findings]


def test_every_rule_holds_on_the_small_site(small_site: tuple[Path, Settings]) -> None:
    site, settings = small_site
    report = check_site(site, settings)
    assert report.findings == []
    assert dict(report.checked) == {"feeds": 1, "items": 1, "mp3": 1, "loudness": 1}


def test_every_rule_has_a_case_and_a_known_place() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids)), "rule ids are unique"
    assert sorted(ids) == sorted(CASES)
    assert {rule.where for rule in RULES} <= set(WHERE)
    assert all(rule.severity in ("error", "warning") for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_finds_its_case(
    rule: Rule, small_site: tuple[Path, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(small_site[0], site)
    tweak = CASES[rule.id](site)
    for name, value in (tweak.env if tweak else {}).items():
        monkeypatch.setenv(name, value)
    ffmpeg_exe.cache_clear()
    try:
        found = run(site, small_site[1], tweak)
    finally:
        ffmpeg_exe.cache_clear()
    assert (rule.id, rule.severity) in found, found
    # The case breaks its rule and little else (a missing file also fails its size, say).
    assert len(found) <= 2, found


def test_a_gate_stops_its_subjects_other_rules(
    small_site: tuple[Path, Settings], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(small_site[0], site)
    CASES["feed.xml"](site)
    assert run(site, small_site[1]) == [("feed.xml", "error")]
